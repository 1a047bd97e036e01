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


# ISO 8601 as billing files write it: a date, optionally a time (with "T" or a space),
# fractions and an offset or Z. DuckDB's text cast reads `4/1/25` as the year 4 with no
# error (the FOCUS spec's own examples use such dates), so anything else is refused (#13).
ISO_8601 = (
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?"
    r"( ?(Z|UTC|[+-]\d{2}(:?\d{2})?))?$"
)
BAD_DATE = "CLOUDSPY-BAD-DATE"  # marks the engine error raised for a refused cell


def time_sql(col: str, types: dict[str, str]) -> str:
    """Column ``col`` as a naive UTC TIMESTAMP (the session runs in UTC).

    Text must be ISO 8601 (:data:`ISO_8601`); any other cell aborts the statement
    with an error the importer turns into one line naming the column, row and value.
    """
    if col not in types:
        return "NULL"
    kind = types[col]
    if kind == "VARCHAR":
        value = f"nullif(trim({quote(col)}), '')"
        checked = (
            f"CASE WHEN {value} IS NULL OR regexp_full_match({value}, {literal(ISO_8601)})"
            f" THEN {value} ELSE error({literal(BAD_DATE + ':' + col + ':')} || {value}) END"
        )
        return f"CAST(CAST({checked} AS TIMESTAMPTZ) AS TIMESTAMP)"
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


# Charge periods outside these years are misread dates, not bills (#13).
EARLIEST, LATEST = "2000-01-01", "2100-01-01"
_IMPLAUSIBLE = (
    f"ChargePeriodStart < TIMESTAMP '{EARLIEST}' OR ChargePeriodStart >= TIMESTAMP '{LATEST}'"
    f" OR ChargePeriodEnd > TIMESTAMP '{LATEST}' OR ChargePeriodEnd < ChargePeriodStart"
)


def check_amounts(conn: duckdb.DuckDBPyConnection, scope: str, path: object) -> None:
    """Refuse the rows just written for ``scope`` if an amount is ±1e15 or more, or a
    charge period is implausible (before 2000, after 2100, or ending before it starts).

    One scan of the new rows answers both; the offending row is looked up in the
    file (``incoming_cost``) only when there is one.
    """
    from cloudspy.errors import ImportFileError
    from cloudspy.store.cost_writes import scope_extremes

    worst, implausible = scope_extremes(conn, scope, _AMOUNTS, _IMPLAUSIBLE)
    if worst is not None and worst >= MAX_AMOUNT:
        raise ImportFileError(
            f"{path} has an amount of {worst:f}; no bill line reaches {MAX_AMOUNT:,}",
            hint="nothing was imported; check the file's cost columns",
        )
    if implausible:
        [(row, start, end)] = conn.execute(
            "SELECT row, ChargePeriodStart, ChargePeriodEnd FROM"
            " (SELECT row_number() OVER () AS row, ChargePeriodStart, ChargePeriodEnd,"
            f" ({_IMPLAUSIBLE}) AS bad FROM incoming_cost) WHERE bad ORDER BY row LIMIT 1"
        ).fetchall()
        raise ImportFileError(
            f"{path}: row {row}: the charge period {start} – {end} is not plausible "
            f"(it must lie in {EARLIEST[:4]}–{LATEST[:4]} and not end before it starts)",
            hint="nothing was imported; check the file's date columns",
        )


def bad_date(
    conn: duckdb.DuckDBPyConnection, source: str, message: str, path: object
) -> Exception | None:
    """The one-line error for a cell :func:`time_sql` refused (``message`` is the engine's),
    naming the column, the file's row and the value; None for any other error."""
    from cloudspy.errors import ImportFileError

    marker = message.find(BAD_DATE + ":")
    if marker < 0:
        return None
    col = message[marker + len(BAD_DATE) + 1 :].split(":", 1)[0]
    value = f"nullif(trim({quote(col)}), '')"
    rows = conn.execute(
        f"SELECT row, v FROM (SELECT row_number() OVER () AS row, {value} AS v FROM {source})"
        f" WHERE v IS NOT NULL AND NOT regexp_full_match(v, {literal(ISO_8601)})"
        " ORDER BY row LIMIT 1"
    ).fetchall()
    row, text = rows[0] if rows else ("?", "?")
    return ImportFileError(
        f"{path}: row {row}: {col} {text!r} is not an ISO 8601 date (YYYY-MM-DD, "
        "optionally with a time)",
        hint="nothing was imported; write dates as ISO 8601 (e.g. 2025-04-01T00:00:00Z)",
    )
