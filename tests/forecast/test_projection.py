"""The pure forecast functions on series with known answers (issue #5)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudspy.insights.forecast import Backtest, forecast
from cloudspy.insights.projection import mape, project
from cloudspy.periods import Window

ORIGIN = date(2026, 11, 23)  # a Monday
NOVEMBER = Window(date(2026, 11, 1), date(2026, 12, 1))
# Weekdays cost full price, weekends much less (factors relative, any scale).
PATTERN = [Decimal(f) for f in ("1.2", "1.2", "1.2", "1.2", "1.1", "0.5", "0.6")]


def weekly_trend(day: date, origin: date) -> Decimal:
    """A linear trend (+0.5 a day from 100) times the weekday factor."""
    t = (day - origin).days + 84
    return (Decimal(100) + Decimal("0.5") * t) * PATTERN[day.weekday()]


def history_of(values_for, days: int = 84, origin: date = ORIGIN) -> list[Decimal]:
    start = origin - timedelta(days=days)
    return [values_for(start + timedelta(days=i)) for i in range(days)]


def test_a_weekly_pattern_with_a_linear_trend_is_forecast_almost_exactly():
    history = history_of(lambda d: weekly_trend(d, ORIGIN))
    result = project(history, ORIGIN, ORIGIN + timedelta(days=28), NOVEMBER, Decimal(0))
    truth = [weekly_trend(ORIGIN + timedelta(days=i), ORIGIN) for i in range(28)]
    for point, expected in zip(result.points, truth, strict=True):
        assert abs(point.mean / expected - 1) < Decimal("0.01"), point
    total = sum(truth, Decimal(0))
    assert abs(result.horizon[0] / total - 1) < Decimal("0.003")
    # Early back-test origins have under 3 weeks: no trend there, hence not 0.
    assert result.mape is not None and result.mape < Decimal("2")
    # Weekends stay low: the weekly pattern is kept, not averaged away.
    saturday = next(p for p in result.points if p.day.weekday() == 5)
    monday = next(p for p in result.points if p.day.weekday() == 0)
    assert saturday.mean < monday.mean / 2


def test_a_flat_series_is_flat_with_no_spread():
    history = [Decimal(100)] * 90
    result = project(history, ORIGIN, ORIGIN + timedelta(days=30), NOVEMBER, Decimal(2200))
    assert {p.mean for p in result.points} == {Decimal("100.0000")}
    assert all(p.lower == p.mean == p.upper for p in result.points)
    assert result.horizon == (Decimal("3000.0000"),) * 3
    # Month end: 22 days spent (2200) + the 8 days left of November at 100.
    assert result.period == (Decimal("3000.0000"),) * 3
    assert result.mape == Decimal("0.0") and result.origins == 6 and result.checked_days == 30


def test_a_credit_day_does_not_bend_the_forecast():
    credit_day = ORIGIN - timedelta(days=23)

    def values(day: date) -> Decimal:
        return Decimal(-200) if day == credit_day else Decimal(100)

    result = project(history_of(values), ORIGIN, ORIGIN + timedelta(days=30), NOVEMBER, Decimal(0))
    assert result.horizon[0] == Decimal("3000.0000")
    assert result.mape is not None and result.mape > 0  # the credit week is judged


def test_a_series_of_credits_stays_negative():
    result = project(
        [Decimal(-10)] * 60, ORIGIN, ORIGIN + timedelta(days=30), NOVEMBER, Decimal(-220)
    )
    assert result.horizon == (Decimal("-300.0000"),) * 3
    assert result.period[0] == Decimal("-300.0000")  # -220 so far, 8 more days of -10


def test_month_end_from_a_stale_origin_counts_only_the_month():
    origin = date(2026, 10, 29)
    result = project([Decimal(100)] * 60, origin, origin + timedelta(days=30), NOVEMBER, Decimal(0))
    assert result.period[0] == Decimal("3000.0000")  # Oct 29–31 are not November's


def test_the_interval_widens_with_noise_and_contains_the_mean():
    history = history_of(lambda d: Decimal(100 + (d.toordinal() * 37) % 23))
    result = project(history, ORIGIN, ORIGIN + timedelta(days=30), NOVEMBER, Decimal(0))
    total, lower, upper = result.horizon
    assert lower < total < upper
    assert all(p.lower <= p.mean <= p.upper for p in result.points)
    assert any(p.lower < p.upper for p in result.points)


def test_too_short_a_history_is_refused():
    with pytest.raises(ValueError, match="at least 14 days"):
        project([Decimal(1)] * 13, ORIGIN, ORIGIN + timedelta(days=7), NOVEMBER, Decimal(0))
    assert forecast([Decimal(1)] * 14, ORIGIN, 7).total == Decimal("7.0000")


def test_mape_judges_the_longest_backtests_only():
    tests = [
        Backtest(ORIGIN, [Decimal(90)], [Decimal(100)]),  # 10 % off
        Backtest(ORIGIN, [Decimal(220)], [Decimal(200)]),  # 10 % off
        Backtest(ORIGIN, [Decimal(0), Decimal(0)], [Decimal(50), Decimal(50)]),  # 100 % off
        Backtest(ORIGIN, [Decimal(1), Decimal(1)], [Decimal(1), Decimal(1)]),  # exact
    ]
    assert mape(tests) == (Decimal("50.0"), 2, 2)
    assert mape(tests[:2]) == (Decimal("10.0"), 2, 1)
    assert mape([]) == (None, 0, 0)
    assert mape([Backtest(ORIGIN, [Decimal(5)], [Decimal(0)])]) == (None, 0, 1)
