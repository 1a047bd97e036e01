"""What a billing-file format hands the importer: one SELECT and what its rows can answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class FileMapping:
    """The normalizing SELECT of one file, named like the ``cost`` columns.

    ``dimensions`` and ``metrics`` go to ``cost_coverage`` so that a question the
    file cannot answer (an amortized cost from an actual-cost export, say) is
    refused instead of answered wrongly.
    """

    format: str
    source: str
    select: str
    dimensions: list[str]
    metrics: list[str]
    warnings: list[str] = field(default_factory=list)


def money_sql(expr: str, kind: str | None) -> str:
    """``expr`` (a column of DuckDB type ``kind``) as DECIMAL(38, 16), never via a float sum.

    Text is cast exactly. A DOUBLE (CUR 2.0 Parquet stores money as double) is
    rounded to 10 decimals first, the precision AWS publishes amounts with, so
    the binary noise of the float (``0.1`` is ``0.1000000000000000055…``) is not
    carried into the store.
    """
    if kind is None:
        return "NULL"
    if kind == "VARCHAR":
        return f"CAST(nullif(trim({expr}), '') AS DECIMAL(38, 16))"
    if kind in ("DOUBLE", "FLOAT", "REAL"):
        return f"CAST(CAST({expr} AS DECIMAL(38, 10)) AS DECIMAL(38, 16))"
    return f"CAST({expr} AS DECIMAL(38, 16))"


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """A SQL string literal for text CloudSpy generated (scopes, run ids)."""
    return "'" + text.replace("'", "''") + "'"


def text_sql(col: str, types: dict[str, str]) -> str:
    """Column ``col`` as text with empty strings as NULL (NULL if absent).

    Not trimmed: billing exports do not pad their cells, and a trim over every
    text cell of a 10-million-row file costs a noticeable share of an import.
    """
    if col not in types:
        return "NULL"
    if types[col] == "VARCHAR":
        return f"nullif({quote(col)}, '')"
    return f"nullif(CAST({quote(col)} AS VARCHAR), '')"


def time_sql(col: str, types: dict[str, str]) -> str:
    """Column ``col`` as a naive UTC TIMESTAMP (the session runs in UTC)."""
    if col not in types:
        return "NULL"
    kind = types[col]
    if kind == "VARCHAR":
        return f"CAST(CAST(nullif(trim({quote(col)}), '') AS TIMESTAMPTZ) AS TIMESTAMP)"
    # A TIMESTAMPTZ becomes the UTC wall time because the session runs in UTC.
    return f"CAST({quote(col)} AS TIMESTAMP)"


def map_value_sql(col: str, key: str, types: dict[str, str]) -> str:
    """``key`` of a key-value column: a Parquet MAP, or a JSON object in CSV text."""
    kind = types.get(col)
    if kind is None:
        return "NULL"
    if kind.startswith("MAP("):
        return f"nullif({quote(col)}[{literal(key)}], '')"
    if kind == "VARCHAR":
        path = literal("$." + key)
        return f"nullif(json_extract_string(nullif(trim({quote(col)}), ''), {path}), '')"
    return "NULL"


# DECIMAL(38, 16) keeps 22 integer digits; summing line items of a quadrillion or more
# overflows it (DuckDB raised "Overflow in HUGEINT addition" from `costs`, #7). No real
# bill has such a line, so a file holding one is refused as corrupt instead.
MAX_AMOUNT = 10**15
_AMOUNTS = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")


def check_amounts(conn: duckdb.DuckDBPyConnection, scope: str, path: object) -> None:
    """Refuse the rows just written for ``scope`` if an amount is ±1e15 or more."""
    from cloudspy.errors import ImportFileError

    largest = ", ".join(f"coalesce(abs({c}), 0)" for c in _AMOUNTS)
    [(worst,)] = conn.execute(
        f"SELECT max(greatest({largest})) FROM cost WHERE x_scope = ?", [scope]
    ).fetchall()
    if worst is not None and worst >= MAX_AMOUNT:
        raise ImportFileError(
            f"{path} has an amount of {worst:f}; no bill line reaches {MAX_AMOUNT:,}",
            hint="nothing was imported; check the file's cost columns",
        )
