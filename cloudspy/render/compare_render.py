"""``cloudspy compare`` as a table, JSON, CSV or Markdown."""

from __future__ import annotations

import json
from typing import Any

from cloudspy.models.insights import CompareResult, CompareRow
from cloudspy.money import human, machine, percent
from cloudspy.render.csv_out import write_csv
from cloudspy.render.markdown import markdown_table


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
    """The JSON of ``cloudspy compare``: the model's own JSON (``result.model_dump_json``),
    indented, money and percentages as exact decimal strings (one contract, #13)."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


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


def compare_table(result: CompareResult, *, width: int = 120, wide: bool = False) -> Any:
    """Every group, then the totals per currency, fitted to ``width`` (#15)."""
    from rich.text import Text

    from cloudspy.render.fit import Column, fit_table

    title = _heading(result) + (f"\nPARTIAL: {result.partial_note}" if result.partial_note else "")
    groups = result.group_by or ["scope"]
    columns = [Column(name.capitalize(), "text", minimum=12) for name in groups]
    columns += [
        Column("Current", "money"),
        Column("Previous", "money", drop=2),
        Column("Change", "money", drop=3),
        Column("Change %", "number"),
        Column("Status", "text", drop=1, minimum=8),
    ]
    rows: list[list[Any]] = []
    for row in result.rows:
        change = Text(percent(row.change_pct, signed=True))
        if row.change:
            change.stylize("red" if row.change > 0 else "green")
        rows.append(
            [
                *(list(row.group.values()) or ["all"]),
                human(row.current, row.currency),
                human(row.previous, row.currency),
                human(row.change, row.currency),
                change,
                row.status,
            ]
        )
    totals = [
        [
            f"Total {total.currency}",
            *[""] * (len(groups) - 1),
            Text(human(total.current, total.currency), style="bold"),
            human(total.previous, total.currency),
            human(total.change, total.currency),
            percent(total.change_pct, signed=True),
            "" if total.unallocated is None else f"unallocated {percent(total.unallocated_pct)}",
        ]
        for total in result.totals
    ]
    return fit_table(columns, rows, width=width, wide=wide, title=title, totals=totals)
