"""``cloudspy compare``: this period against the previous one."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.options import (
    Account,
    By,
    Metric,
    Offline,
    Provider,
    Region,
    Service,
    Since,
    Top,
    Until,
    Wide,
    check_format,
)
from cloudspy.cli.state import state_of


def compare(
    ctx: typer.Context,
    period: Annotated[
        str, typer.Option("--period", help="week or month (the last complete ones).")
    ] = "month",
    partial: Annotated[
        bool,
        typer.Option("--partial", help="This period to date against the same days before."),
    ] = False,
    since: Since = None,
    until: Until = None,
    against_since: Annotated[
        str | None, typer.Option("--against-since", help="Baseline window: first day.")
    ] = None,
    against_until: Annotated[
        str | None, typer.Option("--against-until", help="Baseline window: day after the last.")
    ] = None,
    by: By = None,
    provider: Provider = None,
    region: Region = None,
    service: Service = None,
    account: Account = None,
    metric: Metric = None,
    top: Top = 5,
    output: Annotated[
        str, typer.Option("--format", "-f", help="table, json, csv or markdown.")
    ] = "table",
    offline: Offline = False,
    wide: Wide = False,
) -> None:
    """This period against the previous one: change, top movers, new and vanished groups."""
    from cloudspy import api
    from cloudspy.cli.costs_cmd import refresh_if_stale
    from cloudspy.render.compare_render import (
        compare_csv,
        compare_json,
        compare_markdown,
        compare_table,
    )

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv", "markdown"))
    if not offline and not state.demo:
        refresh_if_stale(state, provider or [], "3m", None, None, refresh=False)
    result = api.compare(
        period=period,
        partial=partial,
        since=since,
        until=until,
        against_since=against_since,
        against_until=against_until,
        by=by or ["service"],
        provider=provider or [],
        region=region or [],
        service=service or [],
        account=account or [],
        metric=metric,
        top=top,
        db=state.db_path(),
        settings=state.settings(),
    )
    if result.partial_note:
        state.warn(result.partial_note)
    for warning in result.warnings:
        state.warn(warning)
    if output == "json":
        typer.echo(compare_json(result), nl=False)
    elif output == "csv":
        typer.echo(compare_csv(result), nl=False)
    elif output == "markdown":
        typer.echo(compare_markdown(result, top=top), nl=False)
    else:
        state.print_table(compare_table(result, width=state.width(), wide=wide), wide=wide)


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("compare")(compare)
