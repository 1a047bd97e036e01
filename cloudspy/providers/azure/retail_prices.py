"""Azure list prices from the public Retail Prices API (``prices.azure.com``), #14.

No credentials: one OData ``$filter`` per (VM size, region) and per (disk tier,
region), ``priceType eq 'Consumption'``, following ``NextPageLink``.
``CLOUDSPY_AZURE_PRICES_ENDPOINT`` replaces the base URL (tests, proxies).

A VM size has one Linux and one Windows meter (``productName`` ending in
``Windows``) beside Spot and Low Priority ones, which are left out; what a VM
bills as, and the licence meter some add, is decided in
:mod:`cloudspy.providers.azure.vm_licences`. A managed disk
bills a monthly price per size tier (P10, E10, S10 …), per disk; a Premium SSD v2
or Ultra disk bills its capacity (GiB), IOPS and throughput (MB/s) by the hour,
Premium SSD v2 with 3,000 IOPS and 125 MB/s included. A snapshot bills the data it
holds per GB-month on its storage: a full one on Standard HDD (LRS or ZRS) or Premium
SSD (LRS), an incremental one on Standard HDD always. The ARM API reports only the
source disk's size (the used size is in a page-range diff over a SAS URL, which a
read-only tool does not open), so the list price is an upper bound and says so; the
actual cost is used where the cache holds it.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cloudspy.clock import utc_now
from cloudspy.errors import ProviderError
from cloudspy.models import prices as p
from cloudspy.models import resource as m
from cloudspy.models.resource import Resource
from cloudspy.providers.azure.sizes import billed_vcpus, licensed_vcpus
from cloudspy.providers.azure.vm_licences import (
    LICENCES,
    licence_candidates,
    licence_of,
    plan_note,
    refusal,
    vm_variant,
    with_vcpus,
)

SOURCE = "Azure Retail Prices API"
ENDPOINT_ENV = "CLOUDSPY_AZURE_PRICES_ENDPOINT"
DEFAULT_ENDPOINT = "https://prices.azure.com"
API_VERSION = "2023-01-01-preview"
WORKERS = 8
_RETRY_STATUS = {429, 500, 502, 503, 504}
# Managed disk tiers by the largest size (GiB) each covers, per SKU family.
_TIER_SIZES = (4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32767)
_TIER_NUMBERS = (1, 2, 3, 4, 6, 10, 15, 20, 30, 40, 50, 60, 70, 80)
_DISK_FAMILIES = {"Premium": "P", "StandardSSD": "E", "Standard": "S"}
# Disks billed by capacity, IOPS and throughput: the Retail Prices product of each, and
# what its capacity price includes (Azure managed disks pricing). The API also lists
# the included part as a zero-price tier; CloudSpy keeps the priced meters only.
PROVISIONED_DISKS: dict[str, tuple[str, str]] = {
    "PremiumV2_LRS": ("Azure Premium SSD v2", "Premium LRS"),
    "UltraSSD_LRS": ("Ultra Disks", "Ultra LRS"),
}
INCLUDED_PERFORMANCE: dict[str, dict[str, Decimal]] = {
    "PremiumV2_LRS": {p.IOPS_MONTH: Decimal(3000), p.MIBPS_MONTH: Decimal(125)},
    "UltraSSD_LRS": {p.IOPS_MONTH: Decimal(0), p.MIBPS_MONTH: Decimal(0)},
}
# The hourly meters of a provisioned disk → the unit CloudSpy bills by (× 730 hours).
_PROVISIONED_METERS = {
    "Provisioned Capacity": p.GB_MONTH,
    "Provisioned IOPS": p.IOPS_MONTH,
    "Provisioned Throughput (MBps)": p.MIBPS_MONTH,
}
# A full snapshot's storage SKU → the skuName of its meter and the key's variant, which
# names the storage when it is not Standard HDD (a recorded westeurope response: product
# "Premium SSD Managed Disks", skuName "Snapshots LRS", meter "LRS Snapshots", GB-month).
SNAPSHOT_SKUS = {
    "Standard_LRS": ("Snapshots LRS", ""),
    "Standard_ZRS": ("Snapshots ZRS", ""),
    "Premium_LRS": ("Snapshots LRS", "Premium SSD"),
}
_SNAPSHOT_PRODUCTS = {"": "Standard HDD Managed Disks", "Premium SSD": "Premium SSD Managed Disks"}
# Incremental snapshots are stored on Standard HDD whatever their disk's type ("Understand
# Azure Disk Storage billing"), so they bill its LRS or ZRS snapshot meter.
INCREMENTAL_SNAPSHOT_SKUS = ("Standard_LRS", "Standard_ZRS")


def included_performance(disk_type: str) -> dict[str, Decimal] | None:
    """The performance ``disk_type``'s capacity price includes, per billed unit (None:
    the type bills no provisioned performance, its tier price covers it)."""
    return INCLUDED_PERFORMANCE.get(disk_type)


def endpoint() -> str:
    """The Retail Prices API's base URL (http or https only)."""
    url = os.environ.get(ENDPOINT_ENV, DEFAULT_ENDPOINT).rstrip("/")
    _check_scheme(url, ENDPOINT_ENV)
    return url


def _check_scheme(url: str, what: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ProviderError(f"{what} must be an http(s) URL, not {url[:80]!r}")


def disk_tier(sku: str, size_gb: float) -> str | None:
    """``Premium_LRS`` of 100 GiB → ``P10 LRS``; None for SKUs billed otherwise
    (Premium SSD v2, Ultra: capacity, IOPS and throughput by the hour)."""
    family, _, redundancy = sku.partition("_")
    letter = _DISK_FAMILIES.get(family)
    if letter is None or redundancy not in ("LRS", "ZRS"):
        return None
    for limit, number in zip(_TIER_SIZES, _TIER_NUMBERS, strict=True):
        if size_gb <= limit:
            # Standard HDD starts at S4: smaller disks bill as S4.
            number = max(number, 4) if letter == "S" else number
            return f"{letter}{number} {redundancy}"
    return None


def _vm_key(resource: Resource) -> p.PriceKey | str:
    variant = resource.platform or vm_variant(resource.raw)
    size = str(resource.type)
    vcpus = billed_vcpus(size, resource.raw)
    why = refusal(variant, size, vcpus)
    if why is not None:
        return why
    if variant in LICENCES and licensed_vcpus(size) is None and vcpus is not None:
        # The name does not give the vCPUs the licence bills: the key carries them.
        variant = with_vcpus(variant, vcpus)
    return p.PriceKey("azure", m.VM, resource.region, size, variant)


def key_for(resource: Resource) -> p.PriceKey | str:
    """The meter ``resource`` is billed by, or why the Retail Prices API cannot price it."""
    if resource.kind == m.VM and resource.type:
        return _vm_key(resource)
    if resource.kind == m.DISK and resource.type in PROVISIONED_DISKS:
        return p.PriceKey("azure", m.DISK, resource.region, resource.type)
    if resource.kind == m.SNAPSHOT:
        return _snapshot_key(resource)
    if resource.kind == m.IP:
        return _ip_key(resource)
    if resource.kind == m.DISK and resource.type:
        if resource.size_gb is None:
            return "unpriced: the disk's size is unknown"
        tier = disk_tier(resource.type, resource.size_gb)
        if tier is None:
            return (
                f"unpriced: {resource.type} disks bill capacity, IOPS and throughput"
                " hourly, which CloudSpy does not price yet"
            )
        return p.PriceKey("azure", m.DISK, resource.region, tier)
    return f"unpriced: no {SOURCE} lookup for {resource.kind} yet"


def _incremental(resource: Resource) -> bool:
    return bool(((resource.raw or {}).get("properties") or {}).get("incremental"))


def price_note(resource: Resource) -> str:
    """What a list price leaves out or overstates: a Marketplace plan's charge for a
    VM; for a snapshot, that its disk's size bounds from above the data it bills
    (the used blocks of a full one, the changes since the last of an incremental one)."""
    if resource.kind != m.SNAPSHOT:
        return plan_note(resource)
    if _incremental(resource):
        return p.upper_bound_note(
            "its disk's size; an incremental snapshot bills its changed blocks"
        )
    return p.upper_bound_note("its disk's size; a snapshot bills the disk's used blocks only")


def _snapshot_key(resource: Resource) -> p.PriceKey | str:
    if _incremental(resource) and resource.type not in INCREMENTAL_SNAPSHOT_SKUS:
        # Incremental snapshots live on Standard HDD only, LRS or ZRS as the region
        # offers: another SKU (or none) does not say which of the two it bills.
        return (
            f"unpriced: an incremental snapshot is stored on Standard HDD; its SKU"
            f" {resource.type or 'unknown'} does not say whether LRS or ZRS"
        )
    meter = SNAPSHOT_SKUS.get(resource.type or "Standard_LRS")
    if meter is None:
        return f"unpriced: no {SOURCE} meter is known for {resource.type} snapshots"
    sku, storage = meter
    return p.PriceKey("azure", m.SNAPSHOT, resource.region, sku, storage)


IP_BILLS_NOTHING = "bills nothing: a dynamic public IP holds no address unassociated"


def _allocation(properties: dict[str, Any]) -> str:
    return str(properties.get("publicIPAllocationMethod") or "Static").title()


def ip_bills_nothing(properties: dict[str, Any], attached: bool | None) -> bool:
    """Whether a public IP bills nothing: a dynamic one gives its address back when
    nothing uses it (the inventory records 0; the price list is not asked)."""
    return not attached and _allocation(properties) == "Dynamic" and not properties.get("ipAddress")


def _ip_key(resource: Resource) -> p.PriceKey | str:
    """A public IP's meter: ``Standard IPv4 Static Public IP`` and the like."""
    props = (resource.raw or {}).get("properties") or {}
    allocation = _allocation(props)
    version = "IPv6" if str(props.get("publicIPAddressVersion")) == "IPv6" else "IPv4"
    if ip_bills_nothing(props, resource.attached):
        return f"unpriced: {IP_BILLS_NOTHING}"
    meter = f"{resource.type or 'Basic'} {version} {allocation} Public IP"
    return p.PriceKey("azure", m.IP, resource.region, meter)


def _odata(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def query_filter(key: p.PriceKey) -> str:
    """The OData ``$filter`` for ``key``."""
    region = f"armRegionName eq {_odata(key.region)}"
    if key.kind == m.VM:
        return (
            f"serviceName eq 'Virtual Machines' and {region} and armSkuName eq {_odata(key.sku)}"
            " and priceType eq 'Consumption'"
        )
    if key.kind == m.DISK and key.sku in PROVISIONED_DISKS:
        product, _ = PROVISIONED_DISKS[key.sku]
        return (
            f"serviceName eq 'Storage' and {region} and productName eq {_odata(product)}"
            " and priceType eq 'Consumption'"
        )
    if key.kind == m.IP:
        return (
            f"serviceName eq 'Virtual Network' and {region} and meterName eq {_odata(key.sku)}"
            " and priceType eq 'Consumption'"
        )
    if key.kind == m.SNAPSHOT:
        product = _SNAPSHOT_PRODUCTS[key.variant]
        return (
            f"serviceName eq 'Storage' and {region} and productName eq {_odata(product)}"
            f" and skuName eq {_odata(key.sku)} and priceType eq 'Consumption'"
        )
    return (
        f"serviceName eq 'Storage' and {region} and skuName eq {_odata(key.sku)}"
        " and priceType eq 'Consumption'"
    )


def licence_filter(product: str) -> str:
    """The OData ``$filter`` for a licence product's meters (listed for no region)."""
    return (
        f"serviceName eq 'Virtual Machines Licenses' and productName eq {_odata(product)}"
        " and priceType eq 'Consumption'"
    )


def _effective(text: str | None) -> date | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).date() if text else None
    except ValueError:
        return None


def _wanted(key: p.PriceKey, item: dict[str, Any]) -> bool:
    if item.get("type") not in (None, "Consumption"):
        return False
    meter = str(item.get("meterName") or "")
    if key.kind == m.DISK:
        return meter == f"{key.sku} Disk"
    if key.kind == m.IP:
        return meter == key.sku
    if "Spot" in meter or "Low Priority" in meter:
        return False
    windows = str(item.get("productName") or "").endswith("Windows")
    return windows == (key.variant == "Windows")


def _newest(items: list[dict[str, Any]]) -> dict[str, Any]:
    """The primary meter region's item, the newest (the API lists older ones too)."""
    return sorted(
        items,
        key=lambda i: (bool(i.get("isPrimaryMeterRegion")), str(i.get("effectiveStartDate") or "")),
    )[-1]


def _price(
    key: p.PriceKey, item: dict[str, Any], unit: str, factor: Decimal, fetched_at: datetime
) -> p.ListPrice:
    return p.ListPrice(
        key=key,
        unit=unit,
        price=Decimal(str(item.get("retailPrice", item.get("unitPrice")))) * factor,
        currency=str(item.get("currencyCode") or "USD"),
        source=SOURCE,
        effective=_effective(item.get("effectiveStartDate")),
        fetched_at=fetched_at,
        detail=f"{item.get('productName')}: {item.get('meterName')}"[:300],
    )


def _provisioned_prices(
    key: p.PriceKey, items: Sequence[dict[str, Any]], fetched_at: datetime
) -> list[p.ListPrice]:
    """Capacity, IOPS and throughput of a Premium SSD v2 or Ultra disk, each hourly
    price × 730; all three or a ``NONE`` price (never the capacity alone)."""
    _, sku_name = PROVISIONED_DISKS[key.sku]
    found: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        if item.get("type") not in (None, "Consumption") or item.get("skuName") != sku_name:
            continue
        meter = str(item.get("meterName") or "").removeprefix(f"{sku_name} ")
        unit = _PROVISIONED_METERS.get(meter)
        expected = "1 GiB/Hour" if unit == p.GB_MONTH else "1/Hour"
        # The included part is listed as a zero-price tier: the baseline is subtracted
        # from what the disk provisions instead (included_performance).
        price = Decimal(str(item.get("retailPrice", item.get("unitPrice")) or 0))
        if unit is not None and item.get("unitOfMeasure") == expected and price > 0:
            found.setdefault(unit, []).append(item)
    if set(found) != set(_PROVISIONED_METERS.values()):
        missing = sorted(set(_PROVISIONED_METERS.values()) - set(found))
        why = f"the Retail Prices API lists no {', '.join(missing)} price for {key.describe()}"
        return [p.ListPrice.missing(key, SOURCE, fetched_at, why)]
    return [
        _price(key, _newest(chosen), unit, p.HOURS_PER_MONTH, fetched_at)
        for unit, chosen in sorted(found.items())
    ]


def prices_of(
    key: p.PriceKey,
    items: Sequence[dict[str, Any]],
    fetched_at: datetime,
    licences: Sequence[dict[str, Any]] = (),
) -> list[p.ListPrice]:
    """The price of ``key`` among the API's ``Items`` (the primary meter region's,
    the newest), or one ``NONE`` price when none fits; ``licences`` are the items of
    the key's licence product, for a VM that bills a licence meter."""
    if key.kind == m.DISK and key.sku in PROVISIONED_DISKS:
        return _provisioned_prices(key, items, fetched_at)
    if key.kind == m.SNAPSHOT:
        return _snapshot_prices(key, items, fetched_at)
    licence = licence_of(key.variant) if key.kind == m.VM else None
    if licence is not None:
        return _licensed_vm_prices(key, licence, items, licences, fetched_at)
    hourly = key.kind in (m.VM, m.IP)
    unit = p.HOUR if hourly else p.MONTH
    expected = "1 Hour" if hourly else "1/Month"
    candidates = [
        item for item in items if _wanted(key, item) and item.get("unitOfMeasure") == expected
    ]
    if not candidates:
        why = f"the Retail Prices API lists no consumption price for {key.describe()}"
        return [p.ListPrice.missing(key, SOURCE, fetched_at, why)]
    return [_price(key, _newest(candidates), unit, Decimal(1), fetched_at)]


def _licensed_vm_prices(
    key: p.PriceKey,
    licence: tuple[str, str, int | None],
    items: Sequence[dict[str, Any]],
    licences: Sequence[dict[str, Any]],
    fetched_at: datetime,
) -> list[p.ListPrice]:
    """A VM with a licence meter (``licence``: its :func:`licence_of`): the size's
    Linux or Windows meter (``HOUR``) and the licence's for its vCPUs
    (``LICENCE_HOUR``); both or a ``NONE`` price (never the VM without its licence)."""
    base, product, named = licence
    vcpus = named or licensed_vcpus(key.sku) or 0
    rate_key = p.PriceKey(key.provider, key.kind, key.region, key.sku, base)
    compute = prices_of(rate_key, items, fetched_at)[0]
    found = licence_candidates(licences, key.region, vcpus)
    licence = _newest(found) if found else None
    if compute.price is None:
        why = f"the Retail Prices API lists no consumption price for {rate_key.describe()}"
    elif licence is None:
        why = f"the Retail Prices API lists no {product} licence meter for {vcpus} vCPUs"
    elif str(licence.get("currencyCode") or "USD") != compute.currency:
        why = f"the {product} licence is priced in another currency than the VM"
    else:
        return [
            replace(compute, key=key),
            _price(key, licence, p.LICENCE_HOUR, Decimal(1), fetched_at),
        ]
    return [p.ListPrice.missing(key, SOURCE, fetched_at, why)]


def _snapshot_prices(
    key: p.PriceKey, items: Sequence[dict[str, Any]], fetched_at: datetime
) -> list[p.ListPrice]:
    meter = key.sku.removeprefix("Snapshots ") + " Snapshots"  # "LRS Snapshots"
    chosen = [
        item
        for item in items
        if item.get("type") in (None, "Consumption")
        and item.get("meterName") == meter
        and item.get("unitOfMeasure") == "1 GB/Month"
    ]
    if not chosen:
        why = f"the Retail Prices API lists no consumption price for {key.describe()}"
        return [p.ListPrice.missing(key, SOURCE, fetched_at, why)]
    return [_price(key, _newest(chosen), p.GB_MONTH, Decimal(1), fetched_at)]


class AzureRetailPrices:
    """Fetch Azure list prices (a public API: no credentials)."""

    provider = "azure"
    source = SOURCE

    def __init__(self, *, workers: int = WORKERS, sleep: Callable[[float], None] | None = None):
        self._workers = workers
        self._sleep = sleep

    def _get(self, url: str, counter: list[int]) -> dict[str, Any]:
        from cloudspy.providers.base import http_timeout, with_retries

        def once() -> dict[str, Any]:
            counter.append(1)
            # http(s) only: endpoint() and NextPageLink are checked before they get here.
            request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
            with urllib.request.urlopen(request, timeout=http_timeout(60)) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))

        def retryable(exc: Exception) -> float | None:
            if isinstance(exc, urllib.error.HTTPError) and exc.code in _RETRY_STATUS:
                after = exc.headers.get("Retry-After") if exc.headers else None
                return float(after) if after and after.isdigit() else 0
            return None

        kwargs = {"sleep": self._sleep} if self._sleep else {}
        try:
            return with_retries(once, retryable=retryable, attempts=4, **kwargs)
        except urllib.error.HTTPError as exc:
            raise ProviderError(
                f"the {SOURCE} answered HTTP {exc.code} to {url.split('?')[0]}",
                hint="run it again later; cached prices are used meanwhile",
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ProviderError(
                f"cannot reach the {SOURCE} at {endpoint()}: {reason}",
                hint=f"check the network, or set {ENDPOINT_ENV}",
            ) from None

    def _items(self, odata: str, counter: list[int]) -> list[dict[str, Any]]:
        query = urllib.parse.urlencode(
            {"api-version": API_VERSION, "$filter": odata}, quote_via=urllib.parse.quote
        )
        url: str | None = f"{endpoint()}/api/retail/prices?{query}"
        items: list[dict[str, Any]] = []
        while url:
            page = self._get(url, counter)
            items += page.get("Items") or []
            url = page.get("NextPageLink") or None
            if url:
                _check_scheme(url, "the Retail Prices API's NextPageLink")
        return items

    def fetch(self, keys: Sequence[p.PriceKey], progress: Callable[[str], None]) -> p.FetchedPrices:
        """Every key's price, in parallel."""
        counter: list[int] = []
        wanted = sorted(set(keys))
        if wanted:
            progress(f"Azure prices: asking the {SOURCE} for {len(wanted)} product(s)")

        # Each licence product is asked once, whatever the number of VMs it covers.
        owned = {k: licence_of(k.variant) for k in wanted if k.kind == m.VM}
        products = sorted({found[1] for found in owned.values() if found})

        def one(key: p.PriceKey) -> list[p.ListPrice]:
            found = owned.get(key)
            extra = licences[found[1]] if found else []
            return prices_of(key, self._items(query_filter(key), counter), utc_now(), extra)

        with ThreadPoolExecutor(max_workers=max(1, min(self._workers, len(wanted) or 1))) as pool:
            asked = pool.map(lambda name: self._items(licence_filter(name), counter), products)
            licences = dict(zip(products, asked, strict=True))
            found = [price for batch in pool.map(one, wanted) for price in batch]
        return p.FetchedPrices(prices=found, requests=len(counter))
