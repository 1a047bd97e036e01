"""Off-hours suggestions on synthetic hourly series with known idle windows, and noisy ones."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from cloudspy.insights.schedule import suggest_offhours

UTC_ZONE = ZoneInfo("UTC")
START = datetime(2026, 6, 1)  # a Monday; no DST change in the next four weeks


def series(busy, weeks: int = 4, tz: ZoneInfo = UTC_ZONE, seed: int = 7):
    """Hourly (naive UTC, cpu) samples; ``busy(local_dt)`` says when the VM works."""
    rng = random.Random(seed)
    out = []
    for hour in range(weeks * 7 * 24):
        ts = START + timedelta(hours=hour)
        local = ts.replace(tzinfo=UTC).astimezone(tz)
        cpu = rng.uniform(30, 80) if busy(local) else rng.uniform(0.1, 3.0)
        out.append((ts, cpu))
    return out


def office(local: datetime) -> bool:
    return local.weekday() < 5 and 7 <= local.hour < 19


def test_office_hours_give_weeknights_and_weekends_off():
    found = suggest_offhours(series(office), UTC_ZONE)
    assert found is not None
    assert (found.pattern, found.off_hour, found.on_hour) == ("weeknights-and-weekends", 19, 7)
    assert found.hours_off_per_week == 168 - 5 * 12
    assert found.hours_saved_per_month() == Decimal("468.0")
    assert found.custodian_tag("UTC") == "off=[(M-F,19)];on=[(M-F,7)];tz=UTC"
    assert found.weeks_observed == 4


def test_hours_are_local_to_the_requested_timezone():
    berlin = ZoneInfo("Europe/Berlin")
    found = suggest_offhours(series(office, tz=berlin), berlin)
    assert (found.off_hour, found.on_hour) == (19, 7)
    in_utc = suggest_offhours(series(office, tz=berlin), UTC_ZONE)
    assert (in_utc.off_hour, in_utc.on_hour) == (17, 5)  # CEST is UTC+2 in June


def test_a_vm_busy_every_day_gets_nights_off():
    found = suggest_offhours(series(lambda t: 9 <= t.hour < 22), UTC_ZONE)
    assert (found.pattern, found.off_hour, found.on_hour) == ("every-night", 22, 9)
    assert found.hours_off_per_week == 7 * 11


def test_noisy_series_get_no_schedule():
    rng = random.Random(3)
    noisy = [(START + timedelta(hours=h), rng.uniform(0, 100)) for h in range(28 * 24)]
    assert suggest_offhours(noisy, UTC_ZONE) is None
    # Mostly quiet, but bursts at random hours of every day: no hour is reliably idle.
    bursty = [(ts, 60.0 if rng.random() < 0.15 else cpu) for ts, cpu in series(lambda t: False)]
    assert suggest_offhours(bursty, UTC_ZONE) is None


def test_one_busy_night_a_week_breaks_that_window():
    def with_backup(local: datetime) -> bool:
        return office(local) or (local.weekday() == 2 and local.hour == 23)

    found = suggest_offhours(series(with_backup), UTC_ZONE)
    # Any evening start would switch the VM off during Wednesday's 23:00 backup.
    assert (found.pattern, found.off_hour, found.on_hour) == ("every-night", 0, 7)
    assert found.hours_off_per_week == 7 * 7


def test_always_idle_or_too_short_history_gets_no_schedule():
    assert suggest_offhours(series(lambda t: False), UTC_ZONE) is None
    assert suggest_offhours(series(office, weeks=1), UTC_ZONE) is None
    assert suggest_offhours([], UTC_ZONE) is None
