"""Whether ``DefaultAzureCredential`` would find credentials, without importing azure-identity.

Read from the environment and files only, in the order of azure-identity's
chain, so that a laptop without Azure never waits on the managed-identity
endpoint (#12): a service principal or workload identity in ``AZURE_*``
variables; an App Service / Arc / Cloud Shell identity endpoint; the Azure CLI's
login (``~/.azure/azureProfile.json`` or ``AZURE_CONFIG_DIR``) or azd's; and a
VM's managed identity only where the firmware says the machine is an Azure VM.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

from cloudspy.providers.base import Ambient, fingerprint

DMI = Path("/sys/devices/virtual/dmi/id")
AZURE_ASSET_TAG = "7783-7084-3265-9085-8269-3286-77"  # every Azure VM's chassis asset tag

SETUP_HINT = (
    "run `az login`, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET "
    "(or a federated token or certificate)"
)


def cli_profile(environ: Mapping[str, str]) -> Path:
    """The Azure CLI's profile file (subscriptions of the logged-in account)."""
    base = environ.get("AZURE_CONFIG_DIR", "").strip()
    return (Path(base).expanduser() if base else Path.home() / ".azure") / "azureProfile.json"


def cli_login(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """(user, tenant) of the Azure CLI's default subscription, when ``az login`` was run."""
    try:
        text = cli_profile(environ).read_text(encoding="utf-8-sig")
        profile = json.loads(text)
    except (OSError, ValueError):
        return None
    for subscription in profile.get("subscriptions") or []:
        if subscription.get("isDefault") or len(profile["subscriptions"]) == 1:
            user = str((subscription.get("user") or {}).get("name") or "")
            return user, str(subscription.get("tenantId") or "")
    return None


def on_azure_vm() -> bool:
    """Whether the firmware says this machine is an Azure VM (no network involved)."""
    try:
        return (DMI / "chassis_asset_tag").read_text(encoding="utf-8").strip() == AZURE_ASSET_TAG
    except OSError:
        return False


def detect(environ: Mapping[str, str] | None = None) -> Ambient | None:
    """The Azure identity source ``DefaultAzureCredential`` would use, or None."""
    env = os.environ if environ is None else environ
    client = env.get("AZURE_CLIENT_ID", "").strip()
    tenant = env.get("AZURE_TENANT_ID", "").strip()
    secret_kinds = [
        name
        for name in (
            "AZURE_CLIENT_SECRET",
            "AZURE_CLIENT_CERTIFICATE_PATH",
            "AZURE_FEDERATED_TOKEN_FILE",
            "AZURE_USERNAME",
        )
        if env.get(name, "").strip()
    ]
    if client and tenant and secret_kinds:
        return Ambient(
            "azure",
            f"azure:env:{fingerprint(client, tenant)}",
            f"Azure service principal {client} (AZURE_CLIENT_ID)",
        )
    for variable in ("IDENTITY_ENDPOINT", "MSI_ENDPOINT"):
        endpoint = env.get(variable, "").strip()
        if endpoint:
            return Ambient(
                "azure", f"azure:msi:{fingerprint(endpoint, client)}", "the Azure managed identity"
            )
    login = cli_login(env)
    if login is not None:
        user, tenant_id = login
        return Ambient(
            "azure", f"azure:cli:{fingerprint(user, tenant_id)}", f"Azure CLI login {user}".strip()
        )
    if on_azure_vm():
        return Ambient(
            "azure", f"azure:vm:{fingerprint(client)}", "the Azure VM's managed identity"
        )
    return None


def config_section(ambient: Ambient) -> dict[str, object]:
    """The ``[azure]`` section these credentials stand for: every enabled subscription
    they can see, listed on first use."""
    return {"discover": True}
