"""Writes to the ``cost`` table: replace a scope's days in one transaction.

The caller registers two relations on the connection, ``incoming_cost`` (rows
named like the ``cost`` columns) and ``incoming_coverage`` (rows named like
``cost_coverage``). Deleting the old days and inserting the new ones happens in
one transaction, so a crash leaves either the old window or the new one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
