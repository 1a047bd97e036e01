"""Writes to the ``cost`` table: replace a scope's days in one transaction.

The caller registers two relations on the connection, ``incoming_cost`` (rows
named like the ``cost`` columns) and ``incoming_coverage`` (rows named like
``cost_coverage``). Deleting the old days and inserting the new ones happens in
one transaction, so a crash leaves either the old window or the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from typing import TYPE_CHECKING, Any

from cloudspy.store import rollup
from cloudspy.store.engine import register_arrow

if TYPE_CHECKING:
    import duckdb


def replace_costs(
    conn: duckdb.DuckDBPyConnection,
    scope: str,
    days: list[tuple[date, date]] | None,
    *,
    coverage_sql: str | None = None,
    coverage_params: list[Any] | None = None,
    check: Callable[[int], None] | None = None,
) -> int:
    """Replace ``scope``'s rows on the ``[start, end)`` day ranges (None: all of them).

    Coverage comes from the ``incoming_coverage`` relation, or from
    ``coverage_sql`` run after the insert (a file's coverage is read off its
    rows, or off their ``cost_daily`` sums, which are written before it).
    ``check`` sees the inserted row count inside the transaction and may raise to
    roll everything back. Returns the number of cost rows inserted.
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        if days is None:
            conn.execute("DELETE FROM cost WHERE x_scope = ?", [scope])
            conn.execute("DELETE FROM cost_coverage WHERE x_scope = ?", [scope])
            rollup.delete(conn, scope)
        for start, end in days or []:
            conn.execute(
                "DELETE FROM cost WHERE x_scope = ? AND ChargePeriodStart >= ?"
                " AND ChargePeriodStart < ?",
                [scope, start, end],
            )
            conn.execute(
                "DELETE FROM cost_coverage WHERE x_scope = ? AND day >= ? AND day < ?",
                [scope, start, end],
            )
            rollup.delete(conn, scope, start, end)
        inserted = conn.execute("INSERT INTO cost BY NAME SELECT * FROM incoming_cost").fetchall()
        count = int(inserted[0][0]) if inserted else 0
        if check is not None:
            check(count)
        if days is None:
            rollup.rebuild(conn, scope)
        for start, end in days or []:
            rollup.rebuild(conn, scope, start, end)
        if coverage_sql is None:
            conn.execute("INSERT INTO cost_coverage BY NAME SELECT * FROM incoming_coverage")
        else:
            conn.execute(coverage_sql, coverage_params or [])
        conn.execute("COMMIT")
    except BaseException:
        # A failed write (disk full, file too large) may already have aborted the
        # transaction; the original error, not the ROLLBACK's, must reach the user (#7).
        with suppress(Exception):
            conn.execute("ROLLBACK")
        raise
    return count


_ARROW_COLUMNS = [
    ("ProviderName", "string"),
    ("PublisherName", "string"),
    ("InvoiceIssuerName", "string"),
    ("BillingAccountId", "string"),
    ("BillingAccountName", "string"),
    ("SubAccountId", "string"),
    ("SubAccountName", "string"),
    ("ServiceName", "string"),
    ("ServiceCategory", "string"),
    ("RegionId", "string"),
    ("RegionName", "string"),
    ("ResourceId", "string"),
    ("ResourceName", "string"),
    ("ChargeCategory", "string"),
    ("ChargeDescription", "string"),
    ("ChargePeriodStart", "timestamp"),
    ("ChargePeriodEnd", "timestamp"),
    ("BilledCost", "string"),
    ("EffectiveCost", "string"),
    ("ListCost", "string"),
    ("BillingCurrency", "string"),
    ("ConsumedQuantity", "string"),
    ("ConsumedUnit", "string"),
    ("Tags", "string"),
    ("x_ResourceGroupName", "string"),
    ("x_scope", "string"),
    ("x_estimated", "bool"),
]


def cost_arrow(rows: list[dict[str, Any]]) -> Any:
    """Rows as an Arrow table; money travels as decimal text and is cast in SQL."""
    import pyarrow as pa

    types = {"string": pa.string(), "timestamp": pa.timestamp("us"), "bool": pa.bool_()}
    schema = pa.schema([(name, types[kind]) for name, kind in _ARROW_COLUMNS])
    columns: dict[str, list[Any]] = {name: [] for name, _ in _ARROW_COLUMNS}
    for row in rows:
        for name, kind in _ARROW_COLUMNS:
            value = row.get(name)
            if kind == "string" and value is not None and not isinstance(value, str):
                value = str(value)
            if kind == "bool":
                value = bool(value)
            columns[name].append(value)
    return pa.Table.from_pydict(columns, schema=schema)


_COVERAGE_COLUMNS = [
    ("x_scope", "string"),
    ("x_source", "string"),
    ("ProviderName", "string"),
    ("BillingAccountId", "string"),
    ("day", "date"),
    ("dimensions", "list"),
    ("metrics", "list"),
    ("estimated", "bool"),
    ("priority", "int"),
    ("x_sync_id", "string"),
    ("fetched_at", "timestamp"),
]


@contextmanager
def staged_rows(
    conn: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    coverage: list[dict[str, Any]],
) -> Iterator[None]:
    """Register API rows as ``incoming_cost`` / ``incoming_coverage`` (through Arrow).

    Money arrives as Decimal or decimal text and is cast to DECIMAL(38, 16) in SQL,
    so no amount passes through a float.
    """
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "date": pa.date32(),
        "list": pa.list_(pa.string()),
        "bool": pa.bool_(),
        "int": pa.int32(),
        "timestamp": pa.timestamp("us"),
    }
    cover_schema = pa.schema([(name, types[kind]) for name, kind in _COVERAGE_COLUMNS])
    register_arrow(conn, "incoming_arrow", cost_arrow(rows))
    register_arrow(conn, "incoming_coverage", pa.Table.from_pylist(coverage, schema=cover_schema))
    conn.execute(
        "CREATE OR REPLACE TEMP VIEW incoming_cost AS SELECT * REPLACE ("
        " CAST(BilledCost AS DECIMAL(38, 16)) AS BilledCost,"
        " CAST(EffectiveCost AS DECIMAL(38, 16)) AS EffectiveCost,"
        " CAST(ListCost AS DECIMAL(38, 16)) AS ListCost,"
        " CAST(ConsumedQuantity AS DECIMAL(38, 16)) AS ConsumedQuantity,"
        " CAST(Tags AS JSON) AS Tags) FROM incoming_arrow"
    )
    try:
        yield
    finally:
        conn.execute("DROP VIEW IF EXISTS incoming_cost")
        conn.unregister("incoming_arrow")
        conn.unregister("incoming_coverage")


def scope_row_count(conn: duckdb.DuckDBPyConnection, scope: str) -> int:
    """How many cost rows ``scope`` holds (read off the daily rollup)."""
    row = conn.execute(
        "SELECT coalesce(sum(row_count), 0) FROM cost_daily WHERE x_scope = ?", [scope]
    ).fetchall()
    return int(row[0][0])


def scope_summary(
    conn: duckdb.DuckDBPyConnection, scope: str
) -> tuple[list[str], list[str], date | None, date | None]:
    """``scope``'s providers, currencies, first and last day (from the daily rollup)."""
    row = conn.execute(
        "SELECT list(DISTINCT ProviderName ORDER BY ProviderName),"
        " list(DISTINCT BillingCurrency ORDER BY BillingCurrency),"
        " min(day), max(day) FROM cost_daily WHERE x_scope = ?",
        [scope],
    ).fetchall()[0]
    return row[0] or [], row[1] or [], row[2], row[3]


def coverage_from_rollup(
    scope: str, source: str, run_id: str, dims: list[str], metrics: list[str], priority: int
) -> tuple[str, list[Any]]:
    """The coverage insert of a file import: one final day per provider, account and
    day that ``scope`` now holds, read off the daily rollup the writer has just built
    (far fewer rows than ``cost``). Handed to :func:`replace_costs`."""
    sql = (
        "INSERT INTO cost_coverage SELECT x_scope, ?, ProviderName,"
        " BillingAccountId, day, ?, ?, false, ?, ?,"
        " now()::TIMESTAMP FROM cost_daily WHERE x_scope = ? GROUP BY ALL"
    )
    return sql, [source, dims, metrics, priority, run_id, scope]


@contextmanager
def incoming_view(conn: duckdb.DuckDBPyConnection, select: str) -> Iterator[None]:
    """``incoming_cost`` as a temporary view over ``select`` (a file mapped to FOCUS)
    while the block runs; :func:`replace_costs` with no rows reads from it."""
    conn.execute(f"CREATE OR REPLACE TEMP VIEW incoming_cost AS {select}")
    try:
        yield
    finally:
        conn.execute("DROP VIEW IF EXISTS incoming_cost")


def scope_extremes(
    conn: duckdb.DuckDBPyConnection, scope: str, amounts: Sequence[str], implausible: str
) -> tuple[Any, int]:
    """One scan of ``scope``'s rows: the largest absolute value of the ``amounts``
    columns, and how many rows match the ``implausible`` condition (a file import
    refuses its rows on either)."""
    largest = ", ".join(f"coalesce(abs({column}), 0)" for column in amounts)
    [(worst, count)] = conn.execute(
        f"SELECT max(greatest({largest})), count(*) FILTER (WHERE {implausible})"
        " FROM cost WHERE x_scope = ?",
        [scope],
    ).fetchall()
    return worst, int(count)
