"""AWS at scale: daily costs aggregated by Athena over a CUR 2.0 or FOCUS Data Export table.

The line items never leave AWS: Athena sums them per day × payer × linked
account × service × region × charge category × currency, and only those
aggregates come back (``GetQueryResults``, paged with ``NextToken``). Values
go in as ``ExecutionParameters``; the database and table names, which cannot
be parameters, are checked against a strict pattern and double-quoted.

Athena bills the data a query scans: $5.00 per TB, rounded up to the next MB,
at least 10 MB per query (aws.amazon.com/athena/pricing, list price in most
regions as read in 2026). Each query's ``Statistics.DataScannedInBytes`` is
recorded with that price in ``sync_run``.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cloudspy.errors import ProviderError, UsageError
from cloudspy.periods import Window, month_start, utc_today
from cloudspy.providers.base import FetchedCosts, Progress, may_still_change

if TYPE_CHECKING:
    from cloudspy.providers.aws.settings import AwsAthenaTable

PRICE_PER_TB = Decimal("5.00")
BYTES_PER_TB = 1024**4  # Athena's TB is binary, like its MB
BYTES_PER_MB = 1024**2
MINIMUM_BYTES = 10 * BYTES_PER_MB
IDENTIFIER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
PERMISSIONS = {
    "athena:StartQueryExecution": "run the daily aggregation",
    "athena:GetQueryExecution": "wait for it and read the bytes it scanned",
    "athena:GetQueryResults": "read the aggregates",
    "glue:GetTable": "Athena reads the export table's schema",
    "s3:GetObject": "Athena reads the export files and writes results to the output location",
}
DIMENSIONS = ["provider", "billing_account", "account", "service", "region", "charge"]
METRICS = ["billed", "effective", "list"]


def _money(column: str) -> str:
    # CUR stores money as double; summing DECIMALs keeps Athena from adding floats.
    return f"CAST(coalesce({column}, 0) AS DECIMAL(38, 10))"


def _cur2_effective() -> str:
    """Amortized cost per line: the CUR 2.0 file import's rule (one rule, files/cur2.py)."""
    from cloudspy.providers.files.cur2 import effective_cost_sql

    return effective_cost_sql(
        _money, "nullif(reservation_reservation_a_r_n, '')", _money("line_item_unblended_cost")
    )


def _category_sql() -> str:
    from cloudspy.providers.files.cur2 import CHARGE_CATEGORY

    whens = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in CHARGE_CATEGORY.items())
    return f"CASE line_item_line_item_type {whens} ELSE 'Adjustment' END"


def quoted_table(database: str, table: str) -> str:
    """``"database"."table"`` after checking both names (they cannot be parameters)."""
    for what, name in (("database", database), ("table", table)):
        if not IDENTIFIER.match(name):
            raise UsageError(
                f"Athena {what} name {name!r} is not a plain identifier",
                hint="use letters, digits, '_' and '-' only",
            )
    return f'"{database}"."{table}"'


def billing_periods(window: Window) -> list[str]:
    """The ``billing_period`` partitions (``YYYY-MM``) that ``window``'s days fall in."""
    months: list[str] = []
    day = month_start(window.start)
    while day < window.end:
        months.append(day.strftime("%Y-%m"))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def aggregation_sql(database: str, table: str, kind: str, partitions: int = 0) -> str:
    """The daily aggregation over a CUR 2.0 or FOCUS table; ``?``: start, end, then
    ``partitions`` ``billing_period`` values.

    Data Exports partition their table by ``billing_period``; without a predicate
    on it Athena reads every month ever exported ($5/TB) for a one-week refresh.
    """
    source = quoted_table(database, table)
    prune = (
        f" AND billing_period IN ({', '.join('?' for _ in range(partitions))})"
        if partitions
        else ""
    )
    if kind == "focus":
        return (
            "SELECT CAST(date_trunc('day', ChargePeriodStart) AS date) AS day,"
            " BillingAccountId AS payer, SubAccountId AS account,"
            " max(SubAccountName) AS account_name, ServiceName AS service,"
            " RegionId AS region, ChargeCategory AS category, BillingCurrency AS currency,"
            f" sum({_money('BilledCost')}) AS billed, sum({_money('EffectiveCost')}) AS effective,"
            f" sum({_money('ListCost')}) AS list"
            f" FROM {source}"
            " WHERE ChargePeriodStart >= CAST(? AS timestamp)"
            f" AND ChargePeriodStart < CAST(? AS timestamp){prune}"
            " GROUP BY 1, 2, 3, 5, 6, 7, 8"
        )
    effective = _cur2_effective()
    return (
        "SELECT CAST(date_trunc('day', line_item_usage_start_date) AS date) AS day,"
        " bill_payer_account_id AS payer, line_item_usage_account_id AS account,"
        " max(line_item_usage_account_name) AS account_name,"
        " coalesce(element_at(product, 'product_name'), line_item_product_code) AS service,"
        " nullif(product_region_code, '') AS region,"
        f" {_category_sql()} AS category, line_item_currency_code AS currency,"
        f" sum({_money('line_item_unblended_cost')}) AS billed,"
        f" sum({effective}) AS effective,"
        f" sum({_money('pricing_public_on_demand_cost')}) AS list"
        f" FROM {source}"
        " WHERE line_item_usage_start_date >= CAST(? AS timestamp)"
        f" AND line_item_usage_start_date < CAST(? AS timestamp){prune}"
        " GROUP BY 1, 2, 3, 5, 6, 7, 8"
    )


def scan_price(scanned_bytes: int) -> Decimal:
    """Athena's list price for one query that scanned ``scanned_bytes``."""
    billed = max(scanned_bytes, MINIMUM_BYTES)
    megabytes = -(-billed // BYTES_PER_MB)  # rounded up to the next MB
    return (PRICE_PER_TB * megabytes * BYTES_PER_MB / BYTES_PER_TB).quantize(Decimal("0.000001"))


@dataclass
class AthenaQuery:
    """Runs one query to completion and pages its results, counting every call."""

    client: Any
    workgroup: str
    output_location: str | None
    sleep: Callable[[float], None] | None = None  # None: time.sleep, looked up when used
    timeout: float = 900.0
    calls: int = 0
    queries: int = 0
    scanned_bytes: int = 0
    price: Decimal = Decimal(0)
    _clock: Callable[[], float] = field(default=time.monotonic)

    def run(self, sql: str, params: list[str], database: str) -> Iterator[dict[str, str | None]]:
        """Start ``sql``, wait for it, and yield its rows as column → text."""
        from cloudspy.providers.aws.session import call_aws

        request: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": database},
            "WorkGroup": self.workgroup,
            "ExecutionParameters": params,
        }
        if self.output_location:
            request["ResultConfiguration"] = {"OutputLocation": self.output_location}
        started = self._call(lambda: self.client.start_query_execution(**request), call_aws)
        query_id = started["QueryExecutionId"]
        self.queries += 1
        self._wait(query_id, call_aws)
        yield from self._results(query_id, call_aws)

    def _call(self, call: Callable[[], Any], call_aws: Any) -> Any:
        from cloudspy.providers.aws.session import final_error, retry_hint
        from cloudspy.providers.base import with_retries

        def once() -> Any:
            self.calls += 1
            return call_aws(call, what="query Athena")

        try:
            return with_retries(once, retryable=retry_hint, sleep=self.sleep)
        except Exception as exc:
            raise final_error(exc, "query Athena") from None

    def _wait(self, query_id: str, call_aws: Any) -> None:
        deadline = self._clock() + self.timeout
        delay = 0.2
        while True:
            execution = self._call(
                lambda: self.client.get_query_execution(QueryExecutionId=query_id), call_aws
            )["QueryExecution"]
            status = execution.get("Status") or {}
            state = status.get("State")
            if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                # A failed query is billed for what it scanned too.
                scanned = int((execution.get("Statistics") or {}).get("DataScannedInBytes") or 0)
                self.scanned_bytes += scanned
                self.price += scan_price(scanned)
            if state == "SUCCEEDED":
                return
            if state in ("FAILED", "CANCELLED"):
                reason = status.get("StateChangeReason") or state
                raise ProviderError(f"the Athena query {query_id} {state.lower()}: {reason}")
            if self._clock() >= deadline:
                raise ProviderError(
                    f"the Athena query {query_id} did not finish in {self.timeout:g}s",
                    hint="check the workgroup's queue in the Athena console",
                )
            (self.sleep or time.sleep)(delay)
            delay = min(delay * 1.5, 5.0)

    def _results(self, query_id: str, call_aws: Any) -> Iterator[dict[str, str | None]]:
        token: str | None = None
        names: list[str] | None = None
        first_page = True
        while True:
            params: dict[str, Any] = {"QueryExecutionId": query_id, "MaxResults": 1000}
            if token:
                params["NextToken"] = token
            page = self._call(lambda p=params: self.client.get_query_results(**p), call_aws)
            result = page.get("ResultSet") or {}
            if names is None:
                info = (result.get("ResultSetMetadata") or {}).get("ColumnInfo") or []
                names = [c.get("Label") or c["Name"] for c in info]
            rows = result.get("Rows") or []
            for index, row in enumerate(rows):
                values = [cell.get("VarCharValue") for cell in row.get("Data") or []]
                # The first row of a SELECT's first page repeats the column names.
                if first_page and index == 0 and values == names:
                    continue
                yield dict(zip(names, values, strict=False))
            first_page = False
            token = page.get("NextToken")
            if not token:
                return


def rows_to_focus(
    rows: list[dict[str, str | None]], *, today: date
) -> tuple[list[dict[str, Any]], Counter]:
    """Aggregated Athena rows as FOCUS-named cost rows, and how many rows each payer had."""
    out = []
    payers: Counter = Counter()
    for row in rows:
        day = date.fromisoformat(str(row["day"])[:10])
        start = datetime(day.year, day.month, day.day)
        payer = row.get("payer") or ""
        payers[payer] += 1
        out.append(
            {
                "ProviderName": "AWS",
                "BillingAccountId": payer,
                "SubAccountId": row.get("account") or None,
                "SubAccountName": row.get("account_name") or None,
                "ServiceName": row.get("service") or None,
                "RegionId": row.get("region") or None,
                "ChargeCategory": row.get("category") or "Usage",
                "ChargePeriodStart": start,
                "ChargePeriodEnd": start + timedelta(days=1),
                "BilledCost": Decimal(row.get("billed") or "0"),
                "EffectiveCost": Decimal(row.get("effective") or "0"),
                "ListCost": Decimal(row.get("list") or "0"),
                "BillingCurrency": (row.get("currency") or "USD").upper(),
                "x_estimated": may_still_change(day, today),
            }
        )
    return out, payers


def fetch_athena_costs(
    client: Any,
    table: AwsAthenaTable,
    ranges: list[Window],
    progress: Progress,
    *,
    today: date | None = None,
    sleep: Callable[[float], None] | None = None,
) -> FetchedCosts:
    """Run the aggregation once per window and return FOCUS rows with the scan bill."""
    today = today or utc_today()
    query = AthenaQuery(client, table.workgroup, table.output_location, sleep=sleep)
    raw: list[dict[str, str | None]] = []
    for window in ranges:
        params = [f"'{window.start.isoformat()}'", f"'{window.end.isoformat()}'"]
        periods = billing_periods(window) if table.billing_period_partitions else []
        sql = aggregation_sql(table.database, table.table, table.format, len(periods))
        params += [f"'{period}'" for period in periods]
        before = len(raw)
        raw.extend(query.run(sql, params, table.database))
        progress(f"Athena {table.label}: {len(raw) - before} daily aggregate(s) in {window}")
    rows, payers = rows_to_focus(raw, today=today)
    account = table.payer_account_id or (
        payers.most_common(1)[0][0] if payers else f"{table.database}.{table.table}"
    )
    # Late CUR rows land days after the day, across a month boundary too: the last days
    # stay estimated and are fetched again (#13), as for the BigQuery export.
    days = {
        day: (account, may_still_change(day, today))
        for window in ranges
        for day in window.each_day()
    }
    return FetchedCosts(
        rows=rows,
        days=days,
        ranges=[(w.start, w.end) for w in ranges],
        dimensions=DIMENSIONS,
        metrics=METRICS,
        api_calls=query.calls,
        api_cost=query.price,
        api_cost_currency="USD",
        quota={
            "athena_queries": query.queries,
            "data_scanned_bytes": query.scanned_bytes,
        },
    )


@dataclass
class AthenaSource:
    """One CUR 2.0 / FOCUS export table read through Athena (a cost source)."""

    table: AwsAthenaTable
    provider: str = "aws"
    source: str = "athena"
    priority: int = 20  # line-item data beats Cost Explorer's (10) for the same payer and day
    _session: Any = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"AWS Athena {self.table.label}"

    def scope(self) -> str:
        """``aws:athena:<database>.<table>`` (no API call needed)."""
        return f"aws:athena:{self.table.database}.{self.table.table}"

    def wanted_dimensions(self) -> list[str]:
        """The grain of every cached day."""
        return DIMENSIONS

    def fetch_note(self, ranges: list[Window]) -> str:
        """Athena's price: what each query scans."""
        return (
            f"{len(ranges)} Athena query(ies); Athena bills $5 per TB scanned, "
            "at least 10 MB per query"
        )

    def session(self) -> Any:
        """The boto3 session, built on first use."""
        if self._session is None:
            from cloudspy.providers.aws.session import make_session

            self._session = make_session(
                self.table.profile, self.table.role_arn, self.table.external_id, self.table.region
            )
        return self._session

    def fetch(self, ranges: list[Window], progress: Progress) -> FetchedCosts:
        """Aggregate the windows in Athena."""
        from cloudspy.providers.aws.session import client_config

        client = self.session().client(
            "athena", region_name=self.table.region, config=client_config()
        )
        return fetch_athena_costs(client, self.table, ranges, progress)
