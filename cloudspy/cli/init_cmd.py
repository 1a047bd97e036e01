"""``cloudspy init``: write config.toml from what the credentials can see."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.state import state_of


def init(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the config instead of writing it.")
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing config file.")
    ] = False,
) -> None:
    """Write a commented config.toml from the accounts your credentials can see."""
    from cloudspy import api

    state = state_of(ctx)
    result = api.init_config(
        path=state.config, dry_run=dry_run, force=force, progress=state.progress
    )
    if dry_run:
        typer.echo(result.text, nl=False)
        return
    found = ", ".join(result.providers) or "no provider (see the comments in it)"
    state.progress(f"wrote {result.path}: {found}")


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("init")(init)
