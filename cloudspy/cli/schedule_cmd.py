"""``cloudspy schedule``: off-hours schedules from hourly utilization."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.inventory_sync import sync_inventory_if_missing
from cloudspy.cli.options import Format, Provider, Region, Wide, check_format
from cloudspy.cli.state import state_of


def schedule(
    ctx: typer.Context,
    provider: Provider = None,
    region: Region = None,
    timezone: Annotated[
        str, typer.Option("--timezone", "--tz", help="IANA time zone of the schedule.")
    ] = "UTC",
    idle_cpu: Annotated[
        float, typer.Option("--idle-cpu", help="An hour is idle when CPU never exceeds this %.")
    ] = 5.0,
    output: Format = "table",
    wide: Wide = False,
) -> None:
    """Suggest off-hours for VMs idle at recurring hours, with hours and money saved."""
    from cloudspy import api
    from cloudspy.render.waste_render import schedule_csv, schedule_json, schedule_table

    cli = state_of(ctx)
    sync_inventory_if_missing(cli, provider or [])
    check_format(output, ("table", "json", "csv"))
    report = api.schedule(
        timezone=timezone,
        provider=provider or [],
        region=region or [],
        idle_cpu_percent=idle_cpu,
        db=cli.db_path(),
        settings=cli.settings(),
    )
    cli.progress(report.snapshot.describe())
    for warning in report.warnings:
        cli.warn(warning)
    if output == "json":
        typer.echo(schedule_json(report), nl=False)
    elif output == "csv":
        typer.echo(schedule_csv(report), nl=False)
    else:
        cli.print_table(schedule_table(report, width=cli.width(), wide=wide), wide=wide)


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("schedule")(schedule)
