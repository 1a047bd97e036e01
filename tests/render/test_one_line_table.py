"""The fast table drawing draws exactly what rich draws (#12: ~35 ms of a warm `costs`).

Each table is drawn twice, by :class:`OneLineTable` and by rich's own ``Table``
code on the same cells, at several widths, in plain text and in colour (ANSI
codes compared byte for byte).
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cloudspy.render.fit import Column, fit_table
from cloudspy.render.one_line_table import OneLineTable

COLUMNS = [
    Column("group", "text", minimum=10),
    Column("resource id", "id", drop=2, minimum=12),
    Column("cost", "money"),
    Column("change", "fixed"),
    Column("trend", "tail", drop=1, minimum=6),
]


def _rows() -> list[list[object]]:
    rows: list[list[object]] = []
    for i in range(30):
        change = Text(f"{(-1) ** i * i * 1.5:+.1f}%", style="red" if i % 2 == 0 else "green")
        rows.append(
            [
                f"Amazon Elastic Compute Cloud service number {i} [prod]",
                f"/subscriptions/9a8b7c6d/resourceGroups/rg-{i}/providers/vm-{i}",
                f"${i * 1234.5:,.2f}",
                change,
                "▁▂▃▄▅▆▇█" * 3,
            ]
        )
    return rows


def _draw(table: Table, width: int, colour: bool) -> str:
    out = io.StringIO()
    console = Console(
        file=out,
        width=width,
        force_terminal=colour,
        color_system="truecolor" if colour else None,
        no_color=not colour,
        legacy_windows=False,
    )
    console.print(table)
    return out.getvalue()


def _by_rich(table: OneLineTable, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(OneLineTable, "_one_line_rows", lambda self, widths: None)


TABLES = {
    "plain": lambda width: fit_table(COLUMNS, _rows(), width=width),
    "titled-with-totals": lambda width: fit_table(
        COLUMNS,
        _rows(),
        width=width,
        title="billed 2026-10-26 → 2026-11-25 (end exclusive)",
        caption="2 currencies: totals are per currency, never added together",
        totals=[["Total", "", "$1,234,567.89", Text("+3.2%", style="bold red"), ""]],
    ),
    "wide": lambda width: fit_table(COLUMNS, _rows(), width=width, wide=True),
    "empty": lambda width: fit_table(COLUMNS, [], width=width),
}


@pytest.mark.parametrize("colour", [False, True], ids=["plain", "colour"])
@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
@pytest.mark.parametrize("name", TABLES)
def test_draws_what_rich_draws(name, width, colour, monkeypatch):
    fast = _draw(TABLES[name](width), width, colour)
    with monkeypatch.context() as patch:
        _by_rich(OneLineTable, patch)
        slow = _draw(TABLES[name](width), width, colour)
    assert fast == slow
    assert fast.count("\n") > 3


def test_the_fast_path_is_taken_and_a_cell_that_does_not_fit_falls_back():
    """The comparison above is not vacuous: the one-line path draws those tables, and a
    table it cannot draw (a cell wider than its column) still comes out as rich's."""
    table = TABLES["plain"](100)
    widths = [c.min_width + 2 for c in table.columns]
    assert table._one_line_rows(widths) is not None
    table.add_row(*[Text("x" * 300)] * len(table.columns))
    assert table._one_line_rows(widths) is None
    assert "…" in _draw(table, 100, False)


def test_the_costs_table_of_the_demo_is_the_same(demo_db, monkeypatch):
    """The real `costs` table (sections, styled changes, sparklines) drawn both ways."""
    from cloudspy import api
    from cloudspy.render.costs_render import costs_table

    report = api.costs(since=str(date(2026, 10, 26)), until=str(date(2026, 11, 25)), db=demo_db)
    for width in (80, 120):
        for colour in (False, True):
            fast = _draw(costs_table(report, width=width), width, colour)
            with monkeypatch.context() as patch:
                _by_rich(OneLineTable, patch)
                slow = _draw(costs_table(report, width=width), width, colour)
            assert fast == slow
    assert timedelta(days=30) == date(2026, 11, 25) - date(2026, 10, 26)
