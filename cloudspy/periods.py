"""Turn "30d", "12w", "3m", "mtd", "last-month", --since/--until into UTC windows.

A :class:`Window` is half-open, ``[start, end)``, in whole UTC days. ``--last Nd``
is the N whole days before today: today's partial day is left out, because the
providers have not finished billing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from cloudspy.errors import UsageError

_RELATIVE = re.compile(r"^(?P<n>[1-9][0-9]{0,3})(?P<unit>[dwmy])$")
NAMED_PERIODS = ("mtd", "ytd", "last-month", "last-week", "this-month", "today")
PERIOD_HELP = "Nd, Nw, Nm, Ny, mtd, ytd, last-month, last-week"
# Days given or reached by a period must lie in this range: no cloud bill is older, and
# derived windows (the previous period before a long one) then stay inside what
# `date` can hold — `--since 1000-01-01` and `--last 9999y` crashed with
# OverflowError before (#7).
EARLIEST_DAY = date(1970, 1, 1)
LATEST_DAY = date(2199, 12, 31)


def check_day_range(day: date, what: str) -> date:
    """``day``, or a usage error when it lies outside EARLIEST_DAY … LATEST_DAY."""
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise UsageError(
            f"{what} {day} is outside the supported range",
            hint=f"use a day from {EARLIEST_DAY} to {LATEST_DAY}",
        )
    return day


def utc_today() -> date:
    """Today's date in UTC (the billing day the providers use; ``CLOUDSPY_NOW`` pins it)."""
    from cloudspy.clock import utc_today as today

    return today()


@dataclass(frozen=True)
class Window:
    """A half-open range of whole UTC days: ``start`` included, ``end`` excluded."""

    start: date
    end: date
    # "month" for calendar periods (last-month, mtd, 3m, ytd …): their previous
    # period is the same stretch of the calendar one step back, not equal days.
    unit: str = field(default="day", compare=False)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UsageError(
                f"the window ends ({self.end}) before it starts ({self.start})",
                hint="--since must be earlier than --until",
            )

    @property
    def days(self) -> int:
        """How many days the window spans."""
        return (self.end - self.start).days

    def previous(self) -> Window:
        """The period just before: equal days, or for calendar periods the months before.

        ``last-month`` compares with the month before it, ``mtd`` with the same days
        of the previous month, ``ytd`` and ``Ny`` with the year before.
        """
        if self.unit in ("month", "year"):
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            months = 12 if self.unit == "year" else max(months, 1)
            return Window(
                add_months(self.start, -months), add_months(self.end, -months), unit=self.unit
            )
        return Window(self.start - timedelta(days=self.days), self.start)

    def each_day(self) -> list[date]:
        """Every day in the window, in order."""
        return [self.start + timedelta(days=i) for i in range(self.days)]

    def __str__(self) -> str:
        return f"{self.start.isoformat()} – {self.end.isoformat()} (end exclusive)"


def add_months(day: date, months: int) -> date:
    """The same day-of-month ``months`` later (clamped to the month's last day)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def parse_period(text: str, *, today: date | None = None) -> Window:
    """Parse a relative or named period into a window ending today (exclusive).

    >>> parse_period("7d", today=date(2026, 11, 25))
    Window(start=datetime.date(2026, 11, 18), end=datetime.date(2026, 11, 25), unit='day')
    """
    today = today or utc_today()
    value = text.strip().lower()
    match = _RELATIVE.match(value)
    if match:
        n, unit = int(match["n"]), match["unit"]
        # Checked before the arithmetic: 9999y would pass year 1 and raise ValueError.
        if n * {"d": 1, "w": 7, "m": 28, "y": 365}[unit] > (today - EARLIEST_DAY).days:
            raise UsageError(
                f"period {text!r} reaches back before {EARLIEST_DAY}", hint="use a shorter one"
            )
        if unit == "d":
            start = today - timedelta(days=n)
        elif unit == "w":
            start = today - timedelta(weeks=n)
        elif unit == "m":
            start = add_months(today, -n)
        else:
            start = add_months(today, -12 * n)
        check_day_range(start, f"period {text!r} starts on")
        return Window(start, today, unit="day" if unit in "dw" else "month")
    if value in ("mtd", "this-month"):
        start = month_start(today)
        if start == today:
            raise UsageError(
                "month-to-date is empty on the first day of the month",
                hint="use --last 1d or last-month",
            )
        return Window(start, today, unit="month")
    if value == "ytd":
        start = date(today.year, 1, 1)
        if start == today:
            raise UsageError("year-to-date is empty on January 1st", hint="use last-month")
        return Window(start, today, unit="year")
    if value == "last-month":
        end = month_start(today)
        return Window(add_months(end, -1), end, unit="month")
    if value == "last-week":
        this_monday = today - timedelta(days=today.weekday())
        return Window(this_monday - timedelta(weeks=1), this_monday)
    if value == "today":
        return Window(today, today + timedelta(days=1))
    raise UsageError(f"unknown period {text!r}", hint=f"use one of {PERIOD_HELP}")


def parse_day(text: str, option: str) -> date:
    """Parse a ``YYYY-MM-DD`` date given to ``option``."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None
    return check_day_range(day, option)


def resolve_window(
    last: str | None = None,
    since: str | None = None,
    until: str | None = None,
    *,
    default: str = "30d",
    today: date | None = None,
) -> Window:
    """The window asked for by ``--last`` or ``--since/--until`` (not both)."""
    today = today or utc_today()
    if last and (since or until):
        raise UsageError(
            "--last cannot be combined with --since/--until", hint="use one or the other"
        )
    if since or until:
        start = parse_day(since, "--since") if since else None
        end = parse_day(until, "--until") if until else today
        if start is None:
            raise UsageError("--until needs --since", hint="give both, e.g. --since 2026-10-01")
        if start >= end:
            raise UsageError(
                f"--since {start} is not before --until {end}",
                hint="--until is exclusive: the window is [since, until)",
            )
        return Window(start, end, unit="month" if start.day == end.day == 1 else "day")
    return parse_period(last or default, today=today)
