"""Hand-written SVG charts drawn from aggregated data (no browser, no network, no JS).

Every text that reaches the markup — provider names, currency codes, dates —
passes through :func:`xml.sax.saxutils.escape`, so a hostile name is text.
Amounts are plotted as floats (pixels), labelled from the exact Decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from cloudspy.render.money import human

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


def _scale(top: float) -> tuple[float, list[float]]:
    """A rounded axis maximum and its gridline values."""
    if top <= 0:
        return 1.0, [0.0, 1.0]
    magnitude = 10 ** (len(str(int(top))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        ceiling = step * magnitude
        if ceiling >= top:
            break
    ticks = [ceiling * i / 4 for i in range(5)]
    return ceiling, ticks


def _frame(title: str, currency: str, ceiling: float, ticks: list[float]) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}"'
        f' width="{WIDTH}" height="{HEIGHT}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
    ]
    for tick in ticks:
        y = TOP + plot_h * (1 - tick / ceiling)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"'
            ' stroke="#dddddd" stroke-width="1"/>'
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
    """A filled line of the daily total of one currency."""
    title = f"Daily cost ({currency})"
    top = max((float(v) for v in values), default=0.0)
    ceiling, ticks = _scale(top)
    parts = _frame(title, currency, ceiling, ticks)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(values) - 1, 1)
    x_of = {i: LEFT + plot_w * i / n for i in range(len(values))}

    def y(value: Decimal) -> float:
        return TOP + plot_h * (1 - max(float(value), 0.0) / ceiling)

    points = " ".join(f"{x_of[i]:.1f},{y(v):.1f}" for i, v in enumerate(values))
    if values:
        base = TOP + plot_h
        area = f"{x_of[0]:.1f},{base:.1f} {points} {x_of[len(values) - 1]:.1f},{base:.1f}"
        parts.append(f'<polygon points="{area}" fill="#0072B2" fill-opacity="0.15"/>')
        parts.append(f'<polyline points="{points}" fill="none" stroke="#0072B2" stroke-width="2"/>')
    parts += _x_labels(days, x_of)
    parts.append("</svg>")
    return "".join(parts)


def stacked_bars(days: Sequence[date], series: dict[str, Sequence[Decimal]], currency: str) -> str:
    """Daily bars of one currency, stacked by group (e.g. provider), with a legend."""
    title = f"Daily cost by provider ({currency})"
    totals = [sum((s[i] for s in series.values()), Decimal(0)) for i in range(len(days))]
    ceiling, ticks = _scale(max((float(t) for t in totals), default=0.0))
    parts = _frame(title, currency, ceiling, ticks)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(days), 1)
    bar = max(slot * 0.75, 1.0)
    x_of = {i: LEFT + slot * i + slot / 2 for i in range(len(days))}
    for i in range(len(days)):
        y = TOP + plot_h
        for k, values in enumerate(series.values()):
            value = max(float(values[i]), 0.0)
            h = plot_h * value / ceiling
            y -= h
            parts.append(
                f'<rect x="{x_of[i] - bar / 2:.1f}" y="{y:.1f}" width="{bar:.1f}"'
                f' height="{h:.1f}" fill="{PALETTE[k % len(PALETTE)]}"/>'
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
