"""``cloudspy resources``: the stored inventory across providers, filtered."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.inventory_sync import sync_inventory_if_missing
from cloudspy.cli.options import Format, Provider, Region, Wide, check_format
from cloudspy.cli.state import state_of

Kind = Annotated[
    list[str] | None,
    typer.Option("--kind", "-k", help="vm, disk, ip, snapshot or load_balancer (repeatable)."),
]
State = Annotated[
    list[str] | None,
    typer.Option("--state", help="Provider state or power state, e.g. running (repeatable)."),
]
Tag = Annotated[
    list[str] | None, typer.Option("--tag", "-t", help="Only resources tagged KEY=VALUE.")
]


def resources(
    ctx: typer.Context,
    provider: Provider = None,
    region: Region = None,
    kind: Kind = None,
    state: State = None,
    tag: Tag = None,
    output: Format = "table",
    wide: Wide = False,
) -> None:
    """Running resources from the last inventory sync, with their monthly cost."""
    from cloudspy import api
    from cloudspy.render.inventory_render import resources_csv, resources_json, resources_table

    cli = state_of(ctx)
    sync_inventory_if_missing(cli, provider or [])
    check_format(output, ("table", "json", "csv"))
    result = api.resources(
        provider=provider or [],
        region=region or [],
        kind=kind or [],
        state=state or [],
        tag=tag or [],
        db=cli.db_path(),
        settings=cli.settings(),
    )
    cli.progress(result.snapshot.describe())
    for warning in result.warnings:
        cli.warn(warning)
    if output == "json":
        typer.echo(resources_json(result), nl=False)
    elif output == "csv":
        typer.echo(resources_csv(result), nl=False)
    else:
        cli.print_table(resources_table(result, width=cli.width(), wide=wide), wide=wide)


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("resources")(resources)
