"""Results of cost queries: the documented JSON schema of ``cloudspy costs``.

Money is :class:`~decimal.Decimal` and serializes as a string; it always stands
beside its currency, and amounts of different currencies are never added.

These are standard dataclasses with pydantic's methods (:mod:`cloudspy.models.plain`),
so ``cloudspy costs`` starts without loading pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from cloudspy.models.plain import PlainModel

# The money fields' type. Plain Decimal here, so `cloudspy costs` loads no pydantic;
# cloudspy.models.exact rebinds it to its pydantic-annotated `Exact` when pydantic is
# loaded, before any schema of these dataclasses is built, so that pydantic models
# holding them write money as exact text too (one contract, #13).
Money = Decimal


@dataclass(kw_only=True)
class WindowModel(PlainModel):
    """A half-open window of UTC days; ``end`` is exclusive."""

    start: date
    end: date


@dataclass(kw_only=True)
class CurrencyTotal(PlainModel):
    """The total of one currency, with the previous equal period beside it."""

    currency: str
    cost: Money
    previous_cost: Money | None = None
    change_pct: Money | None = None


@dataclass(kw_only=True)
class SeriesPoint(PlainModel):
    """A group's cost in one time bucket (day, ISO week or month)."""

    start: date
    cost: Money


@dataclass(kw_only=True)
class CostGroup(PlainModel):
    """One row: a group's cost in one currency over the window."""

    group: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    currency: str
    cost: Money
    share_pct: Money | None = None
    previous_cost: Money | None = None
    change: Money | None = None
    change_pct: Money | None = None
    series: list[SeriesPoint] = field(default_factory=list)


@dataclass(kw_only=True)
class SourceFreshness(PlainModel):
    """Which cached scope answered, and how fresh its data is."""

    scope: str
    source: str
    provider: str
    days: int
    estimated_days: int
    fetched_at: str | None


@dataclass(kw_only=True)
class CostReport(PlainModel):
    """The answer of :func:`cloudspy.costs`."""

    window: WindowModel
    previous_window: WindowModel
    metric: str
    group_by: list[str]
    granularity: str
    totals: list[CurrencyTotal]
    rows: list[CostGroup]
    previous_complete: bool = True
    sources: list[SourceFreshness] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
