"""``cost_daily``: the cost table summed per scope, day and the common dimensions.

Most questions (by provider, account, service, region, currency, or teams
made of accounts) need no resource, tag or charge detail, and
this rollup answers them from a table 20–100× smaller than ``cost``. It is
rewritten inside the same transaction as the rows it sums
(:func:`cloudspy.store.cost_writes.replace_costs`), so the two never disagree.
Questions by resource or tag read ``cost`` itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

TABLE = "cost_daily"
# The dimension columns kept per day; `cost_queries` may read the rollup when
# every column a question touches is one of these.
# Few keys on purpose: every key makes imports slower (the rollup is built in the
# import's transaction). Category, charge and resource group read `cost` instead.
KEY_COLUMNS = (
    "x_scope",
    "ProviderName",
    "BillingAccountId",
    "SubAccountId",
    "ServiceName",
    "RegionId",
    "BillingCurrency",
)
# One name per id: any row's name will do, and any_value is cheaper than max.
LABEL_COLUMNS = ("BillingAccountName", "SubAccountName")
COLUMNS = frozenset({*KEY_COLUMNS, *LABEL_COLUMNS, "BilledCost", "EffectiveCost", "ListCost"})


def create_sql(money: str) -> str:
    """The DDL of the rollup and its backfill from ``cost`` (migration 5)."""
    return f"""
CREATE TABLE {TABLE} (
    x_scope             VARCHAR NOT NULL,
    ProviderName        VARCHAR NOT NULL,
    BillingAccountId    VARCHAR NOT NULL,
    BillingAccountName  VARCHAR,
    SubAccountId        VARCHAR,
    SubAccountName      VARCHAR,
    ServiceName         VARCHAR,
    RegionId            VARCHAR,
    BillingCurrency     VARCHAR NOT NULL,
    day                 DATE NOT NULL,
    BilledCost          {money},
    EffectiveCost       {money},
    ListCost            {money},
    row_count           BIGINT NOT NULL
);
INSERT INTO {TABLE} BY NAME {_select("true")};
"""


def _select(where: str) -> str:
    keys = ", ".join(KEY_COLUMNS)
    labels = ", ".join(f"any_value({c}) AS {c}" for c in LABEL_COLUMNS)
    return (
        f"SELECT {keys}, {labels}, CAST(ChargePeriodStart AS DATE) AS day,"
        " sum(BilledCost) AS BilledCost, sum(EffectiveCost) AS EffectiveCost,"
        " sum(ListCost) AS ListCost, count(*) AS row_count"
        f" FROM cost WHERE {where} GROUP BY {keys}, day"
    )


def delete(conn: duckdb.DuckDBPyConnection, scope: str, start: Any = None, end: Any = None) -> None:
    """Drop the scope's rollup rows (on ``[start, end)`` days when given)."""
    if start is None:
        conn.execute(f"DELETE FROM {TABLE} WHERE x_scope = ?", [scope])
    else:
        conn.execute(
            f"DELETE FROM {TABLE} WHERE x_scope = ? AND day >= ? AND day < ?", [scope, start, end]
        )


def rebuild(
    conn: duckdb.DuckDBPyConnection, scope: str, start: Any = None, end: Any = None
) -> None:
    """Sum the scope's ``cost`` rows (on ``[start, end)`` days) into the rollup.

    Call inside the transaction that wrote those rows, after :func:`delete`.
    """
    if start is None:
        conn.execute(f"INSERT INTO {TABLE} BY NAME {_select('x_scope = ?')}", [scope])
    else:
        conn.execute(
            f"INSERT INTO {TABLE} BY NAME"
            f" {_select('x_scope = ? AND ChargePeriodStart >= ? AND ChargePeriodStart < ?')}",
            [scope, start, end],
        )


def refresh_all(conn: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the whole rollup from ``cost`` (for rows written outside CloudSpy's writer)."""
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {TABLE}")
        conn.execute(f"INSERT INTO {TABLE} BY NAME {_select('true')}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
