"""Writes to ``resource``, ``inventory_coverage``, ``metric`` and ``metric_daily``.

Rows travel through Arrow (no row-by-row inserts). :func:`replace_scope` swaps
every collected region of one scope in a single transaction: a crash leaves
either the old snapshot or the new one, never half of each.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cloudspy.models.resource import Collected, MetricSample, Resource
from cloudspy.store.engine import register_arrow

if TYPE_CHECKING:
    import duckdb

_RESOURCE_COLUMNS = [
    ("provider", "string"),
    ("account", "string"),
    ("region", "string"),
    ("zone", "string"),
    ("resource_id", "string"),
    ("kind", "string"),
    ("name", "string"),
    ("state", "string"),
    ("power_state", "string"),
    ("type", "string"),
    ("size_gb", "double"),
    ("created_at", "timestamp"),
    ("state_since", "timestamp"),
    ("attached_to", "string"),
    ("attached", "bool"),
    ("target_count", "int"),
    ("tags", "string"),
    ("monthly_cost", "string"),
    ("currency", "string"),
    ("price_basis", "string"),
    ("raw", "string"),
    ("platform", "string"),
    ("iops", "int"),
    ("throughput_mibps", "int"),
]


def _naive(value: datetime | None) -> datetime | None:
    """UTC without tzinfo, as the store keeps every timestamp."""
    if value is None or value.tzinfo is None:
        return value
    from datetime import UTC

    return value.astimezone(UTC).replace(tzinfo=None)


def resource_arrow(resources: list[Resource]) -> Any:
    """Resources as an Arrow table (money as decimal text, JSON as text)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "double": pa.float64(),
        "timestamp": pa.timestamp("us"),
        "bool": pa.bool_(),
        "int": pa.int32(),
    }
    columns: dict[str, list[Any]] = {name: [] for name, _ in _RESOURCE_COLUMNS}
    for r in resources:
        columns["provider"].append(r.provider)
        columns["account"].append(r.account)
        columns["region"].append(r.region)
        columns["zone"].append(r.zone)
        columns["resource_id"].append(r.resource_id)
        columns["kind"].append(r.kind)
        columns["name"].append(r.name)
        columns["state"].append(r.state)
        columns["power_state"].append(r.power_state)
        columns["type"].append(r.type)
        columns["size_gb"].append(r.size_gb)
        columns["created_at"].append(_naive(r.created_at))
        columns["state_since"].append(_naive(r.state_since))
        columns["attached_to"].append(r.attached_to)
        columns["attached"].append(r.attached)
        columns["target_count"].append(r.target_count)
        columns["tags"].append(json.dumps(r.tags, sort_keys=True) if r.tags else None)
        columns["monthly_cost"].append(None if r.monthly_cost is None else str(r.monthly_cost))
        columns["currency"].append(r.currency)
        columns["price_basis"].append(r.price_basis)
        columns["raw"].append(json.dumps(r.raw, default=str) if r.raw is not None else None)
        columns["platform"].append(r.platform)
        columns["iops"].append(r.iops)
        columns["throughput_mibps"].append(r.throughput_mibps)
    schema = pa.schema([(name, types[kind]) for name, kind in _RESOURCE_COLUMNS])
    return pa.Table.from_pydict(columns, schema=schema)


def metric_arrow(samples: list[MetricSample]) -> Any:
    """Samples as an Arrow table."""
    import pyarrow as pa

    return pa.Table.from_pydict(
        {
            "resource_id": [s.resource_id for s in samples],
            "metric": [s.metric for s in samples],
            "ts": [_naive(s.ts) for s in samples],
            "value": [float(s.value) for s in samples],
            "unit": [s.unit for s in samples],
        },
        schema=pa.schema(
            [
                ("resource_id", pa.string()),
                ("metric", pa.string()),
                ("ts", pa.timestamp("us")),
                ("value", pa.float64()),
                ("unit", pa.string()),
            ]
        ),
    )


ROLLUP_SQL = """
INSERT INTO metric_daily
SELECT scope, region, resource_id, metric, CAST(ts AS DATE), avg(value), max(value),
       sum(value), count(*), quantile_cont(value, 0.95)
FROM metric WHERE scope = ? AND region = ?
GROUP BY ALL
"""


def _write_region(
    conn: duckdb.DuckDBPyConnection,
    scope: str,
    provider: str,
    account: str,
    collected: Collected,
    snapshot_at: datetime,
    run_id: str,
) -> int:
    # The partition's region is authoritative: it is what the next sync replaces.
    region = collected.region
    register_arrow(conn, "incoming_resource_arrow", resource_arrow(collected.resources))
    try:
        conn.execute("DELETE FROM resource WHERE scope = ? AND region = ?", [scope, region])
        conn.execute(
            "INSERT INTO resource BY NAME SELECT * REPLACE ("
            " CAST(monthly_cost AS DECIMAL(38, 16)) AS monthly_cost,"
            " CAST(tags AS JSON) AS tags, CAST(raw AS JSON) AS raw, ? AS region),"
            " ?::TIMESTAMP AS snapshot_at, ? AS x_sync_id, ? AS scope"
            " FROM incoming_resource_arrow ORDER BY kind, resource_id",
            [region, snapshot_at, run_id, scope],
        )
    finally:
        conn.unregister("incoming_resource_arrow")
    conn.execute(
        "INSERT OR REPLACE INTO inventory_coverage VALUES (?, ?, ?, ?, ?, 'ok', ?, NULL, ?)",
        [scope, provider, account, region, snapshot_at, len(collected.resources), run_id],
    )
    if collected.metrics_since is not None:
        conn.execute(
            "DELETE FROM metric WHERE scope = ? AND region = ? AND ts >= ?",
            [scope, region, collected.metrics_since],
        )
    if collected.metrics:
        register_arrow(conn, "incoming_metric_arrow", metric_arrow(collected.metrics))
        try:
            conn.execute(
                "INSERT INTO metric BY NAME SELECT *, ? AS provider, ? AS scope, ? AS region"
                " FROM incoming_metric_arrow ORDER BY resource_id, metric, ts",
                [provider, scope, region],
            )
        finally:
            conn.unregister("incoming_metric_arrow")
    conn.execute("DELETE FROM metric_daily WHERE scope = ? AND region = ?", [scope, region])
    conn.execute(ROLLUP_SQL, [scope, region])
    return len(collected.resources)


def replace_scope(
    conn: duckdb.DuckDBPyConnection,
    *,
    scope: str,
    provider: str,
    account: str,
    collected: list[Collected],
    denied: dict[str, str],
    snapshot_at: datetime,
    run_id: str,
) -> int:
    """Replace the collected regions of ``scope`` and record the denied ones, atomically.

    A denied region keeps its earlier snapshot (its age shows in ``resources``);
    its coverage row says why it was skipped. Returns the resources written.
    """
    conn.execute("BEGIN TRANSACTION")
    try:
        written = 0
        for part in collected:
            written += _write_region(conn, scope, provider, account, part, snapshot_at, run_id)
        for region, error in denied.items():
            conn.execute(
                "INSERT INTO inventory_coverage VALUES (?, ?, ?, ?, ?, 'denied', 0, ?, ?)"
                " ON CONFLICT (scope, region) DO UPDATE SET status = 'denied',"
                " error = excluded.error, x_sync_id = excluded.x_sync_id",
                [scope, provider, account, region, snapshot_at, error, run_id],
            )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return written


def update_prices(conn: duckdb.DuckDBPyConnection, resources: list[Resource]) -> int:
    """Write the monthly cost, currency, price basis and platform of ``resources`` (by
    scope row id) after a price refresh; return the rows changed."""
    import pyarrow as pa

    if not resources:
        return 0
    table = pa.table(
        {
            "provider": [r.provider for r in resources],
            "account": [r.account for r in resources],
            "resource_id": [r.resource_id for r in resources],
            "monthly_cost": [
                None if r.monthly_cost is None else str(r.monthly_cost) for r in resources
            ],
            "currency": [r.currency for r in resources],
            "price_basis": [r.price_basis for r in resources],
            "platform": [r.platform for r in resources],
        },
        schema=pa.schema(
            [
                ("provider", pa.string()),
                ("account", pa.string()),
                ("resource_id", pa.string()),
                ("monthly_cost", pa.string()),
                ("currency", pa.string()),
                ("price_basis", pa.string()),
                ("platform", pa.string()),
            ]
        ),
    )
    register_arrow(conn, "repriced", table)
    try:
        changed = conn.execute(
            "UPDATE resource SET monthly_cost = CAST(p.monthly_cost AS DECIMAL(38, 16)),"
            " currency = p.currency, price_basis = p.price_basis, platform = p.platform"
            " FROM repriced AS p"
            " WHERE resource.provider = p.provider AND resource.account = p.account"
            " AND resource.resource_id = p.resource_id"
        ).fetchall()
    finally:
        conn.unregister("repriced")
    return int(changed[0][0]) if changed else 0


def forget_scopes(conn: duckdb.DuckDBPyConnection, prefix: str) -> None:
    """Delete the inventory, utilization and coverage of every scope named ``prefix…``
    (the demo's, before it is built again)."""
    for table in ("resource", "metric", "metric_daily", "inventory_coverage"):
        conn.execute(f"DELETE FROM {table} WHERE starts_with(scope, ?)", [prefix])
