from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cloudspy.errors import UsageError
from cloudspy.periods import Window, add_months, parse_period, resolve_window

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("30d", date(2026, 10, 26), TODAY),
        ("7d", date(2026, 11, 18), TODAY),
        ("12w", date(2026, 9, 2), TODAY),
        ("3m", date(2026, 8, 25), TODAY),
        ("1y", date(2025, 11, 25), TODAY),
        ("mtd", date(2026, 11, 1), TODAY),
        ("ytd", date(2026, 1, 1), TODAY),
        ("last-month", date(2026, 10, 1), date(2026, 11, 1)),
        ("last-week", date(2026, 11, 16), date(2026, 11, 23)),
        (" 30D ", date(2026, 10, 26), TODAY),
    ],
)
def test_periods_are_whole_utc_days_before_today(text, start, end):
    assert parse_period(text, today=TODAY) == Window(start, end)


@pytest.mark.parametrize("text", ["30x", "0d", "d", "-5d", "", "30 days", "99999d", "lastmonth"])
def test_unknown_periods_are_usage_errors(text):
    with pytest.raises(UsageError):
        parse_period(text, today=TODAY)


def test_mtd_on_the_first_is_refused_not_empty():
    with pytest.raises(UsageError, match="first day"):
        parse_period("mtd", today=date(2026, 11, 1))


def test_since_until_is_half_open_and_ordered():
    assert resolve_window(since="2026-10-01", until="2026-11-01", today=TODAY) == Window(
        date(2026, 10, 1), date(2026, 11, 1)
    )
    with pytest.raises(UsageError, match="not before"):
        resolve_window(since="2026-11-02", until="2026-11-01", today=TODAY)
    with pytest.raises(UsageError, match="not a date"):
        resolve_window(since="2026-13-01", today=TODAY)
    with pytest.raises(UsageError, match="cannot be combined"):
        resolve_window(last="7d", since="2026-10-01", today=TODAY)


def test_previous_period_keeps_calendar_months():
    assert resolve_window(since="2026-10-01", until="2026-11-01", today=TODAY).previous() == Window(
        date(2026, 9, 1), date(2026, 10, 1)
    )
    assert Window(date(2026, 3, 1), date(2026, 3, 11)).previous() == Window(
        date(2026, 2, 19), date(2026, 3, 1)
    )


@given(st.integers(min_value=1, max_value=9999), st.dates(date(2001, 1, 1), date(2090, 1, 1)))
def test_nd_always_spans_n_days_ending_today(n, today):
    window = parse_period(f"{n}d", today=today)
    assert window.end == today
    assert window.days == n
    assert window.previous().end == window.start
    assert window.previous().days == n


@given(st.dates(date(2001, 1, 1), date(2090, 1, 1)), st.integers(min_value=-240, max_value=240))
def test_add_months_stays_a_valid_date_on_the_same_or_last_day(day, months):
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day <= day.day


@given(st.text(max_size=12))
def test_any_text_parses_or_gives_a_usage_error(text):
    try:
        window = parse_period(text, today=TODAY)
    except UsageError:
        return
    assert window.end <= TODAY + (window.end - window.start)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("last-month", date(2026, 9, 1), date(2026, 10, 1)),
        ("mtd", date(2026, 10, 1), date(2026, 10, 25)),
        ("ytd", date(2025, 1, 1), date(2025, 11, 25)),
        ("3m", date(2026, 5, 25), date(2026, 8, 25)),
        ("1y", date(2024, 11, 25), date(2025, 11, 25)),
        ("30d", date(2026, 9, 26), date(2026, 10, 26)),
    ],
)
def test_calendar_periods_compare_with_the_calendar_before(text, start, end):
    assert parse_period(text, today=TODAY).previous() == Window(start, end)


def test_a_day_window_that_happens_to_align_with_months_stays_in_days():
    """Hypothesis found 2191d ending on 2003-01-01: its previous period must be 2191 days."""
    window = parse_period("2191d", today=date(2003, 1, 1))
    assert window.previous().days == 2191


def test_cloudspy_now_pins_the_clock(monkeypatch):
    from cloudspy.clock import utc_now, utc_today

    monkeypatch.setenv("CLOUDSPY_NOW", "2026-02-03T04:05:06+01:00")
    assert utc_now().isoformat() == "2026-02-03T03:05:06"
    assert utc_today() == date(2026, 2, 3)
    assert parse_period("7d") == Window(date(2026, 1, 27), date(2026, 2, 3))
    monkeypatch.setenv("CLOUDSPY_NOW", "yesterday")
    with pytest.raises(UsageError, match="CLOUDSPY_NOW"):
        utc_today()
