"""AWS Cost Explorer ``GetCostAndUsage``: daily costs by linked account, service and region.

Cost Explorer allows two group-bys per request. CloudSpy first asks for the
linked accounts (one group-by), then, per account (as a filter), for the two
configured breakdowns (``SERVICE`` × ``REGION`` by default). Each cached day
so carries account, service and region at once. boto3 has no paginator for
this operation: ``NextPageToken`` is followed by hand. Every request is
counted; AWS bills $0.01 for each.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from cloudspy.errors import ProviderError
from cloudspy.periods import Window, month_start, utc_today
from cloudspy.providers.aws.session import (
    RETRYABLE_CODES,
    call_aws,
    final_error,
    is_throttled,
    retry_hint,
)
from cloudspy.providers.base import FetchedCosts, Progress, with_retries

PRICE_PER_REQUEST = Decimal("0.01")
METRICS = {"UnblendedCost": "BilledCost", "AmortizedCost": "EffectiveCost"}
THROTTLING = RETRYABLE_CODES
PROVIDER_NAME = "AWS"
PUBLISHER = "Amazon Web Services, Inc."
_NO_REGION = {"NoRegion", ""}


def breakdown_group_by(breakdown: tuple[str, str]) -> list[dict[str, str]]:
    """The two ``GroupBy`` entries for a configured breakdown (``TAG:KEY`` for tags)."""
    out = []
    for key in breakdown:
        if key.startswith("TAG:"):
            out.append({"Type": "TAG", "Key": key[4:]})
        else:
            out.append({"Type": "DIMENSION", "Key": key})
    return out


def breakdown_dimensions(breakdown: tuple[str, str]) -> list[str]:
    """The CloudSpy dimensions a day synced with ``breakdown`` can answer."""
    names = {"SERVICE": "service", "REGION": "region", "USAGE_TYPE": "usage_type"}
    dims = ["provider", "billing_account", "account"]
    for key in breakdown:
        dims.append(f"tag:{key[4:]}" if key.startswith("TAG:") else names[key])
    return dims


@dataclass
class CostExplorerReader:
    """Pages through ``GetCostAndUsage``, counting and pricing every request."""

    client: Any
    sleep: Any = None
    refresh: Any = None  # forces refreshable credentials to refresh (session.credentials_refresher)
    requests: int = 0
    throttled: int = 0
    _kwargs: dict[str, Any] = field(default_factory=dict)

    def pages(self, **request: Any) -> Iterator[dict[str, Any]]:
        """Every page of one request, following ``NextPageToken``."""
        token: str | None = None
        while True:
            params = dict(request)
            if token:
                params["NextPageToken"] = token
            page = self._call(params)
            yield page
            token = page.get("NextPageToken")
            if not token:
                return

    def _call(self, params: dict[str, Any]) -> dict[str, Any]:
        def once() -> dict[str, Any]:
            try:
                return call_aws(
                    lambda: self.client.get_cost_and_usage(**params),
                    what="read Cost Explorer",
                    refresh=self.refresh,
                )
            except Exception as exc:
                if is_throttled(exc):
                    self.throttled += 1
                raise

        kwargs = {"sleep": self.sleep} if self.sleep else {}
        try:
            page = with_retries(once, retryable=retry_hint, **kwargs)
        except Exception as exc:
            raise final_error(exc, "read Cost Explorer") from None
        self.requests += 1
        if not isinstance(page.get("ResultsByTime"), list):
            # botocore parses a 200 that is not JSON (a proxy's HTML page) as an empty answer.
            raise ProviderError(
                "Cost Explorer sent a malformed response (no ResultsByTime list)",
                hint="check AWS_ENDPOINT_URL and any proxy between CloudSpy and AWS",
            )
        return page


def _amount(metrics: dict[str, Any], name: str) -> tuple[Decimal, str]:
    value = metrics.get(name) or {}
    return Decimal(value.get("Amount") or "0"), value.get("Unit") or "USD"


def _charge_category(service: str | None, billed: Decimal) -> str:
    # CE's SERVICE grouping has no charge type; tax has its own service and
    # credits and refunds come back negative.
    if service == "Tax":
        return "Tax"
    return "Credit" if billed < 0 else "Usage"


def fetch_costs(
    client: Any,
    billing_account: str,
    ranges: list[Window],
    breakdown: tuple[str, str],
    progress: Progress,
    *,
    today: date | None = None,
    sleep: Any = None,
    refresh: Any = None,
) -> FetchedCosts:
    """Fetch the given windows from Cost Explorer as FOCUS-named rows.

    A page of the wrong shape is a ProviderError, never rows silently missing:
    the fetched windows replace the cache, so a bad page must fail the run.
    """
    reader = CostExplorerReader(client, sleep=sleep, refresh=refresh)
    try:
        return _fetch(reader, billing_account, ranges, breakdown, progress, today or utc_today())
    except (KeyError, IndexError, TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        error = ProviderError(
            f"Cost Explorer sent a malformed response: {type(exc).__name__}: {exc}"
        )
        error.api_calls = reader.requests  # type: ignore[attr-defined]  # read by sync_run
        raise error from None
    except ProviderError as exc:
        exc.api_calls = reader.requests  # type: ignore[attr-defined]
        raise


def _fetch(
    reader: CostExplorerReader,
    billing_account: str,
    ranges: list[Window],
    breakdown: tuple[str, str],
    progress: Progress,
    today: date,
) -> FetchedCosts:
    rows: list[dict[str, Any]] = []
    days: dict[date, tuple[str, bool]] = {}
    metrics = list(METRICS)
    group_by = breakdown_group_by(breakdown)
    for window in ranges:
        period = {"Start": window.start.isoformat(), "End": window.end.isoformat()}
        accounts: dict[str, str | None] = {}
        for page in reader.pages(
            TimePeriod=period,
            Granularity="DAILY",
            Metrics=metrics,
            GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
        ):
            for attr in page.get("DimensionValueAttributes") or []:
                name = (attr.get("Attributes") or {}).get("description")
                accounts[attr["Value"]] = name or accounts.get(attr["Value"])
            for result in page.get("ResultsByTime") or []:
                day = date.fromisoformat(result["TimePeriod"]["Start"])
                days[day] = (
                    billing_account,
                    bool(result.get("Estimated")) or day >= month_start(today),
                )
                for group in result.get("Groups") or []:
                    accounts.setdefault(group["Keys"][0], None)
        for day in window.each_day():
            days.setdefault(day, (billing_account, day >= month_start(today)))
        progress(f"AWS {billing_account}: {len(accounts)} linked account(s) in {window}")
        for account, account_name in sorted(accounts.items()):
            for page in reader.pages(
                TimePeriod=period,
                Granularity="DAILY",
                Metrics=metrics,
                GroupBy=group_by,
                Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [account]}},
            ):
                for result in page.get("ResultsByTime") or []:
                    rows.extend(
                        _rows_of(result, billing_account, account, account_name, breakdown, today)
                    )
    return FetchedCosts(
        rows=rows,
        days=days,
        ranges=[(w.start, w.end) for w in ranges],
        dimensions=breakdown_dimensions(breakdown),
        metrics=["billed", "effective"],
        api_calls=reader.requests,
        api_cost=PRICE_PER_REQUEST * reader.requests,
        api_cost_currency="USD",
        quota={"ce_requests": reader.requests, "throttled": reader.throttled},
    )


def _rows_of(
    result: dict[str, Any],
    billing_account: str,
    account: str,
    account_name: str | None,
    breakdown: tuple[str, str],
    today: date,
) -> Iterator[dict[str, Any]]:
    day = date.fromisoformat(result["TimePeriod"]["Start"])
    start = datetime(day.year, day.month, day.day)
    estimated = bool(result.get("Estimated")) or day >= month_start(today)
    for group in result.get("Groups") or []:
        billed, currency = _amount(group.get("Metrics") or {}, "UnblendedCost")
        effective, _ = _amount(group.get("Metrics") or {}, "AmortizedCost")
        row: dict[str, Any] = {
            "ProviderName": PROVIDER_NAME,
            "PublisherName": PUBLISHER,
            "InvoiceIssuerName": PUBLISHER,
            "BillingAccountId": billing_account,
            "SubAccountId": account,
            "SubAccountName": account_name,
            "ChargePeriodStart": start,
            "ChargePeriodEnd": start + timedelta(days=1),
            "BilledCost": billed,
            "EffectiveCost": effective,
            "ListCost": None,
            "BillingCurrency": currency,
            "x_estimated": estimated,
        }
        row.update(_group_columns(breakdown, group.get("Keys") or []))
        row["ChargeCategory"] = _charge_category(row.get("ServiceName"), billed)
        yield row


def _group_columns(breakdown: tuple[str, str], keys: list[str]) -> dict[str, Any]:
    """The FOCUS columns a Cost Explorer group's keys fill, by the group-bys asked for."""
    columns: dict[str, Any] = {}
    tags: dict[str, str] = {}
    for key, value in zip(breakdown, keys, strict=False):
        if key == "SERVICE":
            columns["ServiceName"] = value
        elif key == "REGION":
            columns["RegionId"] = None if value in _NO_REGION else value
        elif key == "USAGE_TYPE":
            columns["ChargeDescription"] = value
        elif key.startswith("TAG:") and value.partition("$")[2]:
            # "team$web" is tagged web; "team$" is untagged.
            tags[key[4:]] = value.partition("$")[2]
    if tags:
        import json

        columns["Tags"] = json.dumps(tags, sort_keys=True)
    return columns
