"""GCP list prices from the Cloud Billing Catalog API (``services.skus.list``), #14.

Compute Engine (service ``6F81-5844-456A``) has no per-machine-type SKU: a
predefined machine type bills its vCPUs at the series' "Instance Core" SKU and
its memory at the series' "Instance Ram" SKU of the region (``N2 Instance Core
running in Americas``, ``serviceRegions`` naming the region), on-demand only
(Spot, sole-tenancy, custom and commitment SKUs are left out). Persistent disks
bill GiB-months at "Storage PD Capacity" (pd-standard), "Balanced PD Capacity"
and "SSD backed PD Capacity" (zonal, not regional); snapshots at "Storage PD
Snapshot" of their storage location (``us``, ``europe-west1`` …), by the bytes
they store (``storageBytes``; without it the source disk's size, said to be an upper
bound); an archive snapshot (``snapshotType`` ``ARCHIVE``) bills an archive rate and
an early-deletion charge CloudSpy does not look up, so it is unpriced by the list.
The whole Compute Engine
catalog is read once per fetch (paged), then matched locally; prices come as
``units`` + ``nanos`` per ``usageUnit`` and may be tiered.

Shared-core E2 types bill a fraction of a vCPU at the E2 core SKU (``e2-micro``
0.25, ``e2-small`` 0.5, ``e2-medium`` 1) plus their memory; ``f1-micro`` and
``g1-small`` have SKUs of their own. An unused static address bills "Static Ip
Charge", one in use by a VM "External IP Charge on a Standard VM", by the hour.

A custom machine type (``custom-2-7680`` on N1, ``n2-custom-4-16384``,
``n2d-custom-…``, ``e2-custom-…``: vCPUs and MiB of memory in the name) bills its
vCPUs and GiB at the series' "Custom Instance Core/Ram" SKUs (N1's carry no series
name); memory past the series' most per vCPU (``-ext``) bills at its "Custom
Extended Instance Ram" SKU.

A premium image (Windows Server, RHEL, SLES) adds its licence SKU to the machine's
price (:mod:`cloudspy.providers.gcp.licences`); one CloudSpy does not price leaves
the VM unpriced with the reason, never priced as Linux.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from cloudspy.clock import utc_now
from cloudspy.errors import ProviderError
from cloudspy.models import prices as p
from cloudspy.models import resource as m
from cloudspy.models.resource import Resource
from cloudspy.providers.gcp.licences import (
    LINUX,
    is_licensed,
    licence_note,
    licence_refusal,
    licence_skus,
    platform_of,
)
from cloudspy.providers.gcp.sizes import PREDEFINED
from cloudspy.providers.gcp.sku_rates import effective_day, rates

SOURCE = "Cloud Billing Catalog API"
COMPUTE_SERVICE = "services/6F81-5844-456A"
_CUSTOM = re.compile(r"^(?:([a-z0-9]+)-)?custom-(\d+)-(\d+)(-ext)?$")
# The description prefix of each series' custom SKUs ("N2 Custom Instance Core running
# in Americas"); N1's custom SKUs name no series.
CUSTOM_SKU_PREFIX = {"n1": "Custom", "n2": "N2 Custom", "n2d": "N2D AMD Custom", "e2": "E2 Custom"}
# GiB per vCPU a custom type may have before the rest bills as extended memory
# (Compute Engine custom machine types); E2 has no extended memory.
CUSTOM_MAX_MEMORY_PER_VCPU = {"n1": Decimal("6.5"), "n2": Decimal(8), "n2d": Decimal(8)}
# GiB of memory per vCPU of each predefined class, per series (Compute Engine
# machine families). A series missing here is refused rather than guessed.
MEMORY_PER_VCPU: dict[str, dict[str, Decimal]] = {
    "n1": {"standard": Decimal("3.75"), "highmem": Decimal("6.5"), "highcpu": Decimal("0.9")},
    **{
        series: {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(1)}
        for series in ("n2", "n2d", "e2")
    },
    **{
        series: {"standard": Decimal(4), "highmem": Decimal(8), "highcpu": Decimal(2)}
        for series in ("c2d", "c3", "c3d", "n4")
    },
    "c2": {"standard": Decimal(4)},
    "t2d": {"standard": Decimal(4)},
}
DISKS = {
    "pd-standard": "Storage PD Capacity",
    "pd-balanced": "Balanced PD Capacity",
    "pd-ssd": "SSD backed PD Capacity",
}
# Shared-core E2 types: (the fraction of a vCPU billed, GiB of memory), per the Compute
# Engine pricing page; the older shared-core types have SKUs of their own.
SHARED_CORE: dict[str, tuple[Decimal, Decimal]] = {
    "e2-micro": (Decimal("0.25"), Decimal(1)),
    "e2-small": (Decimal("0.5"), Decimal(2)),
    "e2-medium": (Decimal(1), Decimal(4)),
}
SHARED_CORE_SKUS = {
    "f1-micro": "Micro Instance with burstable CPU running in",
    "g1-small": "Small Instance with 1 VCPU running in",
}
# An address's SKU: unused (reserved, static) or in use by a VM.
ADDRESS_SKUS = {False: "Static Ip Charge", True: "External IP Charge on a Standard VM"}
# Disks that bill provisioned performance beside capacity: the description prefix of
# each unit's SKU ("Hyperdisk Balanced IOPS in Iowa"), and what the capacity price
# includes (Compute Engine disk pricing: Hyperdisk Balanced comes with 3,000 IOPS and
# 140 MiB/s; the others bill every provisioned IOPS or MiB/s).
PERFORMANCE_DISKS: dict[str, dict[str, str]] = {
    "pd-extreme": {p.GB_MONTH: "Extreme PD Capacity", p.IOPS_MONTH: "Extreme PD IOPS"},
    "hyperdisk-balanced": {
        p.GB_MONTH: "Hyperdisk Balanced Capacity",
        p.IOPS_MONTH: "Hyperdisk Balanced IOPS",
        p.MIBPS_MONTH: "Hyperdisk Balanced Throughput",
    },
    "hyperdisk-extreme": {
        p.GB_MONTH: "Hyperdisk Extreme Capacity",
        p.IOPS_MONTH: "Hyperdisk Extreme IOPS",
    },
    "hyperdisk-throughput": {
        p.GB_MONTH: "Hyperdisk Throughput Capacity",
        p.MIBPS_MONTH: "Hyperdisk Throughput Throughput Capacity",
    },
}
INCLUDED_PERFORMANCE: dict[str, dict[str, Decimal]] = {
    "pd-extreme": {p.IOPS_MONTH: Decimal(0)},
    "hyperdisk-balanced": {p.IOPS_MONTH: Decimal(3000), p.MIBPS_MONTH: Decimal(140)},
    "hyperdisk-extreme": {p.IOPS_MONTH: Decimal(0)},
    "hyperdisk-throughput": {p.MIBPS_MONTH: Decimal(0)},
}
_EXCLUDED = ("Sole Tenancy", "Custom", "Spot", "Preemptible", "Commitment", "Extended")


def included_performance(disk_type: str) -> dict[str, Decimal] | None:
    """The performance ``disk_type``'s capacity price includes, per billed unit (None:
    the type bills no provisioned performance)."""
    return INCLUDED_PERFORMANCE.get(disk_type)


def _per_month(usage_unit: str) -> Decimal | None:
    """What turns a price per ``usage_unit`` into a price per month (730 hours), or
    None for a unit CloudSpy does not bill by."""
    if usage_unit == "mo" or usage_unit.endswith(".mo"):
        return Decimal(1)
    if usage_unit == "h" or usage_unit.endswith(".h"):
        return p.HOURS_PER_MONTH
    return None


def key_for(resource: Resource) -> p.PriceKey | str:
    """The product ``resource`` is billed as, or why the catalog cannot price it."""
    if resource.kind == m.VM and resource.type:
        platform = resource.platform or platform_of(resource.raw)
        refusal = licence_refusal(platform, resource.type)
        if refusal is not None:
            return refusal
        custom = _CUSTOM.match(resource.type)
        if custom is not None:
            return _custom_key(resource, custom, platform)
        if resource.type in SHARED_CORE or resource.type in SHARED_CORE_SKUS:
            return p.PriceKey("gcp", m.VM, resource.region, resource.type, platform)
        match = PREDEFINED.match(resource.type)
        if match is None or match.group(2) not in MEMORY_PER_VCPU.get(match.group(1), {}):
            return f"unpriced: {resource.type} is not a predefined type CloudSpy prices yet"
        return p.PriceKey("gcp", m.VM, resource.region, resource.type, platform)
    if resource.kind == m.DISK and (resource.type in DISKS or resource.type in PERFORMANCE_DISKS):
        return p.PriceKey("gcp", m.DISK, resource.region, resource.type)
    if resource.kind == m.IP:
        return _address_key(resource)
    if resource.kind == m.SNAPSHOT:
        if (resource.raw or {}).get("snapshotType") == "ARCHIVE":
            return (
                "unpriced: an archive snapshot bills the archive rate, and early deletion,"
                " which CloudSpy does not look up yet"
            )
        # Snapshots are global resources; they bill where they are stored.
        locations = (resource.raw or {}).get("storageLocations") or []
        if not locations:
            return "unpriced: the snapshot's storage location is unknown"
        return p.PriceKey("gcp", m.SNAPSHOT, str(locations[0]), "pd-snapshot")
    return f"unpriced: no {SOURCE} lookup for {resource.kind} {resource.type or ''}".rstrip()


def price_note(resource: Resource) -> str:
    """What a list price leaves out or overstates: a VM's licences that are not
    priced; a snapshot sized by its source disk because the API gave no
    ``storageBytes`` (an upper bound of the bytes it stores). Without the API's
    answer (``raw``) nothing is known to say."""
    if resource.kind == m.SNAPSHOT:
        if resource.raw is None or resource.raw.get("storageBytes") not in (None, ""):
            return ""
        return p.upper_bound_note("its disk's size; the API reported no bytes stored")
    return licence_note(resource)


ADDRESS_BILLS_NOTHING = "bills nothing: an internal address"


def address_bills_nothing(raw: dict[str, Any] | None) -> bool:
    """Whether a reserved address bills nothing: an internal one, used or not (the
    inventory records 0; the catalog is not asked)."""
    return str((raw or {}).get("addressType") or "EXTERNAL") == "INTERNAL"


def _address_key(resource: Resource) -> p.PriceKey | str:
    if address_bills_nothing(resource.raw):
        return f"unpriced: {ADDRESS_BILLS_NOTHING}"
    if resource.attached and "/instances/" not in f"/{resource.attached_to or ''}":
        return "unpriced: an address used by a forwarding rule bills with the rule"
    return p.PriceKey("gcp", m.IP, resource.region, ADDRESS_SKUS[bool(resource.attached)])


def _custom_key(resource: Resource, custom: re.Match[str], platform: str) -> p.PriceKey | str:
    series = custom.group(1) or "n1"
    if custom.group(4) and series not in CUSTOM_MAX_MEMORY_PER_VCPU:
        return f"unpriced: {series.upper()} custom types have no extended memory"
    if series not in CUSTOM_SKU_PREFIX:
        return f"unpriced: custom {series.upper()} types are not priced yet"
    return p.PriceKey("gcp", m.VM, resource.region, str(resource.type), platform)


def _on_demand(sku: dict[str, Any], region: str, custom: bool = False) -> bool:
    category = sku.get("category") or {}
    description = str(sku.get("description") or "")
    excluded = [word for word in _EXCLUDED if not (custom and word in ("Custom", "Extended"))]
    return (
        category.get("usageType") == "OnDemand"
        and region in (sku.get("serviceRegions") or [])
        and not any(word in description for word in excluded)
    )


def _find(
    skus: Sequence[dict[str, Any]],
    region: str,
    test: Callable[[str], bool],
    *,
    custom: bool = False,
) -> dict | None:
    found = [
        s for s in skus if _on_demand(s, region, custom) and test(str(s.get("description") or ""))
    ]
    return found[0] if len(found) == 1 else None


def prices_of(
    key: p.PriceKey, skus: Sequence[dict[str, Any]], fetched_at: datetime
) -> list[p.ListPrice]:
    """The prices of ``key`` from the catalog's SKUs (one ``NONE`` price when absent)."""

    def none(why: str) -> list[p.ListPrice]:
        return [p.ListPrice.missing(key, SOURCE, fetched_at, why)]

    def listed(sku: dict[str, Any], unit: str, scale: Decimal, what: str) -> list[p.ListPrice]:
        _, tiers, currency, effective = rates(sku)
        day = effective_day(effective)
        return [
            p.ListPrice(
                key, unit, price * scale, currency, SOURCE, day, fetched_at,
                f"{what}: {sku.get('description')}"[:300], tier_start=start,
            )
            for start, price in tiers
        ]  # fmt: skip

    if is_licensed(key.kind, key.variant):
        return _licensed_prices(key, skus, fetched_at)
    if key.kind == m.SNAPSHOT:
        sku = _find(skus, key.region, lambda d: d.startswith("Storage PD Snapshot"))
        if sku is None:
            return none(f"the catalog has no Storage PD Snapshot SKU for {key.region}")
        return listed(sku, p.GB_MONTH, Decimal(1), "snapshot storage")
    if key.kind == m.DISK and key.sku in PERFORMANCE_DISKS:
        return _performance_prices(key, skus, listed, none)
    if key.kind == m.IP:
        return _address_prices(key, skus, listed, none)
    if key.kind == m.VM and key.sku in SHARED_CORE_SKUS:
        name = SHARED_CORE_SKUS[key.sku]
        sku = _find(skus, key.region, lambda d: d.startswith(name))
        if sku is None:
            return none(f"the catalog has no {key.sku} SKU for {key.region}")
        return listed(sku, p.HOUR, Decimal(1), key.sku)
    if key.kind == m.DISK:
        name = DISKS[key.sku]
        sku = _find(skus, key.region, lambda d: d.startswith(name) and "Regional" not in d)
        if sku is None:
            return none(f"the catalog has no {name} SKU for {key.region}")
        return listed(sku, p.GB_MONTH, Decimal(1), key.sku)
    return _machine_prices(key, skus, listed, none, fetched_at)


def _machine_prices(
    key: p.PriceKey,
    skus: Sequence[dict[str, Any]],
    listed: Callable[[dict[str, Any], str, Decimal, str], list[p.ListPrice]],
    none: Callable[[str], list[p.ListPrice]],
    fetched_at: datetime,
) -> list[p.ListPrice]:
    """One hourly price for a machine type: its vCPUs at the series' core SKU plus its
    GiB at the RAM SKU (predefined, shared-core or custom, extended memory included)."""
    extra: list[p.ListPrice] = []
    custom = _CUSTOM.match(key.sku)
    if key.sku in SHARED_CORE:
        # A fraction of a vCPU at the E2 core SKU, and the type's memory.
        series, label = "e2", "E2"
        count, memory = SHARED_CORE[key.sku]
        core = _find(skus, key.region, lambda d: d.startswith("E2 Instance Core running in"))
        ram = _find(skus, key.region, lambda d: d.startswith("E2 Instance Ram running in"))
    elif custom is not None:
        # vCPUs and MiB of memory are in the name; N1's custom SKUs name no series.
        series, count = custom.group(1) or "n1", int(custom.group(2))
        memory = Decimal(custom.group(3)) / 1024
        prefix = CUSTOM_SKU_PREFIX[series]
        label = f"custom {series.upper()}"
        if custom.group(4):
            # Past the series' most per vCPU, memory bills at the extended SKU.
            normal = min(memory, CUSTOM_MAX_MEMORY_PER_VCPU[series] * count)
            extended = _find(
                skus, key.region,
                lambda d: d.startswith(f"{prefix} Extended Instance Ram running in"), custom=True,
            )  # fmt: skip
            if extended is None:
                return none(f"the catalog has no {label} extended memory SKU for {key.region}")
            extra = listed(
                extended, p.HOUR, memory - normal, f"{(memory - normal).normalize():f} GiB extended"
            )
            memory = normal
        core = _find(skus, key.region, lambda d: d.startswith(f"{prefix} Instance Core running in"),
                     custom=True)  # fmt: skip
        ram = _find(skus, key.region, lambda d: d.startswith(f"{prefix} Instance Ram running in"),
                    custom=True)  # fmt: skip
    else:
        match = PREDEFINED.match(key.sku)
        assert match is not None  # key_for made the key from a predefined or custom type
        series, kind, count = match.group(1), match.group(2), int(match.group(3))
        label = series.upper()
        core = _find(
            skus, key.region, lambda d: d.split(" ")[0] == label and "Instance Core running in" in d
        )
        ram = _find(
            skus, key.region, lambda d: d.split(" ")[0] == label and "Instance Ram running in" in d
        )
        memory = MEMORY_PER_VCPU[series][kind] * count
    if core is None or ram is None:
        return none(f"the catalog has no on-demand {label} core and RAM SKUs for {key.region}")
    # One hourly price for the machine: vCPUs × core price + GiB × RAM price.
    cores = listed(core, p.HOUR, Decimal(count), f"{Decimal(count).normalize():f} vCPU")
    gib = listed(ram, p.HOUR, memory, f"{memory.normalize():f} GiB")
    parts = [cores, gib, *([extra] if extra else [])]
    if any(len(part) != 1 for part in parts):
        return none(f"tiered {label} machine prices are not supported")
    return [
        p.ListPrice(
            key, p.HOUR, sum((part[0].price or Decimal(0) for part in parts), Decimal(0)),
            cores[0].currency, SOURCE, cores[0].effective, fetched_at,
            "; ".join(part[0].detail for part in parts)[:300],
        )
    ]  # fmt: skip


def _vcpus(machine_type: str) -> int | None:
    """The vCPUs in a predefined or custom type's name (f1-micro and g1-small: 1)."""
    if machine_type in SHARED_CORE_SKUS:
        return 1
    predefined, custom = PREDEFINED.match(machine_type), _CUSTOM.match(machine_type)
    if predefined is not None:
        return int(predefined.group(3))
    return int(custom.group(2)) if custom is not None else None


def _licensed_prices(
    key: p.PriceKey, skus: Sequence[dict[str, Any]], fetched_at: datetime
) -> list[p.ListPrice]:
    """A premium image's VM: the machine's hourly price (``HOUR``) and its licence
    SKUs' (per vCPU or per VM) summed (``LICENCE_HOUR``); both or a ``NONE`` price."""
    # A machine type's prices are one hourly price, or one NONE price saying why not.
    machine = prices_of(replace(key, variant=LINUX), skus, fetched_at)[0]
    vcpus = _vcpus(key.sku)
    found = licence_skus(key.variant, key.sku, vcpus, skus) if vcpus else "its vCPUs are unknown"
    if machine.price is None:
        return [p.ListPrice.missing(key, SOURCE, fetched_at, machine.detail)]
    if isinstance(found, str):
        return [p.ListPrice.missing(key, SOURCE, fetched_at, f"{key.variant} licence: {found}")]
    total, details, dates = Decimal(0), [], []
    for sku, quantity in found:
        _, tiers, currency, effective = rates(sku)
        if effective:
            dates.append(effective_day(effective))
        if len(tiers) != 1 or currency != machine.currency:
            why = f"the {sku.get('description')} SKU is tiered or in another currency"
            return [p.ListPrice.missing(key, SOURCE, fetched_at, why)]
        total += tiers[0][1] * quantity
        details.append(f"{quantity} × {sku.get('description')}")
    licence = p.ListPrice(
        key, p.LICENCE_HOUR, total, machine.currency, SOURCE, max(dates, default=None),
        fetched_at, " + ".join(details)[:300],
    )  # fmt: skip
    return [replace(machine, key=key), licence]


def _performance_prices(
    key: p.PriceKey,
    skus: Sequence[dict[str, Any]],
    listed: Callable[[dict[str, Any], str, Decimal, str], list[p.ListPrice]],
    none: Callable[[str], list[p.ListPrice]],
) -> list[p.ListPrice]:
    """Capacity and the provisioned performance a pd-extreme or hyperdisk bills, each
    at its zonal SKU of the region, per month; every unit or a ``NONE`` price."""
    out: list[p.ListPrice] = []
    for unit, prefix in PERFORMANCE_DISKS[key.sku].items():
        sku = _find(skus, key.region, lambda d, prefix=prefix: d.startswith(f"{prefix} in "))
        if sku is None:
            return none(f"the catalog has no {prefix} SKU for {key.region}")
        usage_unit = rates(sku)[0]
        scale = _per_month(usage_unit)
        if scale is None:
            return none(f"{prefix} is priced per {usage_unit!r}, not a unit CloudSpy bills by")
        out += listed(sku, unit, scale, key.sku)
    return out


def _address_prices(
    key: p.PriceKey,
    skus: Sequence[dict[str, Any]],
    listed: Callable[[dict[str, Any], str, Decimal, str], list[p.ListPrice]],
    none: Callable[[str], list[p.ListPrice]],
) -> list[p.ListPrice]:
    """An address's hourly SKU in its region; where a region also has its own copy
    ("Static Ip Charge in Japan"), that one; the rate past any free first tier."""
    found = [
        s
        for s in skus
        if _on_demand(s, key.region) and str(s.get("description") or "").startswith(key.sku)
    ]
    regional = [s for s in found if f"{key.sku} in " in str(s.get("description") or "")]
    chosen = regional or found
    if len(chosen) != 1:
        return none(f"the catalog has no single {key.sku} SKU for {key.region}")
    usage_unit = rates(chosen[0])[0]
    if usage_unit != "h":
        return none(f"{key.sku} is priced per {usage_unit!r}, not by the hour")
    return listed(chosen[0], p.HOUR, Decimal(1), "address")[-1:]


class GcpCatalog:
    """Fetch Compute Engine list prices with the project's credentials."""

    provider = "gcp"
    source = SOURCE

    def __init__(self, credentials: Callable[[], Any], api_endpoint: str | None = None):
        self._credentials = credentials
        self._endpoint = api_endpoint

    def skus(self) -> tuple[list[dict[str, Any]], int]:
        """Every Compute Engine SKU (as REST JSON) and the requests it took."""
        from google.api_core import exceptions as gexc
        from google.api_core import retry as gretry
        from google.cloud import billing_v1

        client = billing_v1.CloudCatalogClient(
            credentials=self._credentials(),
            transport="rest",
            client_options={"api_endpoint": self._endpoint} if self._endpoint else None,
        )
        out: list[dict[str, Any]] = []
        pages = retried = 0

        def count_retry(_: Exception) -> None:
            nonlocal retried
            retried += 1

        # The method has no default retry: quota (429) and 5xx are retried here.
        retry = gretry.Retry(
            predicate=gretry.if_exception_type(
                gexc.TooManyRequests, gexc.ServiceUnavailable, gexc.InternalServerError
            ),
            initial=0.25,
            maximum=8.0,
            timeout=120.0,
            on_error=count_retry,
        )
        try:
            pager = client.list_skus(
                request={"parent": COMPUTE_SERVICE, "currency_code": "USD", "page_size": 5000},
                retry=retry,
            )
            for page in pager.pages:
                pages += 1
                # As the REST JSON names it (camelCase), the shape recorded in fixtures.
                out += [
                    type(sku).to_dict(sku, preserving_proto_field_name=False) for sku in page.skus
                ]
        except gexc.GoogleAPIError as exc:
            raise ProviderError(
                f"the {SOURCE} failed: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}",
                hint="grant billing.services.list/skus.list (any authenticated user has them)",
            ) from None
        except OSError as exc:
            raise ProviderError(f"cannot reach the {SOURCE}: {exc}") from None
        return out, pages + retried

    def fetch(self, keys: Sequence[p.PriceKey], progress: Callable[[str], None]) -> p.FetchedPrices:
        """Every key's prices from one read of the catalog."""
        wanted = sorted(set(keys))
        if not wanted:
            return p.FetchedPrices()
        progress(f"GCP prices: reading the {SOURCE} for {len(wanted)} product(s)")
        skus, pages = self.skus()
        now = utc_now()
        return p.FetchedPrices(
            prices=[price for key in wanted for price in prices_of(key, skus, now)],
            requests=pages,
        )
