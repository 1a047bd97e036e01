"""Print a list of plain rows as CSV or as a rich table (the listing commands share this)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import typer

from cloudspy.cli.state import CliState
from cloudspy.render.fit import Column


def print_rows(
    state: CliState,
    output: str,
    title: str,
    columns: Sequence[Column],
    lines: Sequence[Sequence[Any]],
    *,
    wide: bool = False,
    empty_warning: str | None = None,
) -> None:
    """``lines`` as CSV (formula cells neutralized) or a table that fits the terminal, one
    line a row (:func:`~cloudspy.render.fit.fit_table`; ``wide`` shows every column).

    ``empty_warning`` goes to stderr when a table has no rows.
    """
    headers = [c.header for c in columns]
    if output == "csv":
        from cloudspy.render.csv_out import write_csv

        typer.echo(write_csv(headers, lines), nl=False)
        return
    from cloudspy.render.fit import fit_table

    rows = [["" if v is None else str(v) for v in line] for line in lines]
    if not lines and empty_warning:
        state.warn(empty_warning)
    state.print_table(
        fit_table(columns, rows, width=state.width(), wide=wide, title=title), wide=wide
    )
