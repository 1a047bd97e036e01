"""Named SQL over ``cost`` and ``cost_coverage``: every aggregation runs in DuckDB.

Only aggregates come back to Python: group totals and, for the groups shown,
one value per time bucket.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cloudspy.store.dimension import NONE_LABEL, Dimension, dimension_params

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


def _coverage_where(start: date, end: date, providers: list[str]) -> tuple[str, list[Any]]:
    where = "day >= ? AND day < ?"
    params: list[Any] = [start, end]
    if providers:
        where += f" AND lower(ProviderName) IN ({_marks(providers)})"
        params += providers
    return where, params


def coverage(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, providers: list[str]
) -> list[dict[str, Any]]:
    """Per cached scope: its grain, metrics, days covered and freshness in ``[start, end)``."""
    where, params = _coverage_where(start, end, providers)
    cursor = conn.execute(
        # The distinct lists of a scope are few (one per way it was ever fetched);
        # intersecting them here is cheaper than binding a lambda in SQL.
        "SELECT x_scope, any_value(x_source), any_value(ProviderName),"
        " count(DISTINCT day), count(DISTINCT day) FILTER (WHERE estimated),"
        " max(fetched_at), min(priority), list(DISTINCT dimensions), list(DISTINCT metrics)"
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
                # A scope answers a dimension only if every one of its days has it.
                "dimensions": _common(row[7]),
                "metrics": _common(row[8]),
                "days": row[3],
                "estimated_days": row[4],
                "fetched_at": row[5],
                "priority": row[6],
            }
        )
    return out


def _common(lists: list[list[str] | None]) -> list[str]:
    """The names in every one of ``lists`` (a NULL list has none), sorted."""
    sets = [set(names or ()) for names in lists]
    return sorted(set.intersection(*sets)) if sets else []


def covered_days(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, providers: list[str]
) -> dict[str, int]:
    """Per cached scope, the days it covers in ``[start, end)``.

    The ``days`` of :func:`coverage` alone: a fraction of its cost (no list
    intersections), for the previous window whose completeness is all a report needs.
    """
    where, params = _coverage_where(start, end, providers)
    rows = conn.execute(
        f"SELECT x_scope, count(DISTINCT day) FROM cost_coverage WHERE {where} GROUP BY x_scope",
        params,
    ).fetchall()
    return dict(rows)


def coverage_gaps(
    conn: duckdb.DuckDBPyConnection, start: date, end: date, providers: list[str]
) -> dict[tuple[str, str], list[date]]:
    """Per (ProviderName, BillingAccountId): the days of ``[start, end)`` no scope covers.

    An account is expected from the later of ``start`` and its first cached day
    (an account that began inside the window is not missing its earlier days),
    and only if it has any day from ``start`` on. A day some scope covers is
    known (zero spend included); a day none covers is unknown, never zero (#13).
    """
    if end <= start:
        return {}
    provider_filter = ""
    params: list[Any] = [start]
    if providers:
        provider_filter = f"WHERE lower(ProviderName) IN ({_marks(providers)})"
        params = [*providers, start]
    rows = conn.execute(
        "WITH accounts AS ("
        f" SELECT ProviderName, BillingAccountId, min(day) AS first FROM cost_coverage"
        f" {provider_filter} GROUP BY ALL HAVING max(day) >= ?),"
        " days AS (SELECT CAST(range AS DATE) AS day"
        " FROM range(CAST(? AS TIMESTAMP), CAST(? AS TIMESTAMP), INTERVAL 1 DAY))"
        " SELECT a.ProviderName, a.BillingAccountId, d.day FROM accounts a"
        " JOIN days d ON d.day >= a.first"
        " WHERE NOT EXISTS (SELECT 1 FROM cost_coverage c WHERE c.day = d.day"
        " AND c.ProviderName = a.ProviderName AND c.BillingAccountId = a.BillingAccountId)"
        " ORDER BY ALL",
        [*params, start, end],
    ).fetchall()
    gaps: dict[tuple[str, str], list[date]] = {}
    for provider, account, day in rows:
        gaps.setdefault((provider, account), []).append(day)
    return gaps


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
def overlap_sql(table: str, day: str) -> str:
    """The ``AND NOT EXISTS`` clause hiding ``table``'s rows that a better scope covers."""
    return (
        " AND NOT EXISTS (SELECT 1 FROM cost_coverage lo JOIN cost_coverage hi"
        " ON hi.ProviderName = lo.ProviderName AND hi.BillingAccountId = lo.BillingAccountId"
        " AND hi.day = lo.day AND hi.priority > lo.priority"
        f" WHERE lo.x_scope = {table}.x_scope AND lo.BillingAccountId = {table}.BillingAccountId"
        f" AND lo.day = {day})"
    )


_OVERLAP_SQL = overlap_sql("cost", "CAST(cost.ChargePeriodStart AS DATE)")


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


def _label_columns(dims: list[Dimension]) -> str:
    return "".join(
        f", max({d.label_sql}) AS l{i}" if d.label_sql else f", NULL AS l{i}"
        for i, d in enumerate(dims)
    )


def _staged_sql(spec: AggregateSpec) -> tuple[str, list[Any]]:
    """One scan: per group, currency and time bucket, with its parameters.

    The scan reads the ``cost_daily`` rollup when every dimension is kept there
    (provider, account, service, region …) and ``cost`` itself otherwise
    (resource, tags). The previous window collapses into one bucket
    (``is_current`` false); the current one keeps a bucket per day, week or
    month for the trend. Totals, ranks and series are then read off this scan.
    """
    dims = ", ".join(
        f"coalesce(CAST({d.sql} AS VARCHAR), '{NONE_LABEL}') AS d{i}"
        for i, d in enumerate(spec.dims)
    )
    filter_sql, filter_params = spec.filters.sql()
    if all(d.rollup for d in spec.dims):
        table, day, overlap = "cost_daily", "day", overlap_sql("cost_daily", "cost_daily.day")
    else:
        table, day, overlap = "cost", "ChargePeriodStart", _OVERLAP_SQL
    overlap = overlap if spec.exclude_overlaps else ""
    trunc = {"day": "day", "week": "week", "month": "month"}[spec.granularity]
    sql = (
        f"SELECT {dims}{', ' if dims else ''}"
        f" BillingCurrency AS currency, {day} >= ? AS is_current,"
        f" CASE WHEN {day} >= ? THEN CAST(date_trunc('{trunc}', {day}) AS DATE) END AS bucket,"
        f" sum({spec.metric_column}) AS amount{_label_columns(spec.dims)}"
        f" FROM {table} WHERE {day} >= ? AND {day} < ?{filter_sql}{overlap}"
        " GROUP BY ALL"
    )
    params = [
        *dimension_params(spec.dims),
        spec.current[0],
        spec.current[0],
        spec.previous[0],
        spec.current[1],
        *filter_params,
    ]
    return sql, params


def aggregate(conn: duckdb.DuckDBPyConnection, spec: AggregateSpec) -> Aggregate:
    """Group totals for the current and previous windows, and the current series.

    One statement: the scan, the ranking that folds groups beyond ``top`` into
    "Other", and both answers as two grouping sets (per group; per group and
    bucket). A temp table and three statements cost twice as long (#2).
    """
    n = len(spec.dims)
    dim_cols = "".join(f"d{i}, " for i in range(n))
    group_cols = f"{dim_cols}currency"
    order_dims = "".join(f", d{i}" for i in range(n))
    rank_limit = int(spec.top) if spec.top else 2**31
    folded = "".join(
        f"CASE WHEN rnk <= {rank_limit} THEN d{i} ELSE '{OTHER_LABEL}' END AS d{i}, "
        for i in range(n)
    )
    labels = "".join(f", CASE WHEN count(DISTINCT rnk) = 1 THEN max(l{i}) END" for i in range(n))
    staged, params = _staged_sql(spec)
    rows = conn.execute(
        f"WITH staged AS ({staged}),"
        f" ranked AS (SELECT {group_cols}, row_number() OVER (PARTITION BY currency"
        f" ORDER BY coalesce(sum(amount) FILTER (WHERE is_current), 0) DESC{order_dims}) AS rnk"
        f" FROM staged GROUP BY {group_cols}),"
        f" folded AS (SELECT {folded}currency, rnk, is_current, bucket, amount"
        f"{''.join(f', l{i}' for i in range(n))} FROM staged JOIN ranked USING ({group_cols}))"
        f" SELECT {group_cols}, GROUPING(bucket) = 1 AS whole, bucket,"
        " coalesce(sum(amount) FILTER (WHERE is_current), 0) AS cost,"
        " sum(amount) FILTER (WHERE NOT is_current) AS prev,"
        f" bool_or(is_current) AS in_current{labels}"
        f" FROM folded GROUP BY GROUPING SETS (({group_cols}), ({group_cols}, bucket))"
        " ORDER BY bucket NULLS FIRST",
        params,
    ).fetchall()
    groups = []
    series: dict[tuple[Any, ...], list[tuple[date, Decimal]]] = {}
    for row in rows:
        key = tuple(row[:n])
        currency, whole, bucket, cost, prev, in_current = row[n : n + 6]
        if not whole:
            # The previous window's rows have no bucket: they are not part of the trend.
            if bucket is not None:
                series.setdefault((*key, currency), []).append((bucket, cost))
            continue
        labels_of = row[n + 6 :] if n else ()
        groups.append(
            {
                "key": key,
                "currency": currency,
                "cost": cost,
                "previous": prev,
                "in_current": bool(in_current),
                "labels": {spec.dims[i].name: v for i, v in enumerate(labels_of) if v},
            }
        )
    # Within a currency: biggest first, the folded "Other" row last.
    groups.sort(
        key=lambda g: (
            g["currency"],
            bool(n and spec.top and g["key"][0] == OTHER_LABEL),
            -g["cost"],
        )
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


def newest_day(conn: duckdb.DuckDBPyConnection, providers: list[str]) -> date | None:
    """The newest day any (matching) scope has cached."""
    sql = "SELECT max(day) FROM cost_coverage"
    params: list[Any] = []
    if providers:
        sql += f" WHERE lower(ProviderName) IN ({', '.join('?' for _ in providers)})"
        params = list(providers)
    row = conn.execute(sql, params).fetchall()
    return row[0][0] if row else None


def cached_day_rows(
    conn: duckdb.DuckDBPyConnection, scope: str, start: date, end: date
) -> list[tuple[date, bool, tuple[str, ...]]]:
    """Per cached day of ``scope`` in [start, end): whether any row is still an estimate,
    and the dimensions every cached part of that day answers."""
    rows = conn.execute(
        "SELECT day, bool_or(estimated), list_reduce(list(dimensions),"
        " lambda a, b: list_intersect(a, b)) FROM cost_coverage"
        " WHERE x_scope = ? AND day >= ? AND day < ? GROUP BY day",
        [scope, start, end],
    ).fetchall()
    return [(row[0], bool(row[1]), tuple(row[2] or ())) for row in rows]
