"""Forecast daily cost from its history: weekday factors × a robust weekly trend.

The method, dependency-free and in Decimal:

1. the last whole weeks of history (up to 8) are summed per week;
2. the trend is a Theil–Sen line through the weekly totals (the median of
   pairwise slopes), so one spike or credit week does not tilt it;
3. each weekday's factor is the median, over those weeks, of that day's cost
   divided by the trend's daily level on that day (weekends cost less);
4. a day's forecast is the trend's daily level × its weekday factor.

The prediction interval is empirical: the same method is back-tested on the
history (forecasts made 1, 2, 3 … weeks before its end), and the 10th and 90th
percentiles of the relative errors of those horizon sums widen the forecast
into an 80 % interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

MIN_HISTORY_DAYS = 14
TREND_WEEKS = 8
INTERVAL_PCT = 80
_LOW_Q, _HIGH_Q = Decimal("0.1"), Decimal("0.9")
MONEY = Decimal("0.0001")
METHOD = "weekday factors × Theil–Sen weekly trend; 80% interval from back-test errors"


@dataclass(frozen=True)
class Forecast:
    """A forecast horizon's daily values, sum and interval of the sum."""

    days: list[tuple[date, Decimal]]
    total: Decimal
    lower: Decimal
    upper: Decimal


def median(values: list[Decimal]) -> Decimal:
    """The median (mean of the middle two for an even count)."""
    ordered = sorted(values)
    n = len(ordered)
    mid = n // 2
    return ordered[mid] if n % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def quantile(values: list[Decimal], q: Decimal) -> Decimal:
    """The ``q`` quantile with linear interpolation between order statistics."""
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _trend(weekly: list[Decimal]) -> tuple[Decimal, Decimal]:
    """Theil–Sen intercept and slope of weekly totals over their index."""
    n = len(weekly)
    if n < 3:
        return median(weekly), Decimal(0)
    slopes = [(weekly[j] - weekly[i]) / (j - i) for i in range(n) for j in range(i + 1, n)]
    slope = median(slopes)
    intercept = median([w - slope * k for k, w in enumerate(weekly)])
    return intercept, slope


def _x(position: int) -> Decimal:
    """Week index of a day's centre (day 0 is the first history day), on the weekly scale."""
    return (Decimal(position) + Decimal("0.5")) / 7 - Decimal("0.5")


def _weekday_factors(
    days: list[date], values: list[Decimal], intercept: Decimal, slope: Decimal
) -> list[Decimal]:
    ratios: list[list[Decimal]] = [[] for _ in range(7)]
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        level = (intercept + slope * _x(i)) / 7
        if level > 0:
            ratios[day.weekday()].append(value / level)
    factors = [median(r) if r else Decimal(1) for r in ratios]
    scale = sum(factors) / 7
    return [f / scale for f in factors] if scale > 0 else [Decimal(1)] * 7


def forecast_days(history: list[Decimal], first_day: date, horizon: int) -> list[Decimal]:
    """Point forecasts for ``horizon`` days from ``first_day``; ``history`` ends the day before.

    Raises ValueError when the history is shorter than :data:`MIN_HISTORY_DAYS`.
    """
    if len(history) < MIN_HISTORY_DAYS:
        raise ValueError(f"a forecast needs at least {MIN_HISTORY_DAYS} days of history")
    weeks = min(len(history) // 7, TREND_WEEKS)
    values = history[-weeks * 7 :]
    start = first_day - timedelta(days=len(values))
    days = [start + timedelta(days=i) for i in range(len(values))]
    weekly = [sum(values[k * 7 : (k + 1) * 7], Decimal(0)) for k in range(weeks)]
    intercept, slope = _trend(weekly)
    factors = _weekday_factors(days, values, intercept, slope)
    never_negative = all(v >= 0 for v in values)
    out = []
    for offset in range(horizon):
        level = (intercept + slope * _x(len(values) + offset)) / 7
        if never_negative:
            level = max(level, Decimal(0))
        out.append(level * factors[(first_day + timedelta(days=offset)).weekday()])
    return out


@dataclass(frozen=True)
class Backtest:
    """One forecast made from an earlier origin, beside the actual days it covered."""

    origin: date
    predicted: list[Decimal]
    actual: list[Decimal]


def backtests(history: list[Decimal], first_day: date, horizon: int) -> list[Backtest]:
    """Forecasts from earlier origins, newest first, each with the days it can check.

    Origins step back a week at a time while at least :data:`MIN_HISTORY_DAYS`
    days remain before them; each forecasts up to ``horizon`` days it can check.
    """
    out = []
    n = len(history)
    back = 7
    while n - back >= MIN_HISTORY_DAYS:
        length = min(horizon, back)
        origin_day = first_day - timedelta(days=back)
        predicted = forecast_days(history[: n - back], origin_day, length)
        out.append(Backtest(origin_day, predicted, history[n - back : n - back + length]))
        back += 7
    return out


def backtest_errors(history: list[Decimal], first_day: date, horizon: int) -> list[Decimal]:
    """Relative errors (actual / forecast − 1) of horizon sums forecast from earlier origins."""
    errors = []
    for test in backtests(history, first_day, horizon):
        predicted = sum(test.predicted, Decimal(0))
        if predicted > 0:
            errors.append(sum(test.actual, Decimal(0)) / predicted - 1)
    return errors


def _in_sample_errors(history: list[Decimal], first_day: date, horizon: int) -> list[Decimal]:
    """Fallback when too few origins: daily errors of the last week, shrunk by √horizon."""
    week = history[-7:]
    predicted = forecast_days(history[:-7], first_day - timedelta(days=7), 7)
    root = Decimal(horizon).sqrt()
    return [(a / p - 1) / root for a, p in zip(week, predicted, strict=True) if p > 0]


def forecast(history: list[Decimal], first_day: date, horizon: int) -> Forecast:
    """Forecast ``horizon`` days from ``first_day`` with an 80 % interval for their sum."""
    points = forecast_days(history, first_day, horizon)
    total = sum(points, Decimal(0))
    errors = backtest_errors(history, first_day, horizon)
    if len(errors) < 3 and len(history) >= MIN_HISTORY_DAYS + 7:
        errors += _in_sample_errors(history, first_day, horizon)
    low = min(quantile(errors, _LOW_Q), Decimal(0)) if errors else Decimal(0)
    high = max(quantile(errors, _HIGH_Q), Decimal(0)) if errors else Decimal(0)
    bounds = sorted([total * (1 + low), total * (1 + high)])
    return Forecast(
        days=[(first_day + timedelta(days=i), p.quantize(MONEY)) for i, p in enumerate(points)],
        total=total.quantize(MONEY),
        lower=bounds[0].quantize(MONEY),
        upper=bounds[1].quantize(MONEY),
    )
