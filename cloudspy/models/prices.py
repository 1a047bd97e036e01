"""List prices as the providers publish them, keyed by what a resource needs priced (#14).

A :class:`PriceKey` names one product in one region (an instance type with its
operating system, a volume type); a provider's price list answers it with one
:class:`ListPrice` per billed unit (a gp3 volume bills GB-months, IOPS-months
above 3,000 and MiB/s-months above 125). A key the price list does not know is
remembered too, as a price of ``None`` with the reason, so a second run asks no
second time. Prices are cached in the store with the date they were fetched and
the provider's own effective date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

HOUR = "hour"
GB_MONTH = "GB-month"
IOPS_MONTH = "IOPS-month"
MIBPS_MONTH = "MiBps-month"
MONTH = "month"
# A licensed VM's software licence fee per hour, beside its machine's ``HOUR`` price:
# kept apart so the basis shows what the licence adds.
LICENCE_HOUR = "licence-hour"
UNITS = (HOUR, GB_MONTH, IOPS_MONTH, MIBPS_MONTH, MONTH, LICENCE_HOUR)
# No such product: the price list answered, with nothing for this key.
NONE = "none"

# AWS, Azure and GCP all price hourly resources on a 730-hour month.
HOURS_PER_MONTH = Decimal(730)

# How a price note begins when the quantity priced bounds what is billed from above
# (a snapshot sized by its disk): the basis carries it as "(an upper bound: …)".
UPPER_BOUND = "an upper bound"


def upper_bound_note(why: str) -> str:
    """A price note saying the quantity priced is an upper bound, and ``why``."""
    return f"{UPPER_BOUND}: {why}"


def states_upper_bound(basis: str | None) -> bool:
    """Whether a price basis says its amount is an upper bound of what is billed."""
    return f"({UPPER_BOUND}: " in (basis or "")


@dataclass(frozen=True, order=True)
class PriceKey:
    """One product in one region: ``sku`` is the instance type, machine type, VM
    size or volume type; ``variant`` the operating system and licence
    (``Linux``, ``Windows``, ``RHEL``, ``SUSE``, ``Windows+SQL Std`` …), empty
    for storage."""

    provider: str
    kind: str
    region: str
    sku: str
    variant: str = ""

    def describe(self) -> str:
        """``m7i.large Windows in eu-west-1``."""
        what = f"{self.sku} {self.variant}".strip()
        return f"{what} in {self.region}"


@dataclass(frozen=True)
class ListPrice:
    """One billed unit of a key's product, or (``unit == NONE``) the answer that
    the price list has no such product."""

    key: PriceKey
    unit: str
    price: Decimal | None
    currency: str
    source: str  # "AWS Price List Query API", "Azure Retail Prices API" …
    effective: date | None  # the provider's effective date for this price
    fetched_at: datetime
    detail: str = ""  # the provider's own description, or why there is no price
    # Tiered prices (io2 IOPS, Azure tiers): this price applies from this quantity on.
    tier_start: Decimal = Decimal(0)

    @classmethod
    def missing(cls, key: PriceKey, source: str, fetched_at: datetime, why: str) -> ListPrice:
        """The answer that ``source`` has no price for ``key`` (remembered like a price)."""
        return cls(key, NONE, None, "USD", source, None, fetched_at, why)


@dataclass
class FetchedPrices:
    """What one price-list fetch returned and how many requests it took."""

    prices: list[ListPrice] = field(default_factory=list)
    requests: int = 0
