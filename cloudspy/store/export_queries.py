"""The SQL of ``cloudspy export``: the exported relation's columns, the ``COPY`` of the
selected rows to a file, and the totals and latest runs that exports report beside them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudspy.store.sync_log import pid_alive

if TYPE_CHECKING:
    import duckdb

# The exported rows: `cost` with the source and run id of each row's day joined
# back from `cost_coverage` (migration 6), so exports keep x_source and x_sync_id.
EXPORT_RELATION = "cost_with_provenance"


def export_columns(conn: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """The exported columns and types: ``cost``'s in table order, then the provenance."""
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns"
        " WHERE table_name = ? AND table_schema = 'main' ORDER BY ordinal_position",
        [EXPORT_RELATION],
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def sql_literal(text: str) -> str:
    """A SQL string literal (for file paths in ``COPY … TO``, which cannot be bound)."""
    return "'" + text.replace("'", "''") + "'"


def copy_rows(
    conn: duckdb.DuckDBPyConnection,
    columns: str,
    where: str,
    params: list[Any],
    target: str,
    options: str,
) -> int:
    """``COPY`` the exported rows matching ``where`` (``columns`` selected, oldest
    first) to the file ``target``; how many rows were written."""
    # Aliased `cost`: the overlap clause of a selection names `cost.` columns.
    select = (
        f"SELECT {columns} FROM {EXPORT_RELATION} AS cost WHERE {where} ORDER BY ChargePeriodStart"
    )
    copied = conn.execute(
        f"COPY ({select}) TO {sql_literal(target)} ({options})", params
    ).fetchall()
    return int(copied[0][0]) if copied else 0


def billed_by_currency(
    conn: duckdb.DuckDBPyConnection, where: str, params: list[Any]
) -> list[tuple[str, Any]]:
    """BilledCost per currency of the rows matching ``where`` (what an export reports)."""
    totals = conn.execute(
        f"SELECT BillingCurrency, sum(BilledCost) FROM cost WHERE {where}"
        " GROUP BY BillingCurrency ORDER BY BillingCurrency",
        params,
    ).fetchall()
    return [(row[0], row[1]) for row in totals]


def cost_by_service(
    conn: duckdb.DuckDBPyConnection, where: str, params: list[Any], metric_column: str
) -> list[tuple[Any, ...]]:
    """(provider, service, account, currency, amount) of the rows matching ``where``."""
    return conn.execute(
        "SELECT ProviderName, coalesce(ServiceName, '(none)'),"
        " coalesce(SubAccountId, BillingAccountId), BillingCurrency,"
        f" sum({metric_column}) FROM cost WHERE {where} GROUP BY ALL ORDER BY ALL",
        params,
    ).fetchall()


def latest_runs(conn: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    """The newest run of each (provider, source, scope): its status and when it ended.
    A run left ``running`` by a process that died is ``interrupted`` (as ``history``
    says)."""
    rows = conn.execute(
        "SELECT provider, source, scope, status, coalesce(finished_at, started_at), pid"
        " FROM sync_run QUALIFY row_number() OVER (PARTITION BY provider, source, scope"
        " ORDER BY started_at DESC, rowid DESC) = 1 ORDER BY provider, source, scope"
    ).fetchall()
    return [
        (*r[:3], "interrupted" if r[3] == "running" and not pid_alive(r[5]) else r[3], r[4])
        for r in rows
    ]
