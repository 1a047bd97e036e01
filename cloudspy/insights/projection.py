"""``cloudspy forecast``: every group's (and each currency's total) forecast from the cache.

:func:`project` is pure: one daily history in, the horizon's daily points, the
horizon total and the month-end projection (each with its 80 % interval) and
the method's back-test error out. :func:`forecast_store` reads the histories
and month-to-date totals through :mod:`cloudspy.insights.cost_reads` and calls it.
The method itself lives in :mod:`cloudspy.insights.forecast`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from cloudspy.errors import NoDataError
from cloudspy.insights.cost_reads import (
    answerable_scopes,
    daily_series,
    full_series,
    require_complete,
    window_totals,
)
from cloudspy.insights.forecast import (
    INTERVAL_PCT,
    METHOD,
    MIN_HISTORY_DAYS,
    MONEY,
    Backtest,
    backtests,
    forecast,
    forecast_days,
    quantile,
)
from cloudspy.models.costs import WindowModel
from cloudspy.models.insights import ForecastPoint, ForecastResult, ForecastSeries
from cloudspy.periods import Window, add_months, month_start
from cloudspy.store.cost_queries import METRIC_COLUMNS, CostFilter, newest_day
from cloudspy.store.dimension import Dimension

if TYPE_CHECKING:
    import duckdb

_LOW_Q = Decimal(100 - INTERVAL_PCT) / 200
_HIGH_Q = 1 - _LOW_Q
PCT = Decimal("0.1")
Ident = tuple[tuple[str, ...], str]


@dataclass(frozen=True)
class Projection:
    """What :func:`project` found for one series (money rounded to 4 places)."""

    points: list[ForecastPoint]
    horizon: tuple[Decimal, Decimal, Decimal]
    period: tuple[Decimal, Decimal, Decimal]
    mape: Decimal | None
    origins: int
    checked_days: int


def mape(tests: list[Backtest]) -> tuple[Decimal | None, int, int]:
    """Mean absolute percentage error of the horizon sums of the longest back-tests.

    Only the back-tests that checked the most days count, so a 30-day forecast
    is judged on 30-day sums; a sum of zero cannot be judged and is left out.
    Returns (MAPE in percent or None, origins used, days each checked).
    """
    if not tests:
        return None, 0, 0
    longest = max(len(t.actual) for t in tests)
    errors = []
    for test in tests:
        actual = sum(test.actual, Decimal(0))
        if len(test.actual) == longest and actual:
            errors.append(abs(actual - sum(test.predicted, Decimal(0))) / abs(actual))
    if not errors:
        return None, 0, longest
    return (sum(errors, Decimal(0)) * 100 / len(errors)).quantize(PCT), len(errors), longest


def _daily_bounds(
    history: list[Decimal], tests: list[Backtest], origin: date
) -> tuple[Decimal, Decimal]:
    """Relative 10th/90th percentile errors of single days, from the back-tests.

    Falls back to last week's in-sample errors when no back-test could run.
    """
    ratios = [a / p - 1 for t in tests for a, p in zip(t.actual, t.predicted, strict=True) if p > 0]
    if not ratios and len(history) >= MIN_HISTORY_DAYS + 7:
        predicted = forecast_days(history[:-7], origin - timedelta(days=7), 7)
        ratios = [a / p - 1 for a, p in zip(history[-7:], predicted, strict=True) if p > 0]
    if not ratios:
        return Decimal(0), Decimal(0)
    return min(quantile(ratios, _LOW_Q), Decimal(0)), max(quantile(ratios, _HIGH_Q), Decimal(0))


def _scaled(part: Decimal, whole: Decimal, bound: Decimal) -> Decimal:
    return part if not whole else part * bound / whole


def project(
    history: list[Decimal],
    origin: date,
    horizon_end: date,
    month: Window,
    month_actual: Decimal,
) -> Projection:
    """Forecast ``[origin, horizon_end)`` and project ``month``'s total from ``history``.

    ``history`` holds one value per day and ends the day before ``origin``;
    ``month_actual`` is what ``month`` cost before ``origin``. The month-end
    projection is ``month_actual`` plus the forecast of the month's remaining
    days; when ``origin`` lies before the month (a stale cache), only the
    forecast days inside the month count. Raises ValueError when the history
    is shorter than :data:`MIN_HISTORY_DAYS`.
    """
    horizon = (horizon_end - origin).days
    ahead = forecast(history, origin, horizon)
    tests = backtests(history, origin, horizon)
    low, high = _daily_bounds(history, tests, origin)
    points = [
        ForecastPoint(
            day=day,
            mean=mean,
            lower=min(mean * (1 + low), mean * (1 + high)).quantize(MONEY),
            upper=max(mean * (1 + low), mean * (1 + high)).quantize(MONEY),
        )
        for day, mean in ahead.days
    ]
    rest_days = (month.end - origin).days
    if rest_days <= 0:
        period = (month_actual, month_actual, month_actual)
    else:
        rest = forecast(history, origin, rest_days)
        inside = sum((v for d, v in rest.days if d >= month.start), Decimal(0))
        period = (
            month_actual + inside,
            month_actual + _scaled(inside, rest.total, rest.lower),
            month_actual + _scaled(inside, rest.total, rest.upper),
        )
    error, origins, checked = mape(tests)
    return Projection(
        points=points,
        horizon=(ahead.total, ahead.lower, ahead.upper),
        period=tuple(v.quantize(MONEY) for v in period),  # type: ignore[arg-type]
        mape=error,
        origins=origins,
        checked_days=checked,
    )


def series_model(
    name: str,
    group: dict[str, str],
    currency: str,
    projection: Projection,
    history: Window,
    month_actual: Decimal,
    labels: dict[str, str] | None = None,
) -> ForecastSeries:
    """A :class:`ForecastSeries` from a projection."""
    total, lower, upper = projection.horizon
    p_total, p_lower, p_upper = projection.period
    return ForecastSeries(
        name=name,
        group=group,
        labels=labels or {},
        currency=currency,
        is_total=not group,
        actual_to_date=month_actual.quantize(MONEY),
        forecast=total,
        lower=lower,
        upper=upper,
        period_total=p_total,
        period_lower=p_lower,
        period_upper=p_upper,
        history=WindowModel(start=history.start, end=history.end),
        mape=projection.mape,
        backtest_origins=projection.origins,
        backtest_days=projection.checked_days,
        points=projection.points,
    )


@dataclass(frozen=True)
class ForecastRequest:
    """What to forecast: grouping, filters, metric, history length and horizon."""

    dims: list[Dimension]
    filters: CostFilter
    metric: str
    history_days: int
    horizon_days: int | None  # None: to the end of the month
    today: date


def _origin(conn: duckdb.DuckDBPyConnection, request: ForecastRequest) -> tuple[date, list[str]]:
    """The first day to forecast: today, or the day after the newest cached day."""
    newest = newest_day(conn, request.filters.providers)
    if newest is None:
        raise NoDataError(
            "no costs are cached", hint="run `cloudspy sync` or `cloudspy import FILE` first"
        )
    origin = min(request.today, newest + timedelta(days=1))
    notes = []
    if origin < request.today:
        notes.append(
            f"the cache ends on {newest}: the forecast starts on {origin}, "
            f"{(request.today - origin).days} days before today; run `cloudspy sync` first"
        )
    return origin, notes


def _too_short(days: int, request: ForecastRequest, origin: date) -> NoDataError:
    return NoDataError(
        f"only {days} days of cost history are cached in the {request.history_days} days "
        f"before {origin}; a forecast needs at least {MIN_HISTORY_DAYS}",
        hint="sync or import more history (e.g. `cloudspy sync --last 90d`)",
    )


def forecast_store(conn: duckdb.DuckDBPyConnection, request: ForecastRequest) -> ForecastResult:
    """Forecast every group of ``request.dims`` and each currency's total from the cache."""
    origin, warnings = _origin(conn, request)
    history = Window(origin - timedelta(days=request.history_days), origin)
    answerable_scopes(conn, history, request.dims, request.filters, request.metric)
    require_complete(conn, history, request.filters, "the forecast's history")
    month = Window(month_start(request.today), add_months(month_start(request.today), 1))
    to_date = Window(month.start, max(month.start, min(origin, month.end)))
    horizon_end = (
        month.end if request.horizon_days is None else origin + timedelta(days=request.horizon_days)
    )
    levels = [request.dims] if request.dims else []
    levels.append([])
    out: list[ForecastSeries] = []
    shortest: int | None = None
    for dims in levels:
        args = (request.filters, request.metric)
        actual = {(g.key, g.currency): g.cost for g in window_totals(conn, to_date, dims, *args)}
        labels = {(g.key, g.currency): g.labels for g in window_totals(conn, history, dims, *args)}
        for (key, currency), points in sorted(daily_series(conn, history, dims, *args).items()):
            span = Window(max(min(points), history.start), origin)
            group = dict(zip([d.name for d in dims], key, strict=True))
            name = " / ".join(key) or "total"
            if span.days < MIN_HISTORY_DAYS:
                if not dims:
                    shortest = span.days if shortest is None else max(shortest, span.days)
                warnings.append(
                    f"{name} ({currency}) has {span.days} days of history, fewer than the "
                    f"{MIN_HISTORY_DAYS} a forecast needs: not forecast"
                )
                continue
            spent = actual.get((key, currency), Decimal(0))
            projection = project(full_series(points, span), origin, horizon_end, month, spent)
            out.append(
                series_model(
                    name, group, currency, projection, span, spent, labels.get((key, currency))
                )
            )
    if not any(s.is_total for s in out):
        raise _too_short(shortest or 0, request, origin)
    out.sort(key=lambda s: (s.currency, s.is_total, -s.forecast, s.name))
    return ForecastResult(
        horizon=WindowModel(start=origin, end=horizon_end),
        history=WindowModel(start=history.start, end=history.end),
        to_date=WindowModel(start=to_date.start, end=to_date.end),
        month=WindowModel(start=month.start, end=month.end),
        horizon_label="month-end" if request.horizon_days is None else f"{request.horizon_days}d",
        metric=METRIC_COLUMNS[request.metric],
        method=METHOD,
        interval_pct=INTERVAL_PCT,
        group_by=[d.name for d in request.dims],
        series=out,
        warnings=warnings,
    )
