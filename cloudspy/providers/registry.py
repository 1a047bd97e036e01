"""Provider names, their FOCUS ProviderName spellings, and where their code lives.

The only table that knows every provider: shared code looks providers up here
instead of branching on names. Provider packages are imported only when used,
so ``cloudspy --help`` pays for no SDK.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from cloudspy.errors import UsageError


@dataclass(frozen=True)
class ProviderInfo:
    """One provider: its CLI name, the ProviderName values its data carries, its code."""

    name: str
    title: str
    focus_names: tuple[str, ...]
    entry_point: str | None = None
    provider_name: str = ""  # the ProviderName its own rows carry

    def __post_init__(self) -> None:
        if not self.provider_name:
            object.__setattr__(self, "provider_name", self.title)

    def load(self) -> Any:
        """Import and return the provider's entry point (module:attribute)."""
        if self.entry_point is None:
            raise UsageError(f"{self.title} has no API connector; import its files instead")
        module, _, attr = self.entry_point.partition(":")
        return getattr(importlib.import_module(module), attr)


PROVIDERS: dict[str, ProviderInfo] = {
    "aws": ProviderInfo(
        "aws", "AWS", ("aws", "amazon web services"), "cloudspy.providers.aws:AwsProvider"
    ),
    "gcp": ProviderInfo(
        "gcp",
        "Google Cloud",
        ("google cloud", "gcp", "google"),
        "cloudspy.providers.gcp:GcpProvider",
    ),
    "azure": ProviderInfo(
        "azure",
        "Microsoft Azure",
        ("microsoft", "azure", "microsoft azure"),
        "cloudspy.providers.azure:AzureProvider",
        provider_name="Microsoft",  # as Microsoft's own FOCUS exports name it
    ),
    "oracle": ProviderInfo(
        "oracle", "Oracle Cloud", ("oracle", "oracle cloud infrastructure"), provider_name="Oracle"
    ),
}


def provider_info(name: str) -> ProviderInfo:
    """Look a provider up by its CLI name or any of its ProviderName spellings."""
    key = name.strip().lower()
    for info in PROVIDERS.values():
        if key == info.name or key in info.focus_names:
            return info
    known = ", ".join(PROVIDERS)
    raise UsageError(f"unknown provider {name!r}", hint=f"use one of {known}")


def focus_names(names: list[str]) -> list[str]:
    """The lower-cased ProviderName values that the CLI names stand for."""
    out: list[str] = []
    for name in names:
        info = provider_info(name)
        out.extend(info.focus_names)
    return out
