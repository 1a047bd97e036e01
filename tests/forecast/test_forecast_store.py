"""api.forecast over small stores with known answers: currencies, new groups, credits, gaps."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.errors import NoDataError, UsageError
from tests.insights.conftest import TODAY, daily

START = TODAY - timedelta(days=100)
DEC_1 = date(2026, 12, 1)


def by_name(result):
    return {(s.name, s.currency): s for s in result.series}


@pytest.fixture
def two_currencies(store_factory):
    """USD 100/day (EC2) and -10/day of credits; EUR 50/day on Azure; a service new 5 days ago."""
    rows = (
        daily(START, TODAY, "EC2", "100")
        + daily(START, TODAY, "Credits", "-10", charge="Credit")
        + daily(START, TODAY, "VM", "50", currency="EUR", provider="Microsoft")
        + daily(TODAY - timedelta(days=5), TODAY, "Lambda", "7")
    )
    return store_factory(rows, START)


def test_currencies_are_forecast_apart_and_never_summed(two_currencies):
    result = api.forecast(by=["provider"], db=two_currencies, today=TODAY)
    totals = {s.currency: s for s in result.series if s.is_total}
    assert set(totals) == {"EUR", "USD"}
    assert totals["EUR"].forecast == Decimal("1500.0000")  # 30 × 50
    # USD history: 90 a day (100 − 10 of credits) for 95 days, then +7 for 5 days.
    assert totals["USD"].actual_to_date == Decimal(24 * 90 + 5 * 7)
    assert totals["EUR"].actual_to_date == Decimal(24 * 50)
    assert totals["EUR"].period_total == Decimal("1500.0000")  # 24 spent + 6 forecast days
    groups = by_name(result)
    assert groups[("Microsoft", "EUR")].group == {"provider": "Microsoft"}
    assert ("AWS", "USD") in groups and ("AWS", "EUR") not in groups


def test_a_credit_group_is_forecast_negative_and_lowers_the_total(two_currencies):
    result = api.forecast(by=["service"], db=two_currencies, today=TODAY)
    groups = by_name(result)
    assert groups[("Credits", "USD")].forecast == Decimal("-300.0000")
    assert groups[("EC2", "USD")].forecast == Decimal("3000.0000")
    assert groups[("EC2", "USD")].mape == Decimal("0.0")


def test_a_new_group_is_not_forecast_but_counts_in_the_total(two_currencies):
    result = api.forecast(by=["service"], db=two_currencies, today=TODAY)
    assert ("Lambda", "USD") not in by_name(result)
    assert any("Lambda (USD) has 5 days of history" in w for w in result.warnings)
    total = next(s for s in result.series if s.is_total and s.currency == "USD")
    assert total.actual_to_date == Decimal(24 * 90 + 35)


def test_month_end_horizon_and_daily_points(two_currencies):
    result = api.forecast(horizon="month-end", by=[], db=two_currencies, today=TODAY)
    assert (result.horizon.start, result.horizon.end) == (TODAY, DEC_1)
    assert result.horizon_label == "month-end" and result.group_by == []
    eur = next(s for s in result.series if s.currency == "EUR")
    assert [p.day for p in eur.points] == [TODAY + timedelta(days=i) for i in range(6)]
    assert eur.forecast == Decimal("300.0000") and eur.period_total == Decimal("1500.0000")


def test_filters_and_metric(two_currencies):
    result = api.forecast(provider=["azure"], metric="effective", db=two_currencies, today=TODAY)
    assert {s.currency for s in result.series} == {"EUR"}
    assert result.metric == "EffectiveCost"


def test_by_team(store_factory):
    rows = daily(START, TODAY, "EC2", "60", account="acct-web") + daily(
        START, TODAY, "S3", "40", account="acct-x"
    )
    settings = Settings.model_validate({"teams": {"web": {"accounts": ["acct-web"]}}})
    result = api.forecast(
        by=["team"], db=store_factory(rows, START), settings=settings, today=TODAY
    )
    groups = by_name(result)
    assert groups[("web", "USD")].forecast == Decimal("1800.0000")
    assert groups[("unallocated", "USD")].forecast == Decimal("1200.0000")


def test_a_stale_cache_starts_the_forecast_after_its_last_day(store_factory):
    end = TODAY - timedelta(days=3)
    db = store_factory(daily(START, end, "EC2", "100"), START, end)
    result = api.forecast(by=[], db=db, today=TODAY)
    assert result.horizon.start == end
    assert any("the cache ends on 2026-11-21" in w for w in result.warnings)
    [total] = result.series
    # 21 days cached in November; the 9 days from Nov 22 are forecast.
    assert total.actual_to_date == Decimal(2100) and total.period_total == Decimal("3000.0000")


def test_too_short_a_history_says_how_many_days_exist(store_factory):
    db = store_factory(daily(TODAY - timedelta(days=10), TODAY, "EC2", "5"), TODAY - timedelta(10))
    with pytest.raises(NoDataError, match=r"only 10 days .* needs at least 14"):
        api.forecast(db=db, today=TODAY)


def test_nothing_cached_is_no_data(tmp_path):
    with pytest.raises(NoDataError):
        api.forecast(db=tmp_path / "none.duckdb", today=TODAY)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"horizon": "0d"}, "--horizon"),
        ({"horizon": "93d"}, "--horizon"),
        ({"horizon": "next-year"}, "--horizon"),
        ({"history": "13d"}, "--history"),
        ({"history": "3m"}, "--history"),
        ({"metric": "blended"}, "--metric"),
        ({"by": ["colour"]}, "colour"),
        ({"provider": ["ibm"]}, "ibm"),
    ],
)
def test_bad_arguments_are_usage_errors(two_currencies, kwargs, message):
    with pytest.raises(UsageError, match=message):
        api.forecast(db=two_currencies, today=TODAY, **kwargs)


def test_horizon_in_weeks(two_currencies):
    result = api.forecast(horizon="2w", by=[], db=two_currencies, today=TODAY)
    assert result.horizon.end == TODAY + timedelta(days=14)
