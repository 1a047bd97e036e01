"""Row exports (csv, json, parquet, focus) as one ``COPY (SELECT …) TO`` each.

- ``csv``: the ``cost`` columns as stored; every text cell that a spreadsheet
  would run as a formula is neutralized in SQL.
- ``json``: one JSON array of row objects; money as decimal strings (a JSON
  number would become a float and lose cents in most readers).
- ``parquet``: the ``cost`` columns with their exact types.
- ``focus``: the FOCUS 1.2 projection (:mod:`cloudspy.exporting.focus`), as
  Parquet when the file name ends in ``.parquet``, else CSV (neutralized, with
  ISO 8601 UTC times).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudspy.exporting import focus
from cloudspy.exporting.selection import RowSelection, neutralized, quote
from cloudspy.store.connection import in_utc
from cloudspy.store.export_queries import billed_by_currency, copy_rows, export_columns

if TYPE_CHECKING:
    import duckdb

_TEXT_TYPES = ("VARCHAR", "JSON")
_FOCUS_TIMES = ("BillingPeriodEnd", "BillingPeriodStart", "ChargePeriodEnd", "ChargePeriodStart")


def _csv_select(conn: duckdb.DuckDBPyConnection) -> str:
    parts = []
    for name, kind in export_columns(conn):
        column = quote(name)
        if kind in _TEXT_TYPES:
            parts.append(f"{neutralized(f'CAST({column} AS VARCHAR)')} AS {column}")
        else:
            parts.append(column)
    return ", ".join(parts)


def _json_select(conn: duckdb.DuckDBPyConnection) -> str:
    parts = []
    for name, kind in export_columns(conn):
        column = quote(name)
        if kind.startswith("DECIMAL"):
            parts.append(f"CAST({column} AS VARCHAR) AS {column}")
        elif kind == "TIMESTAMP":
            parts.append(f"strftime({column}, '%Y-%m-%dT%H:%M:%SZ') AS {column}")
        else:
            parts.append(column)
    return ", ".join(parts)


def _focus_select(as_csv: bool) -> str:
    parts = []
    for name, sql in focus.columns():
        if as_csv and name in _FOCUS_TIMES:
            sql = f"strftime(timezone('UTC', {sql}), '%Y-%m-%dT%H:%M:%SZ')"
        elif as_csv and name in focus.TEXT_COLUMNS_FROM_USERS:
            sql = neutralized(f"CAST({sql} AS VARCHAR)")
        parts.append(f"{sql} AS {quote(name)}")
    return ", ".join(parts)


def copy_options(fmt: str, target: Path) -> str:
    """The ``COPY`` options for a format (FOCUS picks Parquet or CSV by file name)."""
    if fmt == "parquet" or (fmt == "focus" and target.suffix.lower() == ".parquet"):
        return "FORMAT parquet, COMPRESSION zstd"
    if fmt == "json":
        return "FORMAT json, ARRAY true"
    return "FORMAT csv, HEADER true"


def export_rows(
    conn: duckdb.DuckDBPyConnection,
    selection: RowSelection,
    fmt: str,
    temporary: Path,
    target: Path,
) -> tuple[int, list[tuple[str, Any]]]:
    """Write the selected rows to ``temporary``; return the row count and BilledCost totals.

    ``target`` is the final name (it decides Parquet or CSV for FOCUS).
    """
    in_utc(conn)
    where, params = selection.where(conn)
    as_parquet = "parquet" in copy_options(fmt, target)
    if fmt == "focus":
        columns = _focus_select(as_csv=not as_parquet)
    elif fmt == "csv":
        columns = _csv_select(conn)
    elif fmt == "json":
        columns = _json_select(conn)
    else:
        columns = "*"
    rows = copy_rows(conn, columns, where, params, str(temporary), copy_options(fmt, target))
    return rows, billed_by_currency(conn, where, params)
