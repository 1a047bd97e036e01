"""Results of ``cloudspy report`` and ``cloudspy export``, and the report's template context.

:class:`ReportContext` is what a report template sees (documented in
``docs/reports.md``); its fields are a contract for user templates. Money is
:class:`~decimal.Decimal` beside its currency; currencies are never summed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from cloudspy.models.costs import CurrencyTotal, WindowModel
from cloudspy.models.exact import Exact


class ExportResult(BaseModel):
    """What :func:`cloudspy.export` wrote."""

    path: str
    format: str
    rows: int
    bytes: int
    window: WindowModel | None = None
    metric: str = "BilledCost"
    totals: list[CurrencyTotal] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class BreakdownRow(BaseModel):
    """One group of a breakdown or movers table."""

    label: str
    detail: str | None = None
    currency: str
    cost: Exact
    share_pct: Exact | None = None
    previous_cost: Exact | None = None
    change: Exact | None = None
    change_pct: Exact | None = None


class WasteRow(BaseModel):
    """One waste finding as the report shows it."""

    rule: str
    title: str
    provider: str | None = None
    account: str | None = None
    region: str | None = None
    resource: str | None = None
    monthly_savings: Exact | None = None  # None: the rule could not price it
    currency: str | None = None
    upper_bound: bool = False  # the saving is at most monthly_savings


class ForecastRow(BaseModel):
    """The month-end projection of one currency."""

    currency: str
    month_to_date: Exact | None = None
    forecast: Exact
    low: Exact | None = None
    high: Exact | None = None


class Chart(BaseModel):
    """An inline SVG chart for one currency (its markup is escaped SVG text)."""

    currency: str
    svg: str


class SectionResult(BaseModel):
    """One report section: its data, or why it has none.

    ``status`` is ``"no_data"`` with a ``reason`` when the section could not be
    filled; templates must say so rather than leave the section out.
    """

    id: str
    kind: Literal["trend", "providers", "breakdown", "movers", "forecast", "waste"]
    title: str
    by: list[str] = Field(default_factory=list)
    status: Literal["ok", "no_data"] = "ok"
    reason: str | None = None
    charts: list[Chart] = Field(default_factory=list)
    rows: list[BreakdownRow] = Field(default_factory=list)
    findings: list[WasteRow] = Field(default_factory=list)
    savings: list[CurrencyTotal] = Field(default_factory=list)
    # The currencies whose savings total holds an upper bound (a finding's upper_bound).
    savings_at_most: list[str] = Field(default_factory=list)
    forecast: list[ForecastRow] = Field(default_factory=list)


class FreshnessRow(BaseModel):
    """How fresh one cached source is: its last sync and the days it holds."""

    provider: str
    source: str
    scope: str
    days: int | None = None
    estimated_days: int | None = None
    fetched_at: datetime | None = None
    last_sync_at: datetime | None = None
    last_sync_status: str | None = None


class ReportContext(BaseModel):
    """Everything a report template receives, as ``report`` (see docs/reports.md)."""

    title: str
    name: str | None = None
    period: str
    window: WindowModel
    previous_window: WindowModel
    metric: str
    filters: dict[str, list[str]] = Field(default_factory=dict)
    totals: list[CurrencyTotal] = Field(default_factory=list)
    previous_complete: bool = True
    sections: list[SectionResult] = Field(default_factory=list)
    freshness: list[FreshnessRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    generated_at: datetime
    today: date
    version: str


class ReportResult(BaseModel):
    """What :func:`cloudspy.report` wrote."""

    path: str
    format: Literal["pdf", "html"]
    bytes: int
    title: str
    window: WindowModel
    sections: list[SectionResult] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
