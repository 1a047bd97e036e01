"""Report charts with credits (#13 item 7): negative values are drawn below a zero line.

A group with a negative day drew bars outside the chart (the axis came from net
totals and negatives were dropped); the trend line showed negative days as 0.
Every shape must lie inside the plot area, negative parts below the zero line.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from cloudspy.reporting import svg

DAYS = [date(2026, 11, 1) + timedelta(days=i) for i in range(4)]
PLOT_TOP, PLOT_BOTTOM = svg.TOP, svg.HEIGHT - svg.BOTTOM


def _rects(markup: str) -> list[tuple[float, float]]:
    return [
        (float(y), float(h))
        for y, h in re.findall(
            r'<rect x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)"', markup
        )
    ][: len(DAYS) * 2]


def _zero_line(markup: str) -> float:
    [y] = re.findall(r'<line x1="\d+" y1="([^"]+)" x2="\d+" y2="[^"]+" stroke="#888888"', markup)
    return float(y)


def test_stacked_bars_with_credits_stay_inside_the_chart_and_go_below_zero():
    series = {
        "AWS": [Decimal(100), Decimal(120), Decimal(80), Decimal(90)],
        "Credits": [Decimal(-150), Decimal(0), Decimal(-20), Decimal(0)],
    }
    markup = svg.stacked_bars(DAYS, series, "USD")
    zero = _zero_line(markup)
    assert PLOT_TOP < zero < PLOT_BOTTOM
    rects = _rects(markup)
    for y, h in rects:
        assert h >= 0 and y >= PLOT_TOP - 0.1 and y + h <= PLOT_BOTTOM + 0.1
    # Day 1: the credit bar starts at zero and hangs below it; the usage bar sits above.
    usage, credit = rects[0], rects[1]
    assert abs(usage[0] + usage[1] - zero) < 0.2 and abs(credit[0] - zero) < 0.2
    assert credit[1] > usage[1]  # -150 is drawn taller than +100


def test_the_trend_line_draws_a_negative_day_below_zero():
    markup = svg.trend_chart(DAYS, [Decimal(50), Decimal(-30), Decimal(40), Decimal(45)], "EUR")
    zero = _zero_line(markup)
    [points] = re.findall(r'<polyline points="([^"]+)"', markup)
    ys = [float(p.split(",")[1]) for p in points.split()]
    assert ys[1] > zero > ys[0]  # pixel rows grow downward
    assert all(PLOT_TOP - 0.1 <= y <= PLOT_BOTTOM + 0.1 for y in ys)


def test_an_all_positive_chart_keeps_zero_at_the_bottom():
    markup = svg.trend_chart(DAYS, [Decimal(1), Decimal(2), Decimal(3), Decimal(4)], "USD")
    assert abs(_zero_line(markup) - PLOT_BOTTOM) < 0.1
