"""Off-hours schedules from hourly utilization: when does a VM sit idle, every week?

Each hour of the week (Monday 00:00 … Sunday 23:00, in the chosen time zone)
is *idle* when every sample seen in that hour over the observed weeks is at or
below the idle CPU threshold, and at least ``min_weeks`` weeks were observed.
Two Cloud Custodian offhours patterns are then searched for the off/on hours
that switch the VM off for the most idle hours, never across a busy one:

* ``weeknights-and-weekends``: ``off=[(M-F,X)];on=[(M-F,Y)]`` — off every weekday
  evening, on every weekday morning, so it stays off from Friday evening to Monday.
* ``every-night``: ``off=[(M-U,X)];on=[(M-U,Y)]`` — off and on every day.

A VM idle around the clock gets no schedule (it is an idle VM: see ``idle-vm``);
a noisy one gets none because some hour of every candidate window was busy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

HOURS_PER_WEEK = 168
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
PATTERNS = {
    "weeknights-and-weekends": ((0, 1, 2, 3, 4), "M-F"),
    "every-night": ((0, 1, 2, 3, 4, 5, 6), "M-U"),
}


@dataclass(frozen=True)
class OffHours:
    """A schedule found for one VM (hours are local to ``timezone``)."""

    pattern: str
    off_hour: int
    on_hour: int
    hours_off_per_week: int
    weeks_observed: int

    def custodian_tag(self, timezone: str) -> str:
        """The Cloud Custodian ``offhours`` tag value for this schedule."""
        days = PATTERNS[self.pattern][1]
        return f"off=[({days},{self.off_hour})];on=[({days},{self.on_hour})];tz={timezone}"

    def hours_saved_per_month(self) -> Decimal:
        """Hours switched off in an average month (52 weeks / 12)."""
        return (self.hours_off_per_week * WEEKS_PER_MONTH).quantize(Decimal("0.1"))


def idle_hours_of_week(
    samples: Iterable[tuple[datetime, float]],
    tz: ZoneInfo,
    *,
    idle_cpu_percent: float,
    min_weeks: int,
) -> tuple[list[bool], int]:
    """Which of the 168 local hours of the week are idle, and how many weeks were seen."""
    peak: dict[int, float] = defaultdict(float)
    seen: dict[int, set[tuple[int, int]]] = defaultdict(set)
    weeks: set[tuple[int, int]] = set()
    for ts, value in samples:
        moment = ts if ts.tzinfo else ts.replace(tzinfo=UTC)
        local = moment.astimezone(tz)
        slot = local.weekday() * 24 + local.hour
        week = local.isocalendar()[:2]
        peak[slot] = max(peak[slot], value)
        seen[slot].add(week)
        weeks.add(week)
    idle = [len(seen[s]) >= min_weeks and peak[s] <= idle_cpu_percent for s in range(168)]
    return idle, len(weeks)


def _off_hours(idle: list[bool], days: tuple[int, ...], off: int, on: int) -> int | None:
    """Hours off per week for off/on events on ``days``; None if one of them is busy."""
    off_events = {d * 24 + off for d in days}
    on_events = {d * 24 + on for d in days}
    hours: set[int] = set()
    for start in off_events:
        slot = start
        while slot not in on_events and slot not in hours:
            if not idle[slot]:
                return None
            hours.add(slot)
            slot = (slot + 1) % HOURS_PER_WEEK
            if slot == start:
                return None
    return len(hours)


def suggest_offhours(
    samples: Iterable[tuple[datetime, float]],
    tz: ZoneInfo,
    *,
    idle_cpu_percent: float = 5.0,
    min_weeks: int = 2,
    min_hours_off_per_week: int = 20,
    max_idle_share: float = 0.95,
) -> OffHours | None:
    """The schedule that switches the VM off for the most idle hours, or None."""
    idle, weeks = idle_hours_of_week(
        samples, tz, idle_cpu_percent=idle_cpu_percent, min_weeks=min_weeks
    )
    if weeks < min_weeks or sum(idle) >= max_idle_share * HOURS_PER_WEEK:
        return None
    best: OffHours | None = None
    for pattern, (days, _) in PATTERNS.items():
        for off in range(24):
            if not all(idle[d * 24 + off] for d in days):
                continue
            for on in range(24):
                if on == off:
                    continue
                hours = _off_hours(idle, days, off, on)
                if hours is None or hours < min_hours_off_per_week:
                    continue
                if best is None or hours > best.hours_off_per_week:
                    best = OffHours(pattern, off, on, hours, weeks)
    return best
