"""``cloudspy costs`` as a table, JSON (the documented schema) or CSV."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from cloudspy.models.costs import CostReport
from cloudspy.render.csv_out import write_csv
from cloudspy.render.money import human, machine, percent
from cloudspy.render.sparkline import sparkline


def costs_json(report: CostReport) -> str:
    """The JSON of ``cloudspy costs``: exactly the model's own JSON (``report.model_dump_json``),
    indented, with money as exact decimal strings (docs/costs.md). Built without pydantic,
    which this command does not load."""
    from cloudspy.models.plain import json_ready

    return json.dumps(json_ready(asdict(report)), indent=2, ensure_ascii=False) + "\n"


def costs_csv(report: CostReport) -> str:
    """One line per group and currency, then one column per time bucket."""
    buckets = [p.start.isoformat() for p in report.rows[0].series] if report.rows else []
    header = [*report.group_by, "currency", "cost", "share_pct", "previous_cost", "change_pct"]
    header += buckets
    lines = []
    for row in report.rows:
        lines.append(
            [
                *[row.group[g] for g in report.group_by],
                row.currency,
                machine(row.cost),
                row.share_pct,
                machine(row.previous_cost),
                row.change_pct,
                *[machine(p.cost) for p in row.series],
            ]
        )
    return write_csv(header, lines)


def _group_text(row: Any, group_by: list[str]) -> list[str]:
    cells = []
    for name in group_by:
        value = row.group[name]
        label = row.labels.get(name)
        cells.append(f"{value} ({label})" if label and label != value else value)
    return cells


def costs_table(report: CostReport, *, title: str | None = None) -> Any:
    """A rich Table: group, cost, share, change, trend; a total row per currency."""
    from rich.table import Table
    from rich.text import Text

    heading = title or (
        f"{report.metric} {report.window.start} → {report.window.end} (end exclusive)"
    )
    table = Table(title=heading, title_justify="left", show_footer=False, expand=False)
    for index, name in enumerate(report.group_by or ["scope"]):
        longest = max((len(_group_text(r, report.group_by)[index]) for r in report.rows), default=5)
        table.add_column(
            name.capitalize(), overflow="fold", min_width=min(longest, 24), max_width=56
        )
    table.add_column("Cost", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("Change", justify="right", no_wrap=True)
    table.add_column(f"Trend ({report.granularity})", no_wrap=True)
    for row in report.rows:
        change = Text(percent(row.change_pct, signed=True))
        if row.change_pct is not None:
            change.stylize("red" if row.change_pct > 0 else "green")
        # Text, not str: a str cell is parsed as rich markup, which would eat a tag
        # value such as "[prod]" (and parsing 250 cells costs ~6 ms of `costs`).
        cells = [Text(cell) for cell in _group_text(row, report.group_by)] or [Text("all")]
        table.add_row(
            *cells,
            Text(human(row.cost, row.currency)),
            Text(percent(row.share_pct)),
            change,
            Text(sparkline([p.cost for p in row.series])),
        )
    width = max(len(report.group_by), 1)
    for total in report.totals:
        table.add_section()
        change = percent(total.change_pct, signed=True)
        table.add_row(
            *([Text(f"Total {total.currency}")] + [Text("")] * (width - 1)),
            Text(human(total.cost, total.currency), style="bold"),
            Text("100%"),
            Text(change),
            Text(""),
        )
    return table
