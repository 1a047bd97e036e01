"""Results of cost queries: the documented JSON schema of ``cloudspy costs``.

Money is :class:`~decimal.Decimal` and serializes as a string; it always stands
beside its currency, and amounts of different currencies are never added.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class WindowModel(BaseModel):
    """A half-open window of UTC days; ``end`` is exclusive."""

    start: date
    end: date


class CurrencyTotal(BaseModel):
    """The total of one currency, with the previous equal period beside it."""

    currency: str
    cost: Decimal
    previous_cost: Decimal | None = None
    change_pct: Decimal | None = None


class SeriesPoint(BaseModel):
    """A group's cost in one time bucket (day, ISO week or month)."""

    start: date
    cost: Decimal


class CostGroup(BaseModel):
    """One row: a group's cost in one currency over the window."""

    group: dict[str, str]
    labels: dict[str, str] = Field(default_factory=dict)
    currency: str
    cost: Decimal
    share_pct: Decimal | None = None
    previous_cost: Decimal | None = None
    change: Decimal | None = None
    change_pct: Decimal | None = None
    series: list[SeriesPoint] = Field(default_factory=list)


class SourceFreshness(BaseModel):
    """Which cached scope answered, and how fresh its data is."""

    scope: str
    source: str
    provider: str
    days: int
    estimated_days: int
    fetched_at: str | None


class CostReport(BaseModel):
    """The answer of :func:`cloudspy.costs`."""

    model_config = ConfigDict(ser_json_timedelta="iso8601")

    window: WindowModel
    previous_window: WindowModel
    metric: str
    group_by: list[str]
    granularity: str
    totals: list[CurrencyTotal]
    rows: list[CostGroup]
    previous_complete: bool = True
    sources: list[SourceFreshness] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
