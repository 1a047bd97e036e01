"""Named SQL over ``cost`` and ``cost_coverage``: every aggregation runs in DuckDB.

Only aggregates come back to Python: group totals and, for the groups shown,
one value per time bucket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cloudspy.dimensions import NONE_LABEL, Dimension, dimension_params

if TYPE_CHECKING:
    import duckdb

METRIC_COLUMNS = {"billed": "BilledCost", "effective": "EffectiveCost", "list": "ListCost"}
OTHER_LABEL = "Other"


@dataclass
class CostFilter:
    """Row filters shared by costs, compare, check and export (values are bound)."""

    providers: list[str] = field(default_factory=list)  # lower-cased ProviderName values
    regions: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)

    def sql(self) -> tuple[str, list[Any]]:
        """A ``WHERE`` fragment (starting with AND, or empty) and its parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.providers:
            parts.append(f"lower(ProviderName) IN ({_marks(self.providers)})")
            params += self.providers
        if self.regions:
            parts.append(f"lower(RegionId) IN ({_marks(self.regions)})")
            params += [r.lower() for r in self.regions]
        if self.services:
            parts.append("(" + " OR ".join(["ServiceName ILIKE ?"] * len(self.services)) + ")")
            params += [f"%{_escape_like(s)}%" for s in self.services]
        if self.accounts:
            ors = " OR ".join(
                ["(SubAccountId = ? OR BillingAccountId = ? OR SubAccountName = ?)"]
                * len(self.accounts)
            )
            parts.append(f"({ors})")
            for account in self.accounts:
                params += [account, account, account]
        return ("".join(f" AND {p}" for p in parts), params)

    def dimension_names(self) -> list[str]:
        """The coverage dimensions these filters read."""
        names = []
        if self.regions:
            names.append("region")
        if self.services:
            names.append("service")
        if self.accounts:
            names.append("account")
        return names


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def coverage(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, providers: list[str]
) -> list[dict[str, Any]]:
    """Per cached scope: its grain, metrics, days covered and freshness in ``[start, end)``."""
    where = "day >= ? AND day < ?"
    params: list[Any] = [start, end]
    if providers:
        where += f" AND lower(ProviderName) IN ({_marks(providers)})"
        params += providers
    cursor = conn.execute(
        # A scope answers a dimension only if every one of its days has it.
        "SELECT x_scope, any_value(x_source), any_value(ProviderName),"
        " count(DISTINCT day), count(DISTINCT day) FILTER (WHERE estimated),"
        " max(fetched_at), min(priority),"
        " list_reduce(list(dimensions), lambda a, b: list_intersect(a, b)),"
        " list_reduce(list(metrics), lambda a, b: list_intersect(a, b))"
        f" FROM cost_coverage WHERE {where} GROUP BY x_scope ORDER BY x_scope",
        params,
    )
    out = []
    for row in cursor.fetchall():
        out.append(
            {
                "scope": row[0],
                "source": row[1],
                "provider": row[2],
                "dimensions": sorted(row[7] or []),
                "metrics": sorted(row[8] or []),
                "days": row[3],
                "estimated_days": row[4],
                "fetched_at": row[5],
                "priority": row[6],
            }
        )
    return out


def has_overlaps(conn: duckdb.DuckDBPyConnection, start: date, end: date) -> bool:
    """Whether two scopes cover the same provider account and day (one must yield)."""
    rows = conn.execute(
        "SELECT 1 FROM cost_coverage a JOIN cost_coverage b"
        " ON a.ProviderName = b.ProviderName AND a.BillingAccountId = b.BillingAccountId"
        " AND a.day = b.day AND a.priority < b.priority"
        " WHERE a.day >= ? AND a.day < ? LIMIT 1",
        [start, end],
    ).fetchall()
    return bool(rows)


# Rows of a lower-priority scope are left out where a higher-priority scope covers
# the same provider billing account and day (an imported FOCUS file over an API sync).
_OVERLAP_SQL = (
    " AND NOT EXISTS (SELECT 1 FROM cost_coverage lo JOIN cost_coverage hi"
    " ON hi.ProviderName = lo.ProviderName AND hi.BillingAccountId = lo.BillingAccountId"
    " AND hi.day = lo.day AND hi.priority > lo.priority"
    " WHERE lo.x_scope = cost.x_scope AND lo.BillingAccountId = cost.BillingAccountId"
    " AND lo.day = CAST(cost.ChargePeriodStart AS DATE))"
)


@dataclass
class AggregateSpec:
    """What :func:`aggregate` computes."""

    dims: list[Dimension]
    metric_column: str
    current: tuple[date, date]
    previous: tuple[date, date]
    filters: CostFilter
    granularity: str  # day | week | month
    top: int | None
    exclude_overlaps: bool = False


@dataclass
class Aggregate:
    """Group totals (current, previous) and per-bucket series, folded to ``top``."""

    groups: list[dict[str, Any]]
    series: dict[tuple[Any, ...], list[tuple[date, Decimal]]]


def _base_cte(spec: AggregateSpec) -> tuple[str, list[Any]]:
    dim_cols = ", ".join(
        f"coalesce(CAST({d.sql} AS VARCHAR), '{NONE_LABEL}') AS d{i}"
        for i, d in enumerate(spec.dims)
    )
    filter_sql, filter_params = spec.filters.sql()
    overlap = _OVERLAP_SQL if spec.exclude_overlaps else ""
    select = f"{dim_cols}, " if dim_cols else ""
    sql = (
        f"SELECT {select}BillingCurrency AS currency,"
        f" CAST(ChargePeriodStart AS DATE) AS day, {spec.metric_column} AS amount"
        f"{_label_columns(spec.dims)}"
        f" FROM cost WHERE ChargePeriodStart >= ? AND ChargePeriodStart < ?{filter_sql}{overlap}"
    )
    params = [*dimension_params(spec.dims), spec.previous[0], spec.current[1], *filter_params]
    return sql, params


def _label_columns(dims: list[Dimension]) -> str:
    parts = []
    for i, d in enumerate(dims):
        if d.label_sql:
            parts.append(f", {d.label_sql} AS l{i}")
    return "".join(parts)


def aggregate(conn: duckdb.DuckDBPyConnection, spec: AggregateSpec) -> Aggregate:
    """Group totals for the current and previous windows, and the current series."""
    base, params = _base_cte(spec)
    n = len(spec.dims)
    dcols = [f"d{i}" for i in range(n)]
    label_aggs = "".join(
        f", max(l{i}) AS l{i}" if d.label_sql else f", NULL AS l{i}"
        for i, d in enumerate(spec.dims)
    )
    group_cols = ", ".join([*dcols, "currency"])
    rank_limit = spec.top if spec.top else 2**31
    folded = ", ".join(
        f"CASE WHEN rnk <= {int(rank_limit)} THEN d{i} ELSE '{OTHER_LABEL}' END AS d{i}"
        for i in range(n)
    )
    folded_select = f"{folded}, " if folded else ""
    cur_start = spec.current[0]
    grp_sql = (
        f"WITH base AS ({base}),"
        f" grp AS (SELECT {group_cols},"
        f" sum(amount) FILTER (WHERE day >= ?) AS cost,"
        f" sum(amount) FILTER (WHERE day < ?) AS prev{label_aggs}"
        f" FROM base GROUP BY {group_cols}),"
        f" ranked AS (SELECT *, row_number() OVER (PARTITION BY currency"
        f" ORDER BY coalesce(cost, 0) DESC{''.join(f', d{i}' for i in range(n))}) AS rnk FROM grp)"
        f" SELECT {folded_select}currency, sum(coalesce(cost, 0)) AS cost, sum(prev) AS prev,"
        f" bool_or(cost IS NOT NULL) AS in_current,"
        f" {', '.join(f'CASE WHEN count(*) = 1 THEN max(l{i}) END' for i in range(n)) or 'NULL'}"
        f" FROM ranked GROUP BY ALL ORDER BY currency, cost DESC"
    )
    cursor = conn.execute(grp_sql, [*params, cur_start, cur_start])
    groups = []
    for row in cursor.fetchall():
        key = tuple(row[:n])
        currency, cost, prev, in_current = row[n], row[n + 1], row[n + 2], row[n + 3]
        labels = row[n + 4 :] if n else ()
        groups.append(
            {
                "key": key,
                "currency": currency,
                "cost": cost if cost is not None else Decimal(0),
                "previous": prev,
                "in_current": bool(in_current),
                "labels": {spec.dims[i].name: v for i, v in enumerate(labels) if v},
            }
        )
    trunc = {"day": "day", "week": "week", "month": "month"}[spec.granularity]
    series_sql = (
        f"WITH base AS ({base}),"
        f" grp AS (SELECT {group_cols}, sum(amount) FILTER (WHERE day >= ?) AS cost"
        f" FROM base GROUP BY {group_cols}),"
        f" ranked AS (SELECT {group_cols}, row_number() OVER (PARTITION BY currency"
        f" ORDER BY coalesce(cost, 0) DESC{''.join(f', d{i}' for i in range(n))}) AS rnk"
        f" FROM grp)"
        f" SELECT {folded_select}currency, CAST(date_trunc('{trunc}', day) AS DATE) AS bucket,"
        f" sum(amount) FROM base JOIN ranked USING ({group_cols})"
        f" WHERE day >= ? GROUP BY ALL ORDER BY bucket"
    )
    series: dict[tuple[Any, ...], list[tuple[date, Decimal]]] = {}
    for row in conn.execute(series_sql, [*params, cur_start, cur_start]).fetchall():
        key = (*row[:n], row[n])
        series.setdefault(key, []).append((row[n + 1], row[n + 2]))
    # Within a currency: biggest first, the folded "Other" row last.
    groups.sort(
        key=lambda g: (g["currency"], n > 0 and g["key"][0] == OTHER_LABEL and spec.top, -g["cost"])
    )
    return Aggregate(groups=groups, series=series)


def bucket_starts(start: date, end: date, granularity: str) -> list[date]:
    """Every bucket start (day, ISO-week Monday, month first) touching ``[start, end)``."""
    out: list[date] = []
    if granularity == "day":
        return [start + timedelta(days=i) for i in range((end - start).days)]
    if granularity == "week":
        cursor = start - timedelta(days=start.weekday())
        while cursor < end:
            out.append(cursor)
            cursor += timedelta(weeks=1)
        return out
    cursor = start.replace(day=1)
    while cursor < end:
        out.append(cursor)
        cursor = (cursor + timedelta(days=32)).replace(day=1)
    return out
