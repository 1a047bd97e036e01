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


@dataclass(kw_only=True)
class WindowModel(PlainModel):
    """A half-open window of UTC days; ``end`` is exclusive."""

    start: date
    end: date


@dataclass(kw_only=True)
class CurrencyTotal(PlainModel):
    """The total of one currency, with the previous equal period beside it."""

    currency: str
    cost: Decimal
    previous_cost: Decimal | None = None
    change_pct: Decimal | None = None


@dataclass(kw_only=True)
class SeriesPoint(PlainModel):
    """A group's cost in one time bucket (day, ISO week or month)."""

    start: date
    cost: Decimal


@dataclass(kw_only=True)
class CostGroup(PlainModel):
    """One row: a group's cost in one currency over the window."""

    group: dict[str, str]
    labels: dict[str, str] = field(default_factory=dict)
    currency: str
    cost: Decimal
    share_pct: Decimal | None = None
    previous_cost: Decimal | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None
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
