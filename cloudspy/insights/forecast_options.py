"""``--horizon`` and ``--history`` of ``cloudspy forecast``: validated day counts."""

from __future__ import annotations

import re

from cloudspy.errors import UsageError
from cloudspy.insights.forecast import MIN_HISTORY_DAYS

MAX_HORIZON_DAYS = 92  # about three months: further out, a daily forecast says little
MAX_HISTORY_DAYS = 730
MONTH_END = ("month-end", "eom")
_SPAN = re.compile(r"^(?P<n>[1-9][0-9]{0,3})(?P<unit>[dw])$")


def _days(text: str) -> int | None:
    match = _SPAN.match(text.strip().lower())
    if not match:
        return None
    return int(match["n"]) * (7 if match["unit"] == "w" else 1)


def parse_horizon(text: str) -> int | None:
    """Days to forecast from today, or None for "to the end of this month"."""
    if text.strip().lower() in MONTH_END:
        return None
    days = _days(text)
    if days is None or days > MAX_HORIZON_DAYS:
        raise UsageError(
            f"unknown --horizon {text!r}",
            hint=f"use Nd or Nw up to {MAX_HORIZON_DAYS} days (e.g. 30d), or month-end",
        )
    return days


def parse_history(text: str) -> int:
    """Days of history the forecast learns from."""
    days = _days(text)
    if days is None or not MIN_HISTORY_DAYS <= days <= MAX_HISTORY_DAYS:
        raise UsageError(
            f"unknown --history {text!r}",
            hint=f"use Nd or Nw between {MIN_HISTORY_DAYS} and {MAX_HISTORY_DAYS} days (e.g. 90d)",
        )
    return days
