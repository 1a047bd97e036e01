"""AWS list prices from the Price List Query API (``pricing`` GetProducts), #14.

Asked only for what the inventory holds: one paged GetProducts per (instance
type, region, operating system) and per (volume type, region), with
``TERM_MATCH`` filters. Through boto3, so ``AWS_ENDPOINT_URL_PRICING`` (or
``AWS_ENDPOINT_URL``) points it elsewhere. The API is served from us-east-1 (and
eu-central-1, ap-south-1) whatever region is priced.

``PriceList`` entries are JSON *strings* (decoded a second time); a product's
OnDemand term holds one price per dimension: an instance's ``Hrs``; a volume's
``GB-Mo`` and, for gp3/io1/io2, ``IOPS-Mo`` and throughput (``GiBps-mo``), some
of them tiered by ``beginRange``. Public IPv4 addresses are in service
``AmazonVPC``, usage type ``<region>-PublicIPv4:IdleAddress`` or ``…:InUseAddress``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cloudspy.clock import utc_now
from cloudspy.models import prices as p
from cloudspy.models import resource as m
from cloudspy.models.resource import Resource

SOURCE = "AWS Price List Query API"
PRICING_REGION = "us-east-1"
# PlatformDetails (DescribeInstances) → the price list's operatingSystem,
# preInstalledSw and licenseModel. Anything else is refused, not priced as Linux.
PLATFORMS: dict[str, tuple[str, str, str]] = {
    "Linux/UNIX": ("Linux", "NA", "No License required"),
    "Red Hat Enterprise Linux": ("RHEL", "NA", "No License required"),
    "SUSE Linux": ("SUSE", "NA", "No License required"),
    "Ubuntu Pro": ("Ubuntu Pro", "NA", "No License required"),
    "Windows": ("Windows", "NA", "No License required"),
    "Windows BYOL": ("Windows", "NA", "Bring your own license"),
    "Windows with SQL Server Standard": ("Windows", "SQL Std", "No License required"),
    "Windows with SQL Server Enterprise": ("Windows", "SQL Ent", "No License required"),
    "Windows with SQL Server Web": ("Windows", "SQL Web", "No License required"),
    "Linux with SQL Server Standard": ("Linux", "SQL Std", "No License required"),
    "Linux with SQL Server Enterprise": ("Linux", "SQL Ent", "No License required"),
    "Linux with SQL Server Web": ("Linux", "SQL Web", "No License required"),
}
# PlatformDetails whose product the price list's ``operation`` names exactly (the
# instance's UsageOperation; Amazon EC2 "AMI billing information fields"): RHEL with
# the High Availability add-on and RHEL with SQL Server, which the fields above do not
# tell apart, and RHEL bought elsewhere.
OPERATIONS: dict[str, str] = {
    "Red Hat BYOL Linux": "RunInstances:00g0",
    "Red Hat Enterprise Linux with HA": "RunInstances:1010",
    "Red Hat Enterprise Linux with SQL Server Standard and HA": "RunInstances:1014",
    "Red Hat Enterprise Linux with SQL Server Enterprise and HA": "RunInstances:1110",
    "Red Hat Enterprise Linux with SQL Server Standard": "RunInstances:0014",
    "Red Hat Enterprise Linux with SQL Server Web": "RunInstances:0210",
    "Red Hat Enterprise Linux with SQL Server Enterprise": "RunInstances:0110",
}
# Load balancer type → the price list's product family (service AWSELB); the hourly
# charge only: capacity units (LCU) are usage, billed on top.
LOAD_BALANCER_FAMILIES = {
    "application": "Load Balancer-Application",
    "network": "Load Balancer-Network",
    "gateway": "Load Balancer-Gateway",
    "classic": "Load Balancer",
}
# usagetype carries a region prefix (``EUW1-``); these suffixes pick the product.
_USAGE_SUFFIX = {m.SNAPSHOT: "EBS:SnapshotUsage", m.LOAD_BALANCER: "LoadBalancerUsage"}
# A snapshot moved to the archive tier (StorageTier "archive") is a full copy billed
# at the archive rate; its key's sku says so.
ARCHIVED_SNAPSHOT = "ebs-snapshot-archive"
_ARCHIVE_USAGE = "EBS:SnapshotArchiveStorage"
_UNITS = {"Hrs": p.HOUR, "GB-Mo": p.GB_MONTH, "IOPS-Mo": p.IOPS_MONTH}
# Throughput is published per GiB/s-month; CloudSpy prices MiB/s (what a volume reports).
_THROUGHPUT_UNITS = {"GiBps-mo": Decimal(1024), "MiBps-mo": Decimal(1)}
WORKERS = 8
# What a volume type's GB-month price includes of the performance it provisions
# (Amazon EBS pricing): gp3 bills IOPS above 3,000 and MiB/s above 125; io1 and io2
# bill every provisioned IOPS. Other types (gp2, st1, sc1) report IOPS they do not bill.
INCLUDED_PERFORMANCE: dict[str, dict[str, Decimal]] = {
    "gp3": {p.IOPS_MONTH: Decimal(3000), p.MIBPS_MONTH: Decimal(125)},
    "io1": {p.IOPS_MONTH: Decimal(0)},
    "io2": {p.IOPS_MONTH: Decimal(0)},
}


def included_performance(volume_type: str) -> dict[str, Decimal] | None:
    """The performance ``volume_type``'s price includes, per billed unit (None: not billed)."""
    return INCLUDED_PERFORMANCE.get(volume_type)


def _archived(resource: Resource) -> bool:
    """Whether a snapshot sits in the archive tier (a full copy, at the archive rate)."""
    return (resource.type or "").lower() == "archive"


def price_note(resource: Resource) -> str:
    """What a list price overstates: an EBS snapshot's size bounds what it stores from
    above (the blocks written to its volume when it was taken,
    ``FullSnapshotSizeInBytes``, else the volume's size), while a snapshot after the
    first of a volume stores only changed blocks."""
    if resource.kind != m.SNAPSHOT or _archived(resource):
        return ""  # an archived snapshot is a full copy of its blocks
    if (resource.raw or {}).get("FullSnapshotSizeInBytes"):
        return p.upper_bound_note("its volume's written blocks; later snapshots store changes only")
    return p.upper_bound_note("its volume's size; snapshots store written, changed blocks only")


def platform_of(raw: dict[str, Any] | None) -> str:
    """The instance's ``PlatformDetails``; without it (older answers, moto) the
    documented meaning of ``Platform``: ``windows`` for Windows, else Linux/UNIX."""
    raw = raw or {}
    details = raw.get("PlatformDetails")
    if details:
        return str(details)
    return "Windows" if str(raw.get("Platform") or "").lower() == "windows" else "Linux/UNIX"


def key_for(resource: Resource) -> p.PriceKey | str:
    """The product ``resource`` is billed as, or why the price list cannot price it."""
    if resource.kind == m.VM and resource.type:
        platform = resource.platform or platform_of(resource.raw)
        if platform not in PLATFORMS and platform not in OPERATIONS:
            return f"unpriced: platform {platform!r} is not one CloudSpy maps to a price list entry"
        return p.PriceKey("aws", m.VM, resource.region, resource.type, platform)
    if resource.kind == m.DISK and resource.type:
        return p.PriceKey("aws", m.DISK, resource.region, resource.type)
    if resource.kind == m.SNAPSHOT:
        sku = ARCHIVED_SNAPSHOT if _archived(resource) else "ebs-snapshot"
        return p.PriceKey("aws", m.SNAPSHOT, resource.region, sku)
    if resource.kind == m.LOAD_BALANCER and resource.type in LOAD_BALANCER_FAMILIES:
        return p.PriceKey("aws", m.LOAD_BALANCER, resource.region, resource.type)
    if resource.kind == m.IP:
        # Every public IPv4 address bills hourly (Amazon VPC pricing, since 2024-02-01):
        # one usage type while it is in use, another while it sits idle.
        usage = "PublicIPv4:InUseAddress" if resource.attached else "PublicIPv4:IdleAddress"
        return p.PriceKey("aws", m.IP, resource.region, usage)
    return f"unpriced: no {SOURCE} lookup for {resource.kind} yet"


def service_code(key: p.PriceKey) -> str:
    """The price list service a key's product is in."""
    if key.kind == m.IP:
        return "AmazonVPC"  # public IPv4 moved there from AmazonEC2 in 2024
    return "AWSELB" if key.kind == m.LOAD_BALANCER else "AmazonEC2"


def wanted_product(key: p.PriceKey, product: dict[str, Any]) -> bool:
    """Whether a product the filters returned is the key's own (snapshots and load
    balancers share their family with other usage: archive tiers, capacity units)."""
    if key.kind == m.IP:
        suffix: str | None = key.sku
    elif key.sku == ARCHIVED_SNAPSHOT:
        suffix = _ARCHIVE_USAGE
    else:
        suffix = _USAGE_SUFFIX.get(key.kind)
    if suffix is None:
        return True
    usage = str(((product.get("product") or {}).get("attributes") or {}).get("usagetype") or "")
    prefix, _, rest = usage.rpartition("-") if "-" in usage.split(":")[0] else ("", "", usage)
    return rest == suffix and (not prefix or prefix.isalnum())


def _filters(key: p.PriceKey) -> list[dict[str, str]]:
    def term(field: str, value: str) -> dict[str, str]:
        return {"Type": "TERM_MATCH", "Field": field, "Value": value}

    if key.kind == m.SNAPSHOT:
        return [term("productFamily", "Storage Snapshot"), term("regionCode", key.region)]
    if key.kind == m.LOAD_BALANCER:
        family = LOAD_BALANCER_FAMILIES[key.sku]
        return [term("productFamily", family), term("regionCode", key.region)]
    if key.kind == m.IP:
        # The address rows carry no product family: the usage type picks them out.
        return [term("regionCode", key.region)]

    if key.kind == m.VM:
        if key.variant in OPERATIONS:
            platform = [term("operation", OPERATIONS[key.variant])]
        else:
            system, software, licence = PLATFORMS[key.variant]
            platform = [
                term("operatingSystem", system),
                term("preInstalledSw", software),
                term("licenseModel", licence),
            ]
        return [
            term("instanceType", key.sku),
            term("regionCode", key.region),
            *platform,
            term("tenancy", "Shared"),
            term("capacitystatus", "Used"),
            term("marketoption", "OnDemand"),
        ]
    return [term("volumeApiName", key.sku), term("regionCode", key.region)]


def _effective(text: str | None) -> date | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00")).date() if text else None
    except ValueError:
        return None


def prices_of(
    key: p.PriceKey, products: Sequence[dict[str, Any]], fetched_at: datetime
) -> list[p.ListPrice]:
    """The OnDemand prices of ``products`` (decoded PriceList entries) for ``key``.

    A key whose answer holds no OnDemand USD price comes back as one ``NONE`` price.
    """
    out: list[p.ListPrice] = []
    for product in products:
        if not wanted_product(key, product):
            continue
        for term in (product.get("terms") or {}).get("OnDemand", {}).values():
            effective = _effective(term.get("effectiveDate"))
            for dimension in (term.get("priceDimensions") or {}).values():
                raw_unit = str(dimension.get("unit") or "")
                amount = (dimension.get("pricePerUnit") or {}).get("USD")
                if amount is None:
                    continue
                price = Decimal(str(amount))
                if raw_unit in _THROUGHPUT_UNITS:
                    unit, price = p.MIBPS_MONTH, price / _THROUGHPUT_UNITS[raw_unit]
                elif raw_unit in _UNITS:
                    unit = _UNITS[raw_unit]
                else:
                    continue  # a unit CloudSpy does not bill resources by
                out.append(
                    p.ListPrice(
                        key=key,
                        unit=unit,
                        price=price,
                        currency="USD",
                        source=SOURCE,
                        effective=effective,
                        fetched_at=fetched_at,
                        detail=str(dimension.get("description") or "")[:300],
                        tier_start=Decimal(str(dimension.get("beginRange") or "0")),
                    )
                )
    if not out:
        why = f"the price list has no on-demand price for {key.describe()}"
        out.append(p.ListPrice.missing(key, SOURCE, fetched_at, why))
    return out


class AwsPriceList:
    """Fetch AWS list prices with one account's credentials (the API needs signed calls)."""

    provider = "aws"
    source = SOURCE

    def __init__(self, client_factory: Callable[[str, str], Any], *, workers: int = WORKERS):
        self._client_factory = client_factory
        self._workers = workers

    def fetch(self, keys: Sequence[p.PriceKey], progress: Callable[[str], None]) -> p.FetchedPrices:
        """Every key's prices, in parallel, paging through ``NextToken``."""
        from cloudspy.providers.aws.inventory import RegionReader

        client = self._client_factory("pricing", PRICING_REGION)
        readers: list[RegionReader] = []

        def one(key: p.PriceKey) -> list[p.ListPrice]:
            reader = RegionReader({"pricing": client}, PRICING_REGION)
            readers.append(reader)
            pages = reader.pages(
                "pricing",
                "get_products",
                "NextToken",
                ServiceCode=service_code(key),
                Filters=_filters(key),
                FormatVersion="aws_v1",
                MaxResults=100,
            )
            # The model marks the entries ``jsonvalue``: botocore decodes them, but a
            # string still arrives from clients that do not, so both are accepted.
            products = [
                item if isinstance(item, dict) else json.loads(item)
                for page in pages
                for item in page.get("PriceList") or []
            ]
            return prices_of(key, products, utc_now())

        wanted = sorted(set(keys))
        if wanted:
            progress(f"AWS prices: asking {SOURCE} for {len(wanted)} product(s)")
        with ThreadPoolExecutor(max_workers=max(1, min(self._workers, len(wanted) or 1))) as pool:
            found = [price for batch in pool.map(one, wanted) for price in batch]
        return p.FetchedPrices(prices=found, requests=sum(r.calls for r in readers))
