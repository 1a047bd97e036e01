"""The report's sections: one data provider per kind, each returning a SectionResult.

A provider either fills its section or raises :class:`~cloudspy.errors.NoDataError`;
:func:`build_section` turns that into ``status="no_data"`` with the reason, so
a template says "no data: <reason>" instead of dropping the section.

Every number comes from a :class:`ReportData` the caller hands in (``cloudspy.api``
hands in its own ``costs``, ``compare``, ``forecast``, ``waste`` and ``history``), so
this package never imports the layer above it (#16; see "Wiring" in docs/reports.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudspy.config import Settings
from cloudspy.errors import NoDataError
from cloudspy.models.costs import CostReport, CurrencyTotal
from cloudspy.models.report_settings import ReportSection
from cloudspy.models.reporting import (
    BreakdownRow,
    Chart,
    ForecastRow,
    SectionResult,
    WasteRow,
)
from cloudspy.periods import Window
from cloudspy.reporting.svg import stacked_bars, trend_chart

DEFAULT_TOP = 10
TITLES = {
    "trend": "Daily trend",
    "providers": "Daily cost by provider",
    "movers": "Top movers",
    "forecast": "Forecast to month end",
    "waste": "Waste findings",
}
BY_TITLES = {
    "provider": "By provider",
    "account": "By account",
    "service": "By service",
    "region": "By region",
    "tag:team": "By team",
    "team": "By team",
}
DEFAULT_SECTIONS: tuple[ReportSection, ...] = (
    ReportSection(kind="trend"),
    ReportSection(kind="providers"),
    ReportSection(kind="breakdown", by=["provider"]),
    ReportSection(kind="breakdown", by=["account"]),
    ReportSection(kind="breakdown", by=["service"]),
    ReportSection(kind="breakdown", by=["region"]),
    ReportSection(kind="breakdown", by=["team"]),
    ReportSection(kind="movers", by=["service"]),
    ReportSection(kind="forecast"),
    ReportSection(kind="waste"),
)


def default_sections(settings: Settings) -> list[ReportSection]:
    """The built-in report; teams come from ``[teams]`` when configured, else the ``team`` tag."""
    if settings.teams:
        return list(DEFAULT_SECTIONS)
    return [
        ReportSection(kind="breakdown", by=["tag:team"]) if s.by == ["team"] else s
        for s in DEFAULT_SECTIONS
    ]


@dataclass(frozen=True)
class ReportData:
    """The answers a report is made of, as functions taking the API's keyword arguments.

    The caller supplies them (``cloudspy.api`` passes its own functions): a report is
    built from the same answers as ``cloudspy costs``/``compare``/``forecast``/``waste``
    without the reporting package depending on the API that uses it.
    """

    costs: Callable[..., CostReport]
    compare: Callable[..., Any]
    forecast: Callable[..., Any]
    waste: Callable[..., Any]
    history: Callable[..., Any]


@dataclass
class ReportInputs:
    """What every section provider reads: the answers, store, window, filters and metric."""

    data: ReportData
    db: Path
    settings: Settings
    window: Window
    today: date
    metric: str
    filters: dict[str, list[str]] = field(default_factory=dict)
    _costs: dict[tuple[tuple[str, ...], int | None], CostReport] = field(default_factory=dict)

    def costs(self, by: Sequence[str], top: int | None = None) -> CostReport:
        """``data.costs`` over the report window (each grouping asked once)."""
        key = (tuple(by), top)
        whole = self._costs.get((tuple(by), None))
        if top is not None and whole is not None and len(whole.rows) <= top:
            return whole  # the unfolded answer already fits: no second scan
        if key not in self._costs:
            self._costs[key] = self.data.costs(
                since=self.window.start.isoformat(),
                until=self.window.end.isoformat(),
                by=list(by),
                metric=self.metric,
                top=top,
                db=self.db,
                settings=self.settings,
                today=self.today,
                **self.filters,
            )
        return self._costs[key]


def section_title(spec: ReportSection) -> str:
    """The spec's own title, else one derived from its kind and grouping."""
    if spec.title:
        return spec.title
    if spec.kind == "breakdown":
        joined = " and ".join(spec.by)
        return BY_TITLES.get(joined, f"By {joined}")
    if spec.kind == "movers" and spec.by:
        return f"Top movers by {' and '.join(spec.by)}"
    return TITLES[spec.kind]


def _days_and_totals(report: CostReport) -> tuple[list[date], dict[str, dict[str, list[Decimal]]]]:
    """Per currency, per group label: the daily series (aggregates only, a few hundred values)."""
    per_currency: dict[str, dict[str, list[Decimal]]] = {}
    days: list[date] = []
    for row in report.rows:
        days = [p.start for p in row.series]
        label = " / ".join(row.group.values())
        per_currency.setdefault(row.currency, {})[label] = [p.cost for p in row.series]
    return days, per_currency


def trend(inputs: ReportInputs, spec: ReportSection, result: SectionResult) -> None:
    """A filled line of the daily total, one chart per currency."""
    days, per_currency = _days_and_totals(inputs.costs(["provider"]))
    for currency, groups in sorted(per_currency.items()):
        totals = [sum(values, Decimal(0)) for values in zip(*groups.values(), strict=True)]
        result.charts.append(Chart(currency=currency, svg=trend_chart(days, totals, currency)))


def providers(inputs: ReportInputs, spec: ReportSection, result: SectionResult) -> None:
    """Daily bars stacked by provider (or by the spec's grouping), per currency."""
    by = spec.by or ["provider"]
    # Providers are few: reuse the cover's unfolded answer; other groupings fold at 8.
    days, per_currency = _days_and_totals(inputs.costs(by, top=None if by == ["provider"] else 8))
    for currency, groups in sorted(per_currency.items()):
        result.charts.append(Chart(currency=currency, svg=stacked_bars(days, groups, currency)))


def _row(
    group: dict[str, str], labels: dict[str, str], currency: str, **money: Any
) -> BreakdownRow:
    detail = ", ".join(v for k, v in labels.items() if v and v != group.get(k))
    return BreakdownRow(
        label=" / ".join(group.values()), detail=detail or None, currency=currency, **money
    )


def breakdown(inputs: ReportInputs, spec: ReportSection, result: SectionResult) -> None:
    """The top groups of the spec's ``by`` with share and change, the rest folded."""
    if not spec.by:
        raise NoDataError('a breakdown section needs `by` (e.g. by = ["service"])')
    report = inputs.costs(spec.by, top=spec.top or DEFAULT_TOP)
    for row in report.rows:
        result.rows.append(
            _row(
                row.group,
                row.labels,
                row.currency,
                cost=row.cost,
                share_pct=row.share_pct,
                previous_cost=row.previous_cost,
                change=row.change,
                change_pct=row.change_pct,
            )
        )


def movers(inputs: ReportInputs, spec: ReportSection, result: SectionResult) -> None:
    """The groups that grew and shrank most against the previous period (``data.compare``)."""
    compared = inputs.data.compare(
        since=inputs.window.start.isoformat(),
        until=inputs.window.end.isoformat(),
        by=spec.by or ["service"],
        top=spec.top or 5,
        metric=inputs.metric,
        db=inputs.db,
        settings=inputs.settings,
        today=inputs.today,
        **inputs.filters,
    )
    for row in [*compared.movers_up, *compared.movers_down]:
        result.rows.append(
            _row(
                row.group,
                row.labels,
                row.currency,
                cost=row.current,
                previous_cost=row.previous,
                change=row.change,
                change_pct=row.change_pct,
            )
        )
    if not result.rows:
        raise NoDataError("no group changed against the previous period")


def forecast(inputs: ReportInputs, spec: ReportSection, result: SectionResult) -> None:
    """This month's projected total per currency (``data.forecast``), with its interval."""
    projected = inputs.data.forecast(
        db=inputs.db,
        settings=inputs.settings,
        today=inputs.today,
        **inputs.filters,
    )
    for series in projected.series:
        if series.name != "total":
            continue
        result.forecast.append(
            ForecastRow(
                currency=series.currency,
                month_to_date=series.actual_to_date,
                forecast=series.period_total,
                low=series.period_lower,
                high=series.period_upper,
            )
        )
    if not result.forecast:
        raise NoDataError("the forecast has no total series")


def waste_rows(inputs: ReportInputs) -> list[WasteRow]:
    """Open waste findings (``data.waste``) as report rows, largest savings first."""
    findings = inputs.data.waste(
        db=inputs.db,
        settings=inputs.settings,
        provider=inputs.filters.get("provider", []),
    )
    rows = [
        WasteRow(
            rule=f.rule,
            title=f.title,
            provider=f.provider,
            account=f.account,
            region=f.region,
            resource=f.name or f.resource_id,
            monthly_savings=f.monthly_savings,
            currency=f.currency,
            upper_bound=f.upper_bound,
        )
        for f in findings.findings
    ]
    # Priced findings first, largest saving first, per currency; unpriced ones last.
    return sorted(
        rows,
        key=lambda r: (r.monthly_savings is None, r.currency or "", -(r.monthly_savings or 0)),
    )


def waste(inputs: ReportInputs, spec: ReportSection, result: SectionResult) -> None:
    """Waste findings with their monthly savings, and the savings total per currency."""
    rows = waste_rows(inputs)
    limit = spec.top or 25
    totals: dict[str, Decimal] = {}
    for row in rows:
        if row.monthly_savings is not None and row.currency:
            totals[row.currency] = totals.get(row.currency, Decimal(0)) + row.monthly_savings
    result.findings = rows[:limit]
    result.savings = [CurrencyTotal(currency=c, cost=v) for c, v in sorted(totals.items())]
    result.savings_at_most = sorted({r.currency for r in rows if r.upper_bound and r.currency})
    if not rows:
        raise NoDataError("no waste was found in the cached inventory")


PROVIDERS: dict[str, Callable[[ReportInputs, ReportSection, SectionResult], None]] = {
    "trend": trend,
    "providers": providers,
    "breakdown": breakdown,
    "movers": movers,
    "forecast": forecast,
    "waste": waste,
}


def build_section(inputs: ReportInputs, spec: ReportSection, index: int) -> SectionResult:
    """Fill one section; a NoDataError becomes its ``no_data`` reason."""
    result = SectionResult(
        id=f"s{index}-{spec.kind}", kind=spec.kind, title=section_title(spec), by=list(spec.by)
    )
    try:
        PROVIDERS[spec.kind](inputs, spec, result)
    except NoDataError as exc:
        result.status = "no_data"
        result.reason = exc.message
        result.charts, result.rows, result.findings, result.forecast = [], [], [], []
    return result
