"""``cloudspy import``: FOCUS export files into the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloudspy.cli.options import NoProgress
from cloudspy.cli.state import state_of


def import_files(
    ctx: typer.Context,
    files: Annotated[
        list[Path], typer.Argument(help="FOCUS, CUR 2.0 or Azure export files, CSV or Parquet.")
    ],
    file_format: Annotated[
        str, typer.Option("--format", help="auto (detect), focus, cur2 or azure-export.")
    ] = "auto",
    no_progress: NoProgress = False,
) -> None:
    """Import billing export files; importing a file again replaces its rows."""
    from cloudspy import api
    from cloudspy.cli.live import live_wanted

    state = state_of(ctx)
    settings = state.settings()
    results = []
    for path in files:
        if live_wanted(no_progress):
            # A 10 M-row file takes seconds: say so while it runs, with the time passing.
            with state.stderr().status(f"importing {path.name} …", spinner="dots"):
                results += api.import_files(
                    [path], format=file_format, db=state.db_path(), settings=settings
                )
        else:
            results += api.import_files(
                [path], format=file_format, db=state.db_path(), settings=settings
            )
    for result in results:
        replaced = f", replacing {result.replaced_rows}" if result.replaced_rows else ""
        days = f"{result.first_day} … {result.last_day}" if result.first_day else "no days"
        typer.echo(
            f"{result.path}: {result.rows} {result.format} rows{replaced} "
            f"({', '.join(result.providers)}; {', '.join(result.currencies)}; {days})"
        )
        for warning in result.warnings:
            state.warn(f"{result.path}: {warning}")


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("import")(import_files)
