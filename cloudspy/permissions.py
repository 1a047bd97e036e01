"""``cloudspy permissions``: the read-only permissions a provider's code declares.

Each provider package declares what it calls in ``providers/<name>/permissions.py``
(``declared()``, ``policy_document()``, ``FORMAT``); this module only finds that
declaration, so a provider without one has no policy to print (never a guess).
"""

from __future__ import annotations

import importlib

from cloudspy.errors import NoDataError
from cloudspy.models.waste import PermissionsDocument
from cloudspy.providers.registry import provider_info


def permissions_for(provider: str) -> PermissionsDocument:
    """The provider's declared permissions and its policy document."""
    info = provider_info(provider)
    name = f"cloudspy.providers.{info.name}.permissions"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name not in (name, f"cloudspy.providers.{info.name}"):
            raise
        raise NoDataError(
            f"{info.title} declares no API permissions yet",
            hint=f"CloudSpy's {info.title} connector has no cloudspy/providers/{info.name}/"
            "permissions.py declaration",
        ) from None
    declared = module.declared()
    return PermissionsDocument(
        provider=info.name,
        format=module.FORMAT,
        permissions=sorted(declared),
        reasons=dict(sorted(declared.items())),
        document=module.policy_document(),
    )
