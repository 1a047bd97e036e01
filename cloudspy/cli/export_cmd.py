"""``cloudspy export``: cost rows as CSV/JSON/Parquet/FOCUS, or Prometheus metrics."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloudspy.cli.options import (
    Account,
    Last,
    Metric,
    Provider,
    Region,
    Service,
    Since,
    Until,
)
from cloudspy.cli.state import state_of


def export(
    ctx: typer.Context,
    format: Annotated[
        str,
        typer.Option("--format", "-f", help="csv, json, parquet, focus or prometheus."),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="The file to write (replaced atomically)."),
    ],
    last: Last = None,
    since: Since = None,
    until: Until = None,
    provider: Provider = None,
    region: Region = None,
    service: Service = None,
    account: Account = None,
    metric: Metric = None,
) -> None:
    """Export cached cost rows, or write Prometheus metrics for node_exporter.

    focus writes FOCUS 1.2 (Parquet when FILE ends in .parquet, else CSV); --metric
    applies to prometheus, whose gauges carry one metric.
    """
    from cloudspy import api

    state = state_of(ctx)
    result = api.export(
        format,
        out,
        last=last,
        since=since,
        until=until,
        provider=provider or [],
        region=region or [],
        service=service or [],
        account=account or [],
        metric=metric,
        db=state.db_path(),
        settings=state.settings(),
    )
    for note in result.notes:
        state.warn(note)
    totals = ", ".join(f"{t.cost:.2f} {t.currency}" for t in result.totals)
    what = "samples" if result.format == "prometheus" else "rows"
    suffix = f" (BilledCost {totals})" if totals else ""
    state.progress(f"wrote {result.rows} {what} to {result.path}{suffix}")


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("export")(export)
