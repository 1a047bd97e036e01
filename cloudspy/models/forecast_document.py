"""The documented JSON of a forecast (``schema_version`` 1), which the model itself writes.

``cloudspy forecast --format json``, ``/api/v1/forecast`` and
``ForecastResult.model_dump_json()`` are one contract (#13): money as exact decimal
strings, each horizon and month-end figure with its interval nested, totals apart.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudspy.money import machine

if TYPE_CHECKING:
    from cloudspy.models.insights import ForecastResult, ForecastSeries, ProviderForecast

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


def forecast_document(result: ForecastResult) -> dict[str, Any]:
    """The documented JSON value of a forecast (money as exact decimal strings)."""
    return {
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
