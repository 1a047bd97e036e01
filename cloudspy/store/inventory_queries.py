"""Named SQL over the inventory tables; only what a view needs comes back to Python."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cloudspy.models.inventory import ResourceRow, Snapshot
from cloudspy.models.resource import (
    CPU_PERCENT,
    MEMORY_PERCENT,
    NETWORK_BYTES,
    DailyUsage,
    Resource,
)
from cloudspy.store.engine import register_arrow

if TYPE_CHECKING:
    import duckdb


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


@dataclass
class ResourceFilter:
    """Row filters of ``resources``, ``waste`` and ``schedule`` (values are bound)."""

    providers: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    def sql(self) -> tuple[str, list[Any]]:
        """A ``WHERE`` body (``true`` when empty) and its parameters."""
        parts = ["true"]
        params: list[Any] = []
        for column, values in (
            ("provider", self.providers),
            ("region", [v.lower() for v in self.regions]),
            ("kind", self.kinds),
        ):
            if values:
                parts.append(f"lower({column}) IN ({_marks(values)})")
                params += values
        if self.states:
            lowered = [s.lower() for s in self.states]
            marks = _marks(lowered)
            parts.append(f"(lower(state) IN ({marks}) OR lower(power_state) IN ({marks}))")
            params += lowered + lowered
        for key, value in self.tags.items():
            parts.append("json_extract_string(tags, ?) = ?")
            params += ["$." + json.dumps(key), value]
        return " AND ".join(parts), params


def snapshot_info(conn: duckdb.DuckDBPyConnection, providers: list[str], now: datetime) -> Snapshot:
    """The oldest and newest region snapshot, and the regions whose last read was denied."""
    where = f"provider IN ({_marks(providers)})" if providers else "true"
    row = conn.execute(
        f"SELECT min(snapshot_at), max(snapshot_at) FROM inventory_coverage WHERE {where}",
        providers,
    ).fetchall()[0]
    denied = [
        f"{r[0]} {r[1]}"
        for r in conn.execute(
            f"SELECT scope, region FROM inventory_coverage WHERE status <> 'ok' AND {where}"
            " ORDER BY ALL",
            providers,
        ).fetchall()
    ]
    if row[0] is None:
        return Snapshot(denied_regions=denied)
    age = (now - row[0]).total_seconds() / 3600
    return Snapshot(oldest=row[0], newest=row[1], age_hours=round(age, 2), denied_regions=denied)


_ROW_COLUMNS = (
    "provider, account, region, zone, resource_id, kind, name, state, power_state, type,"
    " platform, size_gb, created_at, attached_to, tags, monthly_cost, currency, price_basis,"
    " snapshot_at"
)


def list_resources(conn: duckdb.DuckDBPyConnection, filters: ResourceFilter) -> list[ResourceRow]:
    """The filtered inventory, ordered by provider, account, region, kind, id."""
    where, params = filters.sql()
    cursor = conn.execute(
        f"SELECT {_ROW_COLUMNS} FROM resource WHERE {where}"
        " ORDER BY provider, account, region, kind, resource_id",
        params,
    )
    names = [d[0] for d in cursor.description]
    out = []
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        row["tags"] = json.loads(row["tags"]) if row["tags"] else {}
        out.append(ResourceRow(**row))
    return out


_MODEL_COLUMNS = (
    "provider, account, region, resource_id, kind, name, zone, state, power_state, type,"
    " size_gb, created_at, state_since, attached_to, attached, target_count,"
    " platform, iops, throughput_mibps"
)


def load_resources(
    conn: duckdb.DuckDBPyConnection, filters: ResourceFilter, *, with_raw: bool = False
) -> list[Resource]:
    """Normalized resources (without tags, and without raw payloads unless
    ``with_raw``: pricing reads a VM's platform and a volume's IOPS there)."""
    where, params = filters.sql()
    raw = ", CAST(raw AS VARCHAR)" if with_raw else ""
    rows = conn.execute(
        f"SELECT {_MODEL_COLUMNS}, monthly_cost, currency, price_basis{raw}"
        f" FROM resource WHERE {where}",
        params,
    ).fetchall()
    out = []
    for r in rows:
        payload = json.loads(r[22]) if with_raw and r[22] else None
        out.append(
            Resource(
                *r[:16],
                platform=r[16],
                iops=r[17],
                throughput_mibps=r[18],
                monthly_cost=r[19],
                currency=r[20],
                price_basis=r[21],
                raw=payload,
            )
        )
    return out


def load_payloads(
    conn: duckdb.DuckDBPyConnection, resources: Sequence[Resource]
) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The stored raw payload of each of ``resources`` that has one, by (provider,
    account, resource id): read for a few resources after a raw-less load."""
    if not resources:
        return {}
    wanted = {(r.provider, r.account, r.resource_id) for r in resources}
    ids = sorted({r.resource_id for r in resources})
    rows = conn.execute(
        "SELECT provider, account, resource_id, CAST(raw AS VARCHAR) FROM resource"
        f" WHERE resource_id IN ({_marks(ids)}) AND raw IS NOT NULL",
        ids,
    ).fetchall()
    return {(p, a, rid): json.loads(raw) for p, a, rid, raw in rows if (p, a, rid) in wanted}


def daily_usage(
    conn: duckdb.DuckDBPyConnection, first_day: date, end_day: date, p95_since: date | None = None
) -> dict[str, DailyUsage]:
    """Per VM, its daily average CPU and network bytes on ``[first_day, end_day)``, and
    its largest daily p95 CPU (with the days that have one) from ``p95_since`` on."""
    rows = conn.execute(
        "SELECT resource_id, list(day - ?::DATE ORDER BY day), list(cpu ORDER BY day),"
        " list(net ORDER BY day), max(p95) FILTER (WHERE day >= ?),"
        " count(p95) FILTER (WHERE day >= ?), max(mem) FILTER (WHERE day >= ?),"
        " count(mem) FILTER (WHERE day >= ?) FROM ("
        "  SELECT resource_id, day,"
        "   max(avg_value) FILTER (WHERE metric = ?) AS cpu,"
        "   sum(sum_value) FILTER (WHERE metric = ?) AS net,"
        "   max(p95_value) FILTER (WHERE metric = ?) AS p95,"
        "   max(p95_value) FILTER (WHERE metric = ?) AS mem"
        "  FROM metric_daily WHERE day >= ? AND day < ? GROUP BY resource_id, day"
        "  HAVING cpu IS NOT NULL) GROUP BY resource_id",
        [
            first_day,
            *[p95_since or first_day] * 4,
            CPU_PERCENT,
            NETWORK_BYTES,
            CPU_PERCENT,
            MEMORY_PERCENT,
            first_day,
            end_day,
        ],
    ).fetchall()
    return {r[0]: DailyUsage(first_day, r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows}


def hourly_cpu(
    conn: duckdb.DuckDBPyConnection, ids: list[str], start: datetime, end: datetime
) -> dict[str, list[tuple[datetime, float]]]:
    """Hourly CPU samples of the given VMs (for schedule suggestions)."""
    import pyarrow as pa

    register_arrow(conn, "wanted_ids", pa.table({"resource_id": pa.array(ids, pa.string())}))
    try:
        rows = conn.execute(
            "SELECT resource_id, list(ts ORDER BY ts), list(value ORDER BY ts) FROM metric"
            " WHERE metric = ? AND ts >= ? AND ts < ?"
            " AND resource_id IN (SELECT resource_id FROM wanted_ids) GROUP BY resource_id",
            [CPU_PERCENT, start, end],
        ).fetchall()
    finally:
        conn.unregister("wanted_ids")
    return {r[0]: list(zip(r[1], r[2], strict=True)) for r in rows}


@dataclass(frozen=True)
class ActualCost:
    """A resource's billed cost over the look-back window, from the ``cost`` table.

    ``days`` had charges; ``covered_days`` are the days from its first charge in the
    window that the cache covers for the scope holding its rows (a day the cache
    lacks is unknown, not zero, #13), which :attr:`monthly` scales by.
    """

    amount: Decimal
    currency: str
    days: int
    start: date
    end: date
    covered_days: int = 0

    @property
    def monthly(self) -> Decimal | None:
        """The cost per average month (365.25 / 12 days) at the rate of the covered days."""
        if not self.covered_days:
            return None
        return (self.amount * DAYS_PER_MONTH / self.covered_days).quantize(Decimal("0.0001"))


DAYS_PER_MONTH = Decimal("30.4375")


def actual_costs(
    conn: duckdb.DuckDBPyConnection, ids: list[str], start: date, end: date
) -> dict[str, ActualCost]:
    """BilledCost per ResourceId on ``[start, end)``, for the ids that have charges."""
    if not ids:
        return {}
    import pyarrow as pa

    register_arrow(conn, "priced_ids", pa.table({"resource_id": pa.array(ids, pa.string())}))
    try:
        rows = conn.execute(
            "WITH charged AS (SELECT ResourceId, BillingCurrency, x_scope, sum(BilledCost) AS amt,"
            " count(DISTINCT CAST(ChargePeriodStart AS DATE)) AS days,"
            " min(CAST(ChargePeriodStart AS DATE)) AS first FROM cost"
            " WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?"
            " AND ResourceId IN (SELECT resource_id FROM priced_ids)"
            " AND ChargeCategory = 'Usage' GROUP BY ALL),"
            " covered AS (SELECT c.ResourceId, count(DISTINCT v.day) AS covered"
            " FROM charged c JOIN cost_coverage v ON v.x_scope = c.x_scope"
            " AND v.day >= c.first AND v.day < ? GROUP BY c.ResourceId)"
            " SELECT c.ResourceId, c.BillingCurrency, sum(c.amt), max(c.days),"
            " any_value(k.covered) FROM charged c LEFT JOIN covered k USING (ResourceId)"
            " GROUP BY c.ResourceId, c.BillingCurrency",
            [start, end, end],
        ).fetchall()
    finally:
        conn.unregister("priced_ids")
    return {r[0]: ActualCost(r[2], r[1], r[3], start, end, r[4] or 0) for r in rows}


def inventory_cached(conn: duckdb.DuckDBPyConnection, providers: list[str]) -> bool:
    """Whether any inventory is cached (for ``providers``, when given)."""
    where = f" WHERE provider IN ({', '.join('?' for _ in providers)})" if providers else ""
    rows = conn.execute(f"SELECT count(*) FROM inventory_coverage{where}", providers).fetchall()
    return bool(rows[0][0])
