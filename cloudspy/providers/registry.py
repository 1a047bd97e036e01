"""Provider names, their FOCUS ProviderName spellings, and where their code lives.

The only table that knows every provider: shared code looks providers up here
instead of branching on names. Provider packages are imported only when used,
so ``cloudspy --help`` pays for no SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudspy.errors import UsageError
from cloudspy.models.resource import IP, SNAPSHOT, VM

if TYPE_CHECKING:
    from cloudspy.models.prices import PriceKey
    from cloudspy.models.resource import Resource
    from cloudspy.providers.base import Ambient, ConfiguredSettings, Provider
    from cloudspy.providers.commands import ProviderCommands


def _resolve(dotted: str) -> Any:
    """The attribute a ``module:attribute`` string names, its module imported on use."""
    module, _, attribute = dotted.partition(":")
    return getattr(importlib.import_module(module), attribute)


@dataclass(frozen=True)
class ProviderInfo:
    """One provider: its CLI name, the ProviderName values its data carries, its code."""

    name: str
    title: str
    focus_names: tuple[str, ...]
    entry_point: str | None = None
    provider_name: str = ""  # the ProviderName its own rows carry
    # module:function finding the SDK's own credentials without the SDK (None: no API)
    ambient: str | None = None
    # module:function naming the price-list product a resource is (None: no price list)
    price_keys: str | None = None
    # module:function giving a VM type's vCPUs and its family's smaller types
    sizes: str | None = None
    # module:function giving a disk type's provisioned performance included in its
    # capacity price, per unit (None from it: the type bills no performance)
    performance: str | None = None
    # module:function saying what a resource's list price leaves out or overstates
    # (an upper-bound size, a licence it cannot price); "" when nothing
    price_note: str | None = None
    # module:function reading what a VM bills as beside its type (operating system,
    # licences) from its provider payload, as the inventory does
    platform: str | None = None
    # the kinds whose price reads the provider payload (a licence, a plan, a snapshot's
    # size or type), which a raw-less load must read again before pricing
    payload_kinds: tuple[str, ...] = ()
    # module:class of its ``[name]`` config section (None: nothing to configure)
    settings: str | None = None
    # module:attribute of its ``cloudspy <name> …`` group (a ProviderCommands)
    commands: str | None = None

    def __post_init__(self) -> None:
        if not self.provider_name:
            object.__setattr__(self, "provider_name", self.title)

    def load(self) -> Provider:
        """Import and return the provider's connector (its entry point, module:attribute)."""
        if self.entry_point is None:
            raise UsageError(f"{self.title} has no API connector; import its files instead")
        provider: Provider = _resolve(self.entry_point)
        return provider

    def settings_model(self) -> type | None:
        """The pydantic model of this provider's ``[name]`` section, or None."""
        return None if self.settings is None else _resolve(self.settings)

    def command_spec(self) -> ProviderCommands | None:
        """What ``cloudspy <name> …`` offers (options, sources, listings), or None."""
        return None if self.commands is None else _resolve(self.commands)

    def detect(self) -> Ambient | None:
        """The credentials this provider's SDK would find on its own, if any (cheap)."""
        if self.ambient is None:
            return None
        ambient: Ambient | None = _resolve(self.ambient)()
        return ambient

    def setup_hint(self) -> str:
        """How to give this provider credentials (its ambient module's SETUP_HINT)."""
        if self.ambient is None:
            return f"import {self.title} billing files with `cloudspy import`"
        module = importlib.import_module(self.ambient.partition(":")[0])
        return str(module.SETUP_HINT)


PROVIDERS: dict[str, ProviderInfo] = {
    "aws": ProviderInfo(
        "aws",
        "AWS",
        ("aws", "amazon web services"),
        "cloudspy.providers.aws:AwsProvider",
        ambient="cloudspy.providers.aws.ambient:detect",
        price_keys="cloudspy.providers.aws.price_list:key_for",
        sizes="cloudspy.providers.aws.sizes:smaller_sizes",
        performance="cloudspy.providers.aws.price_list:included_performance",
        price_note="cloudspy.providers.aws.price_list:price_note",
        platform="cloudspy.providers.aws.price_list:platform_of",
        payload_kinds=(SNAPSHOT,),
        settings="cloudspy.providers.aws.settings:AwsSettings",
        commands="cloudspy.providers.aws.commands:COMMANDS",
    ),
    "gcp": ProviderInfo(
        "gcp",
        "Google Cloud",
        ("google cloud", "gcp", "google"),
        "cloudspy.providers.gcp:GcpProvider",
        ambient="cloudspy.providers.gcp.ambient:detect",
        price_keys="cloudspy.providers.gcp.catalog:key_for",
        sizes="cloudspy.providers.gcp.sizes:smaller_sizes",
        performance="cloudspy.providers.gcp.catalog:included_performance",
        price_note="cloudspy.providers.gcp.catalog:price_note",
        platform="cloudspy.providers.gcp.licences:platform_of",
        payload_kinds=(VM, SNAPSHOT, IP),
        settings="cloudspy.providers.gcp.settings:GcpSettings",
        commands="cloudspy.providers.gcp.commands:COMMANDS",
    ),
    "azure": ProviderInfo(
        "azure",
        "Microsoft Azure",
        ("microsoft", "azure", "microsoft azure"),
        "cloudspy.providers.azure:AzureProvider",
        provider_name="Microsoft",  # as Microsoft's own FOCUS exports name it
        ambient="cloudspy.providers.azure.ambient:detect",
        price_keys="cloudspy.providers.azure.retail_prices:key_for",
        sizes="cloudspy.providers.azure.sizes:smaller_sizes",
        performance="cloudspy.providers.azure.retail_prices:included_performance",
        price_note="cloudspy.providers.azure.retail_prices:price_note",
        platform="cloudspy.providers.azure.vm_licences:vm_variant",
        payload_kinds=(VM, SNAPSHOT, IP),
        settings="cloudspy.providers.azure.settings:AzureSettings",
        commands="cloudspy.providers.azure.commands:COMMANDS",
    ),
    "oracle": ProviderInfo(
        "oracle", "Oracle Cloud", ("oracle", "oracle cloud infrastructure"), provider_name="Oracle"
    ),
}


def configured_with(
    capability: str, settings: ConfiguredSettings, wanted: set[str] | None = None
) -> list[tuple[ProviderInfo, Provider]]:
    """The configured providers (limited to ``wanted`` CLI names, if any) that declare
    ``capability``, loaded, in registry order. The one loop over the registry that
    sync, inventory and forecasts share (#16)."""
    configured = settings.configured_providers()
    out = []
    for info in PROVIDERS.values():
        if info.entry_point is None or (wanted and info.name not in wanted):
            continue
        if info.name not in configured:
            continue
        provider = info.load()
        if capability in provider.capabilities:
            out.append((info, provider))
    return out


def detect_all(names: list[str] | None = None) -> list[Ambient]:
    """The ambient credentials of every provider (or of ``names``), from env and files only."""
    found = []
    for info in PROVIDERS.values():
        if names and info.name not in names:
            continue
        ambient = info.detect()
        if ambient is not None:
            found.append(ambient)
    return found


def identity_key(
    config: Path | None, providers: list[str] | None = None, extra: list[str] | None = None
) -> str | None:
    """A digest of what a sync would read: the config file and the ambient credentials.

    It names no secret (ambient keys are digests themselves) and changes when the
    config file or the credentials' source changes, so the cache can remember
    which scopes it maps to (``source_scope``) and a warm ``costs`` needs no SDK.
    ``extra`` are a provider command's own options (``--profile`` …). None when
    there is neither a config file, nor any credential to find, nor ``extra``.
    """
    import hashlib

    ambients = sorted(a.key for a in detect_all())
    parts = [",".join(sorted(providers or [])), *ambients, "\x1f".join(extra or [])]
    if config is not None and config.exists():
        try:
            parts.append(hashlib.sha256(config.read_bytes()).hexdigest())
        except OSError:
            return None
    elif not ambients and not extra:
        return None
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def price_key(resource: Resource) -> PriceKey | str | None:
    """The price-list product ``resource`` is (or why it has none), through its
    provider's ``price_keys`` function; None when the provider has no price list."""
    key_of = _hook(resource.provider, "price_keys")
    if key_of is None:
        return None
    key: PriceKey | str = key_of(resource)
    return key


@cache
def smaller_sizes(provider: str, vm_type: str) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    """``vm_type``'s vCPUs and the smaller types of its family with theirs, largest
    first, through the provider's ``sizes`` function; None when not comparable."""
    info = PROVIDERS.get(provider)
    if info is None or info.sizes is None:
        return None
    answer: tuple[int, tuple[tuple[str, int], ...]] | None = _resolve(info.sizes)(vm_type)
    return answer


@cache
def included_performance(provider: str, disk_type: str) -> Mapping[str, Decimal] | None:
    """Per performance unit (IOPS-month, MiBps-month), how much of it ``disk_type``'s
    capacity price includes, through the provider's ``performance`` function; None
    when the type bills no provisioned performance."""
    info = PROVIDERS.get(provider)
    if info is None or info.performance is None:
        return None
    included: Mapping[str, Decimal] | None = _resolve(info.performance)(disk_type)
    return included


def price_note(resource: Resource) -> str:
    """What the basis of ``resource``'s list price must say it leaves out or overstates
    (a size that is an upper bound, a licence it cannot price), through its provider's
    ``price_note`` function; "" when nothing."""
    note_of = _hook(resource.provider, "price_note")
    return "" if note_of is None else str(note_of(resource))


def price_reads_payload(resource: Resource) -> bool:
    """Whether pricing ``resource`` reads its provider payload (``raw``)."""
    info = PROVIDERS.get(resource.provider)
    return info is not None and resource.kind in info.payload_kinds


def platform_of(resource: Resource) -> str | None:
    """What a VM bills as beside its type, read afresh from its stored payload
    (``raw``) through its provider's ``platform`` function, as a sync would; None for
    other kinds, without a payload, or when the provider has no such function."""
    read = _hook(resource.provider, "platform") if resource.kind == VM else None
    if read is None or not resource.raw:
        return None
    platform: str = read(resource.raw)
    return platform


@cache  # resolved once per provider and hook: the per-resource hooks run for every resource
def _hook(provider: str, name: str) -> Any:
    """The function a provider's ``name`` field (``module:function``) names, or None."""
    info = PROVIDERS.get(provider)
    dotted = None if info is None else getattr(info, name)
    return None if dotted is None else _resolve(dotted)


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
