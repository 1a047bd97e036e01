"""``cloudspy costs`` as a table, JSON (the documented schema) or CSV."""

from __future__ import annotations

import json
from typing import Any

from cloudspy.models.costs import CostReport
from cloudspy.money import human, machine, percent
from cloudspy.render.csv_out import write_csv
from cloudspy.render.sparkline import sparkline


def costs_json(report: CostReport) -> str:
    """The JSON of ``cloudspy costs``: exactly the model's own JSON (``report.model_dump_json``),
    indented, with money as exact decimal strings (docs/costs.md). Built without pydantic,
    which this command does not load."""
    return json.dumps(costs_document(report), indent=2, ensure_ascii=False) + "\n"


def costs_document(report: CostReport) -> dict[str, Any]:
    """The JSON value of :func:`costs_json` (``serve`` writes it compactly)."""
    from cloudspy.models.plain import json_ready

    return json_ready(report)


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


def costs_table(
    report: CostReport, *, title: str | None = None, width: int = 120, wide: bool = False
) -> Any:
    """Group, cost, share, change, trend, and a total row per currency, fitted to ``width``:
    group names shorten at a word, the trend keeps its newest buckets (#15)."""
    from rich.text import Text

    from cloudspy.render.fit import Column, fit_table

    heading = title or (
        f"{report.metric} {report.window.start} → {report.window.end} (end exclusive)"
    )
    groups = report.group_by or ["scope"]
    columns = [Column(name.capitalize(), "text", minimum=12) for name in groups]
    columns += [
        Column("Cost", "money"),
        Column("Share", "number", drop=2),
        Column("Change", "number", drop=1),
        Column(f"Trend ({report.granularity})", "tail", drop=3, minimum=8),
    ]
    rows: list[list[Any]] = []
    for row in report.rows:
        change = Text(percent(row.change_pct, signed=True))
        if row.change_pct is not None:
            change.stylize("red" if row.change_pct > 0 else "green")
        cells: list[Any] = _group_text(row, report.group_by) or ["all"]
        rows.append(
            [
                *cells,
                human(row.cost, row.currency),
                percent(row.share_pct),
                change,
                sparkline([p.cost for p in row.series]),
            ]
        )
    totals = [
        [
            f"Total {total.currency}",
            *[""] * (len(groups) - 1),
            Text(human(total.cost, total.currency), style="bold"),
            "100%",
            percent(total.change_pct, signed=True),
            "",
        ]
        for total in report.totals
    ]
    return fit_table(columns, rows, width=width, wide=wide, title=heading, totals=totals)
