"""Hand-written SVG charts drawn from aggregated data (no browser, no network, no JS).

Every text that reaches the markup — provider names, currency codes, dates —
passes through :func:`xml.sax.saxutils.escape`, so a hostile name is text.
Amounts are plotted as floats (pixels), labelled from the exact Decimals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from cloudspy.money import human

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 14, 44
# Colour-blind-safe palette (Okabe–Ito), then greys for the long tail.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
    "#666666",
    "#333333",
)


def _axis(low: float, high: float) -> tuple[float, float, list[float]]:
    """A rounded axis from ``low`` (≤ 0) to ``high`` (≥ 0) and its gridlines, zero among them.

    Credits and refunds make days negative: they are drawn below a zero line, never
    clipped to zero or outside the chart (#13).
    """
    low, high = min(low, 0.0), max(high, 0.0)
    span = high - low
    if span <= 0:
        return 0.0, 1.0, [0.0, 1.0]
    raw = span / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    lo = math.floor(low / step) * step
    hi = math.ceil(high / step) * step
    count = round((hi - lo) / step)
    return lo, hi, [lo + step * i for i in range(count + 1)]


def _y(value: float, lo: float, hi: float) -> float:
    """The pixel row of ``value`` on an axis from ``lo`` to ``hi``."""
    plot_h = HEIGHT - TOP - BOTTOM
    return TOP + plot_h * (hi - value) / (hi - lo)


def _frame(title: str, currency: str, lo: float, hi: float, ticks: list[float]) -> list[str]:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = _y(tick, lo, hi)
        zero = abs(tick) < 1e-12
        colour, width = ("#888888", 1.5) if zero else ("#dddddd", 1)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"'
            f' stroke="{colour}" stroke-width="{width}"/>'
        )
        label = human(Decimal(str(round(tick, 2))), currency)
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end"'
            f' fill="#555555">{escape(label)}</text>'
        )
    return parts


def _x_labels(days: Sequence[date], x_of: dict[int, float]) -> list[str]:
    step = max(1, len(days) // 8)
    parts = []
    for i in range(0, len(days), step):
        parts.append(
            f'<text x="{x_of[i]:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="10"'
            f' text-anchor="middle" fill="#555555">{escape(days[i].strftime("%d %b"))}</text>'
        )
    return parts


def trend_chart(days: Sequence[date], values: Sequence[Decimal], currency: str) -> str:
    """A filled line of the daily total of one currency (negative days below zero)."""
    title = f"Daily cost ({currency})"
    floats = [float(v) for v in values]
    lo, hi, ticks = _axis(min(floats, default=0.0), max(floats, default=0.0))
    parts = _frame(title, currency, lo, hi, ticks)
    plot_w = WIDTH - LEFT - RIGHT
    n = max(len(values) - 1, 1)
    x_of = {i: LEFT + plot_w * i / n for i in range(len(values))}
    points = " ".join(f"{x_of[i]:.1f},{_y(v, lo, hi):.1f}" for i, v in enumerate(floats))
    if values:
        zero = _y(0.0, lo, hi)
        area = f"{x_of[0]:.1f},{zero:.1f} {points} {x_of[len(values) - 1]:.1f},{zero:.1f}"
        parts.append(f'<polygon points="{area}" fill="#0072B2" fill-opacity="0.15"/>')
        parts.append(f'<polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="2"/>')
    parts += _x_labels(days, x_of)
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(days: Sequence[date], series: dict[str, Sequence[Decimal]], currency: str) -> str:
    """Daily bars of one currency, stacked by group (e.g. provider), with a legend."""
    title = f"Daily cost by provider ({currency})"
    # Positive parts stack up from zero, negative ones (credits) down from it; the axis
    # spans the tallest stack each way, not the net total.
    ups = [sum(max(float(v[i]), 0.0) for v in series.values()) for i in range(len(days))]
    downs = [sum(min(float(v[i]), 0.0) for v in series.values()) for i in range(len(days))]
    lo, hi, ticks = _axis(min(downs, default=0.0), max(ups, default=0.0))
    parts = _frame(title, currency, lo, hi, ticks)
    plot_w = WIDTH - LEFT - RIGHT
    slot = plot_w / max(len(days), 1)
    bar = max(slot * 0.75, 1.0)
    x_of = {i: LEFT + slot * i + slot / 2 for i in range(len(days))}
    for i in range(len(days)):
        above, below = 0.0, 0.0
        for k, values in enumerate(series.values()):
            value = float(values[i])
            if value >= 0:
                top, bottom = above + value, above
                above = top
            else:
                top, bottom = below, below + value
                below = bottom
            y_top, y_bottom = _y(top, lo, hi), _y(bottom, lo, hi)
            parts.append(
                f'<rect x="{x_of[i] - bar / 2:.1f}" y="{y_top:.1f}" width="{bar:.1f}"'
                f' height="{y_bottom - y_top:.1f}" fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
    parts += _x_labels(days, x_of)
    legend_x = LEFT
    for k, name in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(
            f'<rect x="{legend_x}" y="{HEIGHT - 16}" width="10" height="10" fill="{colour}"/>'
        )
        label = name if len(name) <= 28 else name[:27] + "…"
        parts.append(
            f'<text x="{legend_x + 14}" y="{HEIGHT - 7}" font-size="10"'
            f' fill="#333333">{escape(label)}</text>'
        )
        legend_x += 24 + 6 * len(label)
    parts.append("</svg>")
    return "".join(parts)
