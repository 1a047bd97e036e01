"""The two windows a comparison or a check looks at: this period and the one before.

Complete periods by default (last whole ISO week or calendar month); ``partial``
compares the period to date with the same number of days of the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from cloudspy.errors import UsageError
from cloudspy.periods import Window, add_months, month_start, parse_day

PERIODS = ("week", "month")


@dataclass(frozen=True)
class PeriodPair:
    """This period and the one it is compared with, with a label for people."""

    period: str
    current: Window
    previous: Window
    label: str
    partial: bool = False
    note: str | None = None


def period_start(period: str, day: date) -> date:
    """The first day of the ISO week (Monday) or month containing ``day``."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    return month_start(day)


def next_period_start(period: str, start: date) -> date:
    """The first day of the period after the one starting ``start``."""
    return start + timedelta(weeks=1) if period == "week" else add_months(start, 1)


def _previous_start(period: str, start: date) -> date:
    return start - timedelta(weeks=1) if period == "week" else add_months(start, -1)


def _name(period: str, start: date) -> str:
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return start.strftime("%Y-%m")


def period_pair(period: str, today: date, *, partial: bool = False) -> PeriodPair:
    """The last complete ``period`` and the one before, or (``partial``) this one to date."""
    if period not in PERIODS:
        raise UsageError(f"unknown --period {period!r}", hint="use week or month")
    this_start = period_start(period, today)
    if not partial:
        cur_start = _previous_start(period, this_start)
        prev_start = _previous_start(period, cur_start)
        return PeriodPair(
            period,
            Window(cur_start, this_start),
            Window(prev_start, cur_start),
            f"{_name(period, cur_start)} vs {_name(period, prev_start)}",
        )
    days = (today - this_start).days
    if days == 0:
        raise UsageError(
            f"the {period} began today: there is no {period}-to-date yet",
            hint="drop --partial to compare the last complete periods",
        )
    prev_start = _previous_start(period, this_start)
    prev_end = min(prev_start + timedelta(days=days), this_start)
    full = (next_period_start(period, this_start) - this_start).days
    return PeriodPair(
        period,
        Window(this_start, today),
        Window(prev_start, prev_end),
        f"{_name(period, this_start)} to date vs {_name(period, prev_start)} (same days)",
        partial=True,
        note=f"partial period: {days} of {full} days, compared with the first "
        f"{prev_end.toordinal() - prev_start.toordinal()} days of the previous {period}",
    )


def explicit_pair(
    since: str,
    until: str,
    against_since: str | None,
    against_until: str | None,
    today: date,
) -> PeriodPair:
    """Two explicit windows; the baseline defaults to the equal period just before."""
    from cloudspy.periods import resolve_window

    current = resolve_window(None, since, until, today=today)
    if against_since or against_until:
        if not (against_since and against_until):
            raise UsageError("--against-since and --against-until go together")
        previous = Window(
            parse_day(against_since, "--against-since"), parse_day(against_until, "--against-until")
        )
        if previous.days == 0:
            raise UsageError("the --against window is empty")
    else:
        previous = current.previous()
    return PeriodPair(
        "custom",
        current,
        previous,
        f"{current.start}…{current.end} vs {previous.start}…{previous.end} (end exclusive)",
    )
