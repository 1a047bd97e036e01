"""Daily GCP costs from a BigQuery billing export, as FOCUS-named rows.

One query covers the whole span of the planned windows (a BigQuery query is
billed by the bytes of the columns and partitions it reads, not by its rows,
so one query is cheaper than one per window); rows of days outside the windows
are dropped. Every HTTP request is counted; the query's bytes billed are priced
at the on-demand list price.

Export rows keep arriving for a few days after usage, and credits and
adjustments until the invoice month closes, so the open month and the last
:data:`LATE_DAYS` days are stored as estimated and fetched again later.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cloudspy.errors import ProviderError
from cloudspy.periods import Window, utc_today
from cloudspy.providers.base import (
    LATE_DAYS,
    FetchedCosts,
    Progress,
    http_timeout,
    may_still_change,
)
from cloudspy.providers.gcp.export_query import (
    ExportLayout,
    build_query,
    detect_layout,
    query_parameters,
    table_name_account,
)
from cloudspy.providers.gcp.session import call_gcp

PROVIDER_NAME = "Google Cloud"
PUBLISHER = "Google Cloud"
# BigQuery on-demand compute: USD 6.25 per TiB billed, list price as documented at
# https://cloud.google.com/bigquery/pricing#on_demand_pricing (US multi-region, in force
# since 2023-07-05; checked 2026). The free TiB per month and regional prices are not applied.
PRICE_PER_TIB = Decimal("6.25")
TIB = 2**40
CHARGE_CATEGORIES = {
    "regular": "Usage",
    "tax": "Tax",
    "adjustment": "Adjustment",
    "rounding error": "Adjustment",
}


@dataclass
class QueryStats:
    """What the fetch cost: HTTP requests and the bytes BigQuery processed and billed."""

    requests: int = 0
    bytes_processed: int = 0
    bytes_billed: int = 0
    cache_hit: bool | None = None
    job_id: str | None = None
    throttled: int = 0

    def count(self, response: Any = None) -> None:
        """Count one HTTP request, and a throttled one (called by the transport hook)."""
        self.requests += 1
        if getattr(response, "status_code", None) == 429:
            self.throttled += 1

    def quota(self) -> dict[str, Any]:
        """The ``sync_run.quota_used`` record."""
        return {
            "bigquery_bytes_processed": self.bytes_processed,
            "bigquery_bytes_billed": self.bytes_billed,
            "bigquery_cache_hit": self.cache_hit,
            "bigquery_job_id": self.job_id,
            "http_requests": self.requests,
            "throttled": self.throttled,
        }

    def price(self) -> Decimal:
        """The on-demand list price of the bytes billed, in USD."""
        return (PRICE_PER_TIB * self.bytes_billed / TIB).quantize(Decimal("1E-16"))


def read_layout(client: Any, table: str, kind: str, sleep: Any = None) -> ExportLayout:
    """Read the table's schema (one free ``tables.get``) and detect its layout."""
    found = call_gcp(
        lambda: client.get_table(table, retry=None, timeout=http_timeout()),
        what=f"read BigQuery table {table}",
        sleep=sleep,
        not_found_hint="check the table path (--billing-table or [[gcp.billing_tables]] table) "
        "and that the billing export to BigQuery is enabled",
    )
    columns = {f.name for f in found.schema or []}
    partitioning = found.time_partitioning
    return detect_layout(
        table,
        kind,
        columns,
        (partitioning is not None, partitioning.field if partitioning else None),
    )


def _bigquery_parameters(params: list[tuple[str, str, object]]) -> list[Any]:
    from google.cloud import bigquery

    out: list[Any] = []
    for name, kind, value in params:
        if kind.startswith("ARRAY<"):
            out.append(bigquery.ArrayQueryParameter(name, kind[6:-1], value))
        else:
            out.append(bigquery.ScalarQueryParameter(name, kind, value))
    return out


def run_query(
    client: Any,
    sql: str,
    params: list[tuple[str, str, object]],
    stats: QueryStats,
    *,
    location: str | None,
    what: str,
    sleep: Any = None,
) -> list[dict[str, Any]]:
    """Run the aggregation and return its rows (small: already aggregated by BigQuery)."""
    from google.cloud import bigquery

    config = bigquery.QueryJobConfig(
        query_parameters=_bigquery_parameters(params), use_legacy_sql=False
    )

    def once() -> tuple[list[dict[str, Any]], Any]:
        result = client.query_and_wait(
            sql,
            job_config=config,
            location=location,
            retry=None,
            job_retry=None,
            api_timeout=http_timeout(),
        )
        return [dict(row.items()) for row in result], result

    rows, result = call_gcp(once, what=what, sleep=sleep)
    stats.bytes_processed = int(result.total_bytes_processed or 0)
    stats.job_id = result.job_id
    if result.job_id:
        job = call_gcp(
            lambda: client.get_job(
                result.job_id,
                project=result.project,
                location=result.location,
                retry=None,
                timeout=http_timeout(),
            ),
            what="read the BigQuery job's statistics",
            sleep=sleep,
        )
        stats.bytes_billed = int(job.total_bytes_billed or 0)
        stats.bytes_processed = int(job.total_bytes_processed or stats.bytes_processed)
        stats.cache_hit = job.cache_hit
    return rows


def _tags(label_set: str | None) -> str | None:
    if not label_set:
        return None
    pairs = json.loads(label_set)
    tags = {pair["key"]: pair["value"] for pair in pairs}
    return json.dumps(tags, sort_keys=True) if tags else None


def is_estimated(day: date, today: date) -> bool:
    """Whether the export may still change ``day`` (open month or the last days)."""
    return may_still_change(day, today, LATE_DAYS)


def to_row(record: dict[str, Any], layout: ExportLayout, today: date) -> dict[str, Any]:
    """One aggregated export row as a ``cost`` row (money stays Decimal)."""
    day = record["usage_day"]
    start = datetime(day.year, day.month, day.day)
    charge = record.get("charge_type")
    if layout.kind != "focus":
        charge = CHARGE_CATEGORIES.get(str(charge or "regular").lower(), "Usage")
    billed = Decimal(record["billed_cost"] or 0)
    list_cost = record.get("list_cost")
    return {
        "ProviderName": PROVIDER_NAME,
        "PublisherName": PUBLISHER,
        "BillingAccountId": record["billing_account_id"],
        "SubAccountId": record.get("project_id"),
        "SubAccountName": record.get("project_name"),
        "ServiceName": record.get("service"),
        "RegionId": record.get("region") or None,
        "ResourceId": record.get("resource_id"),
        "ResourceName": record.get("resource_name"),
        "ChargeCategory": charge or "Usage",
        "ChargePeriodStart": start,
        "ChargePeriodEnd": start + timedelta(days=1),
        "BilledCost": billed,
        "EffectiveCost": Decimal(record["effective_cost"] or 0),
        "ListCost": Decimal(list_cost) if list_cost is not None else None,
        "BillingCurrency": record["currency"],
        "Tags": _tags(record.get("label_set")),
        "x_estimated": is_estimated(day, today),
    }


def dimensions(resources: bool, label_keys: list[str]) -> list[str]:
    """The CloudSpy dimensions a day synced with these options can answer."""
    dims = ["provider", "billing_account", "account", "service", "region", "charge"]
    if resources:
        dims.append("resource")
    return dims + [f"tag:{key}" for key in label_keys]


def fetch_costs(
    client: Any,
    table: str,
    layout: ExportLayout,
    ranges: list[Window],
    progress: Progress,
    stats: QueryStats,
    *,
    location: str | None = None,
    label_keys: list[str] | None = None,
    resources: bool = False,
    today: date | None = None,
    sleep: Any = None,
) -> FetchedCosts:
    """Fetch the windows' daily costs from the export table as FOCUS-named rows."""
    today = today or utc_today()
    keys = list(label_keys or [])
    start, end = min(w.start for w in ranges), max(w.end for w in ranges)
    sql = build_query(table, layout, resources=resources, label_keys=bool(keys))
    progress(f"GCP {table}: querying {start} – {end} (end exclusive)")
    records = run_query(
        client,
        sql,
        query_parameters(start, end, layout, keys),
        stats,
        location=location,
        what=f"query BigQuery table {table}",
        sleep=sleep,
    )
    wanted = {day for w in ranges for day in w.each_day()}
    try:
        rows = [to_row(r, layout, today) for r in records if r["usage_day"] in wanted]
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        # Rows without the query's columns: fail the run rather than store a partial day.
        raise ProviderError(
            f"BigQuery sent rows of the wrong shape for {table}: {type(exc).__name__}: {exc}"
        ) from None
    account = table_name_account(table) or next(
        (r["BillingAccountId"] for r in rows), table.rpartition(".")[2]
    )
    days = {day: (account, is_estimated(day, today)) for day in sorted(wanted)}
    metrics = ["billed", "effective"] + (["list"] if layout.has_list_cost else [])
    return FetchedCosts(
        rows=rows,
        days=days,
        ranges=[(w.start, w.end) for w in ranges],
        dimensions=dimensions(resources, keys),
        metrics=metrics,
        api_calls=stats.requests,
        api_cost=stats.price(),
        api_cost_currency="USD",
        quota=stats.quota(),
    )
