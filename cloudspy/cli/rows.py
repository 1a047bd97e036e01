"""Print a list of plain rows as CSV or as a rich table (the listing commands share this)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer

from cloudspy.cli.state import CliState


def print_rows(
    state: CliState,
    output: str,
    title: str,
    columns: Sequence[str],
    lines: Sequence[Sequence[Any]],
    *,
    right: Sequence[str] = (),
    empty_warning: str | None = None,
) -> None:
    """``lines`` as CSV (formula cells neutralized) or a table; ``right`` columns align right.

    ``empty_warning`` goes to stderr when a table has no rows.
    """
    if output == "csv":
        from cloudspy.render.csv_out import write_csv

        typer.echo(write_csv(columns, lines), nl=False)
        return
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, overflow="fold", justify="right" if column in right else "left")
    for line in lines:
        table.add_row(*[str(v) for v in line])
    if not lines and empty_warning:
        state.warn(empty_warning)
    state.stdout().print(table)
