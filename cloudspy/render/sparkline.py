"""Unicode sparklines for a row's trend."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[Decimal]) -> str:
    """One bar per value, scaled between the series' min and max."""
    if not values:
        return ""
    low, high = min(values), max(values)
    if high == low:
        return (BARS[0] if high == 0 else BARS[3]) * len(values)
    span = high - low
    return "".join(BARS[int((v - low) / span * (len(BARS) - 1))] for v in values)
