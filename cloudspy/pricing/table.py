"""Estimate a resource's monthly cost from the shipped list-price table.

Every estimate carries its basis: the unit price, the quantity, the source page,
the reference region and the date the price was in effect. Resources whose type
has no price get none (never a guess), and neither do resources outside the
region a price was published for: another region's price is not this region's
price (#14), so such a resource is "unpriced" with the reason in its basis.
The table's VM prices are Linux ones: a VM known to run another operating system
(Windows, RHEL, SUSE, SQL Server) is unpriced by it, not priced as Linux.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib import resources as package_files
from typing import Any

from cloudspy.models.resource import VM, Resource
from cloudspy.providers.registry import price_note

# How the providers name Linux with no licence (AWS ``PlatformDetails``; Azure and GCP
# variants): the only operating system the shipped table's VM prices are for.
LINUX_PLATFORMS = frozenset({"Linux/UNIX", "Linux"})


@dataclass(frozen=True)
class Estimate:
    """A monthly amount, its currency, and how it was computed."""

    amount: Decimal
    currency: str
    basis: str


@cache
def price_table() -> dict[str, Any]:
    """The parsed ``data/prices.json`` (money as Decimal)."""
    text = package_files.files("cloudspy.pricing").joinpath("data/prices.json").read_text("utf-8")
    return json.loads(text, parse_float=Decimal)


def _matches(entry: dict[str, Any], resource: Resource) -> bool:
    if entry["provider"] != resource.provider or entry["kind"] != resource.kind:
        return False
    if entry["type"] not in ("*", resource.type):
        return False
    return "attached" not in entry or entry["attached"] == bool(resource.attached)


def _pick(resource: Resource) -> dict[str, Any] | None:
    exact = [e for e in price_table()["prices"] if _matches(e, resource)]
    exact.sort(key=lambda e: e["type"] == "*")
    for entry in exact:
        limit = entry.get("max_size_gb")
        if limit is None or (resource.size_gb is not None and resource.size_gb <= limit):
            return entry
    return None


def _where(source: dict[str, Any]) -> str:
    return f"{source['title']}, {source['region']}, as of {source['as_of']}, {source['url']}"


def priced(resource: Resource) -> Estimate | str:
    """The list-price monthly cost of ``resource``, or why the table gives none: no
    entry for its type, an entry for another region only, or no size for a per-GB price."""
    entry = _pick(resource)
    what = resource.type or resource.kind
    if entry is None:
        return f"unpriced: the shipped price table has no list price for {what}"
    table = price_table()
    source = table["sources"][entry["source"]]
    if resource.kind == VM and resource.platform not in (None, *LINUX_PLATFORMS):
        return (
            f"unpriced: the shipped price table ({source['title']}) has Linux prices only,"
            f" and this VM runs {resource.platform}"
        )
    if source["region"] not in ("all regions", resource.region):
        return (
            f"unpriced: the shipped price table ({source['title']}, as of {source['as_of']}) "
            f"has {what} in {source['region']} only, and this resource is in "
            f"{resource.region or 'an unknown region'}"
        )
    price = Decimal(entry["price"])
    hours = Decimal(table["hours_per_month"])
    if entry["unit"] == "GB-month":
        if resource.size_gb is None:
            return f"unpriced: {what} is priced per GB-month and its size is unknown"
        size = Decimal(str(resource.size_gb))
        amount = price * size
        how = f"{price} {entry['currency']}/GB-month × {size.normalize():f} GB"
        for kind, quantity in (
            ("disk-iops", resource.iops),
            ("disk-throughput", resource.throughput_mibps),
        ):
            unit = unit_price(resource.provider, kind, resource.type or "", resource.region)
            extra = max(Decimal(quantity or 0) - unit.above, Decimal(0)) if unit else 0
            if unit and extra:
                amount += extra * unit.price
                how += (
                    f" + {extra.normalize():f} {unit.unit.split('-')[0]} above the included"
                    f" {unit.above.normalize():f} × {unit.price} {unit.currency}/{unit.unit}"
                )
    elif entry["unit"] == "hour":
        amount = price * hours
        how = f"{price} {entry['currency']}/hour × {hours} hours"
    else:
        amount = price
        how = f"{price} {entry['currency']}/month (tier up to {entry['max_size_gb']} GB)"
    what = resource.type if resource.type and entry["type"] != "*" else resource.kind
    return Estimate(amount, entry["currency"], f"list price of {what}: {how} ({_where(source)})")


def estimate(resource: Resource) -> Estimate | None:
    """The list-price monthly cost of ``resource``, or None when the table has no price
    for its type in its region (:func:`priced` says why)."""
    found = priced(resource)
    return found if isinstance(found, Estimate) else None


@dataclass(frozen=True)
class UnitPrice:
    """One priced unit of the table (an IOPS-month of gp3 above its free 3000 …)."""

    price: Decimal
    currency: str
    unit: str
    above: Decimal  # the quantity included in the base price, not charged
    where: str  # source, region and date, for a price basis


def unit_price(provider: str, kind: str, type_: str, region: str) -> UnitPrice | None:
    """The table's price of one unit of ``kind`` for ``type_`` in ``region``; None when
    the table has none, or has it for another region only (never that region's price)."""
    table = price_table()
    for entry in table["prices"]:
        if (entry["provider"], entry["kind"], entry["type"]) != (provider, kind, type_):
            continue
        src = table["sources"][entry["source"]]
        if src["region"] not in ("all regions", region):
            return None
        return UnitPrice(
            price=Decimal(entry["price"]),
            currency=entry["currency"],
            unit=entry["unit"],
            above=Decimal(entry.get("above", "0")),
            where=_where(src),
        )
    return None


def apply_estimates(resources: list[Resource]) -> None:
    """Fill ``monthly_cost`` where the collector left it empty and the table has a price
    for the resource's type in its region; otherwise say why in ``price_basis``."""
    for resource in resources:
        if resource.monthly_cost is not None:
            continue
        found = priced(resource)
        assign(resource, noted(resource, found) if isinstance(found, Estimate) else found)


def noted(resource: Resource, estimate: Estimate) -> Estimate:
    """A shipped-table estimate with what its provider says the price leaves out or
    overstates (a snapshot's size that is an upper bound)."""
    note = price_note(resource)
    if not note:
        return estimate
    return Estimate(estimate.amount, estimate.currency, f"{estimate.basis} ({note})")


def assign(resource: Resource, found: Estimate | str) -> None:
    """Give ``resource`` the estimate, or, when it has no basis yet, the reason there is none."""
    if isinstance(found, Estimate):
        resource.monthly_cost = found.amount
        resource.currency = found.currency
        resource.price_basis = found.basis
    elif resource.price_basis is None:
        resource.price_basis = found
