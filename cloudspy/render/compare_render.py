"""``cloudspy compare`` as a table, JSON, CSV or Markdown."""

from __future__ import annotations

import json
from typing import Any

from cloudspy.models.insights import CompareResult, CompareRow
from cloudspy.render.csv_out import write_csv
from cloudspy.render.markdown import markdown_table
from cloudspy.render.money import human, machine, percent


def _pct(value: Any) -> str | None:
    return None if value is None else str(value)


def _row_json(row: CompareRow) -> dict[str, Any]:
    return {
        "group": row.group,
        "labels": row.labels,
        "currency": row.currency,
        "current": machine(row.current),
        "previous": machine(row.previous),
        "change": machine(row.change),
        "change_pct": _pct(row.change_pct),
        "status": row.status,
    }


def compare_json(result: CompareResult) -> str:
    """The documented JSON of ``cloudspy compare`` (money as decimal strings)."""
    document = {
        "period": result.period,
        "label": result.label,
        "current": {"start": str(result.current.start), "end": str(result.current.end)},
        "previous": {"start": str(result.previous.start), "end": str(result.previous.end)},
        "partial": result.partial,
        "partial_note": result.partial_note,
        "metric": result.metric,
        "group_by": result.group_by,
        "totals": [
            {
                "currency": t.currency,
                "current": machine(t.current),
                "previous": machine(t.previous),
                "change": machine(t.change),
                "change_pct": _pct(t.change_pct),
                "unallocated": machine(t.unallocated),
                "unallocated_pct": _pct(t.unallocated_pct),
            }
            for t in result.totals
        ],
        "rows": [_row_json(r) for r in result.rows],
        "movers_up": [_row_json(r) for r in result.movers_up],
        "movers_down": [_row_json(r) for r in result.movers_down],
        "new_groups": [_row_json(r) for r in result.new_groups],
        "vanished_groups": [_row_json(r) for r in result.vanished_groups],
        "warnings": result.warnings,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def compare_csv(result: CompareResult) -> str:
    """One line per group and currency."""
    header = [*result.group_by, "currency", "current", "previous", "change", "change_pct", "status"]
    lines = [
        [
            *[r.group[g] for g in result.group_by],
            r.currency,
            machine(r.current),
            machine(r.previous),
            machine(r.change),
            r.change_pct,
            r.status,
        ]
        for r in result.rows
    ]
    return write_csv(header, lines)


def _name(row: CompareRow) -> str:
    return " / ".join(row.group.values()) or "total"


def _heading(result: CompareResult) -> str:
    return (
        f"{result.metric}: {result.label} — {result.current.start} → {result.current.end}"
        f" against {result.previous.start} → {result.previous.end} (ends exclusive)"
    )


def compare_markdown(result: CompareResult, *, top: int | None = None) -> str:
    """A Markdown summary: totals, movers, new and vanished groups."""
    out = [f"### Cost comparison: {result.label}\n", _heading(result) + "\n"]
    if result.partial_note:
        out.append(f"> **Partial period**: {result.partial_note}\n")
    out.append(
        markdown_table(
            ["Currency", "Current", "Previous", "Change", "Change %"],
            [
                [
                    t.currency,
                    human(t.current, t.currency),
                    human(t.previous, t.currency),
                    human(t.change, t.currency),
                    percent(t.change_pct, signed=True),
                ]
                for t in result.totals
            ],
            right=(1, 2, 3, 4),
        )
    )
    for title, rows in (
        ("Top movers up", result.movers_up),
        ("Top movers down", result.movers_down),
        ("New", result.new_groups),
        ("Vanished", result.vanished_groups),
    ):
        if rows:
            out.append(f"\n**{title}**\n")
            out.append(
                markdown_table(
                    [" / ".join(result.group_by) or "group", "Current", "Previous", "Change", "%"],
                    [
                        [
                            _name(r),
                            human(r.current, r.currency),
                            human(r.previous, r.currency),
                            human(r.change, r.currency),
                            percent(r.change_pct, signed=True),
                        ]
                        for r in rows[:top]
                    ],
                    right=(1, 2, 3, 4),
                )
            )
    return "".join(out)


def compare_table(result: CompareResult) -> Any:
    """A rich table of every group, then the totals per currency."""
    from rich.table import Table
    from rich.text import Text

    title = _heading(result) + (f"\nPARTIAL: {result.partial_note}" if result.partial_note else "")
    table = Table(title=title, title_justify="left")
    for name in result.group_by or ["scope"]:
        table.add_column(name.capitalize(), overflow="fold", max_width=56)
    for name in ("Current", "Previous", "Change", "Change %"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("Status")
    for row in result.rows:
        change = Text(percent(row.change_pct, signed=True))
        if row.change:
            change.stylize("red" if row.change > 0 else "green")
        table.add_row(
            *(list(row.group.values()) or ["all"]),
            human(row.current, row.currency),
            human(row.previous, row.currency),
            human(row.change, row.currency),
            change,
            row.status,
        )
    width = max(len(result.group_by), 1)
    for total in result.totals:
        table.add_section()
        table.add_row(
            *([f"Total {total.currency}"] + [""] * (width - 1)),
            Text(human(total.current, total.currency), style="bold"),
            human(total.previous, total.currency),
            human(total.change, total.currency),
            percent(total.change_pct, signed=True),
            "" if total.unallocated is None else f"unallocated {percent(total.unallocated_pct)}",
        )
    return table
