"""``cloudspy history``: sync runs and imports, newest first."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from cloudspy.cli.options import Format, Wide, check_format
from cloudspy.cli.rows import print_rows
from cloudspy.cli.state import state_of
from cloudspy.render.fit import Column


def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", help="How many runs to show.")] = 50,
    output: Format = "table",
    wide: Wide = False,
) -> None:
    """Sync runs: what, when, rows, API calls and their price, errors."""
    from cloudspy import api
    from cloudspy.money import machine

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv"))
    runs = api.history(limit=limit, db=state.db_path(), settings=state.settings())
    if output == "json":
        typer.echo(json.dumps([r.model_dump(mode="json") for r in runs], indent=2))
        return
    columns = [
        Column("started", "fixed"),
        Column("provider", "fixed", drop=5),
        Column("source", "fixed", drop=6),
        Column("scope", "id", minimum=18),
        Column("window", "fixed", drop=3),
        Column("status", "fixed"),
        Column("rows", "number", drop=4),
        Column("api calls", "number", drop=7),
        Column("api price", "money", drop=2),
        Column("error", "text", drop=1, minimum=20),
    ]
    lines = []
    for r in runs:
        window = f"{r.window_start}…{r.window_end}" if r.window_start else ""
        price = f"{machine(r.api_cost)} {r.api_cost_currency}" if r.api_cost is not None else ""
        lines.append(
            [
                r.started_at.isoformat(sep=" ", timespec="seconds"),
                r.provider,
                r.source,
                r.scope,
                window,
                r.status,
                r.rows_written if r.rows_written is not None else "",
                r.api_calls if r.api_calls is not None else "",
                price,
                r.error or "",
            ]
        )
    print_rows(
        state,
        output,
        "Sync history (newest first)",
        columns,
        lines,
        wide=wide,
        empty_warning="no sync or import has run on this cache yet",
    )


def _quota_text(quota: dict[str, object] | None) -> str:
    """Quota use as ``key=value`` pairs (bytes scanned, query units, throttled calls …)."""
    if not quota:
        return ""
    return ", ".join(f"{key}={value}" for key, value in quota.items() if value not in (None, ""))


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("history")(history)
