"""``cloudspy compare``: this period against the previous one."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.options import Account, By, Provider, Region, Service, check_format
from cloudspy.cli.state import state_of

Offline = Annotated[bool, typer.Option("--offline", help="Never call a cloud API.")]


def compare(
    ctx: typer.Context,
    period: Annotated[
        str, typer.Option("--period", help="week or month (the last complete ones).")
    ] = "month",
    partial: Annotated[
        bool,
        typer.Option("--partial", help="This period to date against the same days before."),
    ] = False,
    since: Annotated[
        str | None, typer.Option("--since", help="Explicit window: first day (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Explicit window: day after the last.")
    ] = None,
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
    metric: Annotated[
        str | None, typer.Option("--metric", "-m", help="billed (default), effective or list.")
    ] = None,
    top: Annotated[int, typer.Option("--top", "-n", help="Movers shown each way.")] = 5,
    output: Annotated[
        str, typer.Option("--format", "-f", help="table, json, csv or markdown.")
    ] = "table",
    offline: Offline = False,
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
        state.stdout().print(compare_table(result))


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("compare")(compare)
