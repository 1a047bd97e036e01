"""``cloudspy forecast`` as a table, JSON or CSV."""

from __future__ import annotations

import json
from typing import Any

from cloudspy.models.insights import ForecastResult, ForecastSeries
from cloudspy.money import human, machine
from cloudspy.render.csv_out import write_csv
from cloudspy.render.fit import Column, fit_table


def _pct(value: Any) -> str | None:
    return None if value is None else str(value)


def forecast_json(result: ForecastResult) -> str:
    """The JSON of ``cloudspy forecast``: the model's own JSON (schema_version 1,
    docs/forecast.md), indented."""
    from cloudspy.models.forecast_document import forecast_document

    return json.dumps(forecast_document(result), indent=2, ensure_ascii=False) + "\n"


def forecast_csv(result: ForecastResult) -> str:
    """One line per series: its group columns (empty for a total), the sums and intervals."""
    header = [
        *result.group_by,
        "currency",
        "is_total",
        "month_to_date",
        "forecast",
        "forecast_lower",
        "forecast_upper",
        "month_end",
        "month_end_lower",
        "month_end_upper",
        "mape_pct",
    ]
    rows = [
        [
            *[s.group.get(g, "") for g in result.group_by],
            s.currency,
            str(s.is_total).lower(),
            machine(s.actual_to_date),
            machine(s.forecast),
            machine(s.lower),
            machine(s.upper),
            machine(s.period_total),
            machine(s.period_lower),
            machine(s.period_upper),
            _pct(s.mape),
        ]
        for s in result.series
    ]
    return write_csv(header, rows)


def _range(mean: Any, lower: Any, upper: Any, currency: str) -> str:
    if lower is None or upper is None:
        return human(mean, currency)
    return f"{human(mean, currency)} ({human(lower, currency)} – {human(upper, currency)})"


def _provider_cell(result: ForecastResult, s: ForecastSeries) -> str:
    for f in result.provider_forecasts:
        if s.provider_scope and f.scope == s.provider_scope and f.currency == s.currency:
            text = _range(f.forecast, f.lower, f.upper, f.currency)
            if f.period_total is not None:
                text += f"; month end {human(f.period_total, f.currency)}"
            return text
    return ""


def forecast_table(result: ForecastResult, *, width: int = 120, wide: bool = False) -> Any:
    """Per group and currency, then each currency's total; fitted to ``width`` (#15)."""
    title = (
        f"{result.metric} forecast {result.horizon.start} → {result.horizon.end} "
        f"({result.horizon_label}, end exclusive), {result.interval_pct}% intervals; "
        f"history {result.history.start} → {result.history.end}"
    )
    columns = [
        Column(" / ".join(result.group_by).capitalize() or "Scope", "text", minimum=14),
        Column("Currency", "fixed", drop=5),
        Column("Month to date", "money", drop=3),
        Column(f"Forecast {result.horizon_label}", "money"),
        Column("Projected month end", "money", drop=2),
        Column("Back-test MAPE", "number", drop=4),
    ]
    with_provider = bool(result.provider_forecasts)
    if with_provider:
        columns.append(Column("Provider's own forecast", "text", drop=6, minimum=16))
    rows: list[list[str]] = []
    totals: list[list[str]] = []
    for s in result.series:
        cells = [
            f"Total {s.currency}" if s.is_total else s.name,
            s.currency,
            human(s.actual_to_date, s.currency),
            _range(s.forecast, s.lower, s.upper, s.currency),
            _range(s.period_total, s.period_lower, s.period_upper, s.currency),
            "—" if s.mape is None else f"{s.mape}%",
        ]
        if with_provider:
            cells.append(str(_provider_cell(result, s)))
        (totals if s.is_total else rows).append(cells)
    return fit_table(
        columns, rows, width=width, wide=wide, title=title, caption=result.method, totals=totals
    )


def provider_table(result: ForecastResult) -> Any | None:
    """The providers' own forecasts, one row per scope (None when there are none)."""
    if not result.provider_forecasts:
        return None
    from rich.table import Table

    table = Table(title="Providers' own forecasts", title_justify="left")
    for name in ("Provider", "Scope", "Window", "Forecast", "Rest of month", "Month end"):
        table.add_column(name, no_wrap=True)
    for f in result.provider_forecasts:
        window = f"{f.window.start} → {f.window.end}" if f.window else ""
        rest = (
            "—"
            if f.month_rest is None
            else _range(f.month_rest, f.month_rest_lower, f.month_rest_upper, f.currency)
        )
        table.add_row(
            f.provider,
            f.scope,
            window,
            _range(f.forecast, f.lower, f.upper, f.currency),
            rest,
            "—" if f.period_total is None else human(f.period_total, f.currency),
        )
    return table
