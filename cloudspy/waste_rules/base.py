"""What a waste rule is: its metadata, the context it reads, and the finding it returns.

A rule is a module with a ``META`` (:class:`RuleMeta`) and a pure
``evaluate(resource, ctx) -> Finding | None`` over normalized resources
(:mod:`cloudspy.models.resource`). Rules never look at a provider's name or raw
payload: the providers' collectors normalize ``attached``, ``power_state``,
``target_count`` … and rules read only those.

A rule that prices a cheaper equivalent also defines ``alternatives(resource) ->
list[Resource]``: the products it will compare against, so an inventory sync
fetches their list prices too (rules themselves never call an API; they read
``ctx.prices``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from cloudspy.models.resource import DailyUsage, Resource
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.pricing.price_book import PriceBook

SEVERITIES = ("low", "medium", "high")


@dataclass(frozen=True)
class RuleMeta:
    """Everything known about a rule besides its logic (the rule catalogue is built from it)."""

    id: str
    title: str
    providers: tuple[str, ...]
    kind: str
    severity: str
    why: str
    fix: str
    permissions: dict[str, tuple[str, ...]]
    reads: tuple[str, ...]
    reference: str | None = None
    # Where the rule stands in the catalogue and in `waste` (lower first; then by id).
    order: int = 100


@dataclass(frozen=True)
class Savings:
    """A monthly saving a rule computed itself (a cheaper equivalent, not a deletion).

    ``amount`` and ``currency`` are None when a price the difference needs is unknown;
    ``basis`` then says which.
    """

    amount: Decimal | None
    currency: str | None
    basis: str


def difference(current: tuple[str, Any], cheaper: tuple[str, Any]) -> Savings | None:
    """What moving from ``current`` to ``cheaper`` saves a month, each a (name, priced)
    pair whose priced has ``amount``, ``currency`` and ``basis``; None when it saves
    nothing or the two are in different currencies (never compared)."""
    (old, was), (new, will) = current, cheaper
    if was.currency != will.currency or will.amount >= was.amount:
        return None
    return Savings(
        was.amount - will.amount,
        was.currency,
        f"list: {old} {was.amount:.2f} − {new} {will.amount:.2f} {was.currency} per month; "
        f"{old}: {was.basis}; {new}: {will.basis}",
    )


@dataclass
class Finding:
    """One resource that wastes money, why, and the evidence.

    ``priced`` are the resources whose monthly cost the fix saves (the resource
    itself, or a stopped VM's disks and addresses). A rule whose fix keeps the
    resource but makes it cheaper sets ``savings`` (the difference) instead.
    """

    rule: str
    resource: Resource
    reason: str
    evidence: dict[str, Any]
    priced: list[Resource] = field(default_factory=list)
    savings: Savings | None = None


@dataclass
class WasteContext:
    """What rules may read besides the resource: time, thresholds, utilization, attachments."""

    now: datetime
    settings: WasteSettings
    usage: dict[str, DailyUsage] = field(default_factory=dict)
    attachments: dict[str, list[Resource]] = field(default_factory=dict)
    # List prices of the products a rule compares against (cached price lists, else
    # the shipped table for its own region): read, never fetched, while rules run.
    prices: PriceBook = field(default_factory=PriceBook)
