"""``cloudspy forecast`` as a table, JSON or CSV."""

from __future__ import annotations

import json
from typing import Any

from cloudspy.models.insights import ForecastResult, ForecastSeries, ProviderForecast
from cloudspy.render.csv_out import write_csv
from cloudspy.render.fit import Column, fit_table
from cloudspy.render.money import human, machine

SCHEMA_VERSION = 1


def _window(window: Any) -> dict[str, str] | None:
    return None if window is None else {"start": str(window.start), "end": str(window.end)}


def _pct(value: Any) -> str | None:
    return None if value is None else str(value)


def _series_json(s: ForecastSeries) -> dict[str, Any]:
    return {
        "name": s.name,
        "group": s.group,
        "labels": s.labels,
        "is_total": s.is_total,
        "currency": s.currency,
        "month_to_date": machine(s.actual_to_date),
        "forecast": {
            "mean": machine(s.forecast),
            "lower": machine(s.lower),
            "upper": machine(s.upper),
        },
        "month_end": {
            "mean": machine(s.period_total),
            "lower": machine(s.period_lower),
            "upper": machine(s.period_upper),
        },
        "history": _window(s.history),
        "backtest": {
            "mape_pct": _pct(s.mape),
            "origins": s.backtest_origins,
            "days": s.backtest_days,
        },
        "provider_scope": s.provider_scope,
        "points": [
            {
                "day": str(p.day),
                "mean": machine(p.mean),
                "lower": machine(p.lower),
                "upper": machine(p.upper),
            }
            for p in s.points
        ],
    }


def _provider_json(f: ProviderForecast) -> dict[str, Any]:
    return {
        "provider": f.provider,
        "scope": f.scope,
        "source": f.source,
        "currency": f.currency,
        "window": _window(f.window),
        "forecast": {
            "mean": machine(f.forecast),
            "lower": machine(f.lower),
            "upper": machine(f.upper),
        },
        "month_rest": {
            "mean": machine(f.month_rest),
            "lower": machine(f.month_rest_lower),
            "upper": machine(f.month_rest_upper),
        },
        "month_end": machine(f.period_total),
        "interval_pct": f.interval_pct,
        "api_calls": f.api_calls,
        "api_cost": machine(f.api_cost),
        "api_cost_currency": f.api_cost_currency,
    }


def forecast_json(result: ForecastResult) -> str:
    """The documented JSON of ``cloudspy forecast`` (money as decimal strings)."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "horizon": {**(_window(result.horizon) or {}), "label": result.horizon_label},
        "history": _window(result.history),
        "month": _window(result.month),
        "month_to_date": _window(result.to_date),
        "metric": result.metric,
        "method": result.method,
        "interval_pct": result.interval_pct,
        "group_by": result.group_by,
        "series": [_series_json(s) for s in result.series if not s.is_total],
        "totals": [_series_json(s) for s in result.series if s.is_total],
        "provider_forecasts": [_provider_json(f) for f in result.provider_forecasts],
        "warnings": result.warnings,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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
