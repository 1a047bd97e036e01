"""The embedded demo: a realistic, deterministic multi-cloud sample in its own store.

Six months of daily costs for an imaginary company on AWS, GCP and Azure
(Azure billed in EUR, so totals per currency show), several accounts,
services, regions and teams, weekend dips, a slow growth trend, monthly
credits and one cost spike. The same date gives the same numbers; the data
always ends yesterday, so ``--last 30d`` has something to show.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudspy.clock import utc_now
from cloudspy.periods import utc_today
from cloudspy.providers.files.focus import DIMENSIONS as FOCUS_DIMENSIONS

DEMO_DAYS = 180
DEMO_SCOPE = "demo:sample"
SEED = 20261125
_ALL_DIMENSIONS = FOCUS_DIMENSIONS  # the demo answers what a FOCUS file answers


@dataclass(frozen=True)
class LineItem:
    """One recurring charge of the sample company."""

    provider: str
    billing_account: str
    billing_name: str
    sub_id: str
    sub_name: str
    service: str
    category: str
    region: str | None
    resource: str | None
    team: str
    env: str
    daily: Decimal
    currency: str
    weekend: float = 1.0  # cost factor on Saturdays and Sundays
    effective: float = 1.0  # EffectiveCost / BilledCost (commitments, amortization)
    list_markup: float = 1.0  # ListCost / BilledCost (negotiated discounts)


_AWS = ("AWS", "111111111111", "acme-payer")
_GCP = ("Google Cloud", "01A2B3-C4D5E6-F7A8B9", "Acme GCP billing")
_AZ = ("Microsoft", "8611537", "Acme EA enrollment")


def _aws(
    sub: str,
    name: str,
    service: str,
    cat: str,
    region: str | None,
    res: str | None,
    team: str,
    env: str,
    daily: str,
    **kw: Any,
) -> LineItem:
    return LineItem(
        *_AWS, sub, name, service, cat, region, res, team, env, Decimal(daily), "USD", **kw
    )


def _gcp(
    sub: str,
    service: str,
    cat: str,
    region: str | None,
    res: str | None,
    team: str,
    env: str,
    daily: str,
    **kw: Any,
) -> LineItem:
    return LineItem(
        *_GCP, sub, sub, service, cat, region, res, team, env, Decimal(daily), "USD", **kw
    )


def _az(
    sub: str,
    name: str,
    service: str,
    cat: str,
    region: str | None,
    res: str | None,
    team: str,
    env: str,
    daily: str,
    **kw: Any,
) -> LineItem:
    return LineItem(
        *_AZ, sub, name, service, cat, region, res, team, env, Decimal(daily), "EUR", **kw
    )


EC2 = "Amazon Elastic Compute Cloud - Compute"
PROD, STG, DATA = "222222222222", "333333333333", "444444444444"
AZ_PROD = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
AZ_DEV = "9a8b7c6d-5e4f-4a3b-2c1d-0e1f2a3b4c5d"

ITEMS: list[LineItem] = [
    _aws(
        PROD,
        "acme-prod",
        EC2,
        "Compute",
        "us-east-1",
        "i-0a1b2c3d4e5f60001",
        "web",
        "prod",
        "310.00",
        effective=0.72,
        list_markup=1.0,
    ),
    _aws(
        PROD,
        "acme-prod",
        EC2,
        "Compute",
        "eu-west-1",
        "i-0a1b2c3d4e5f60002",
        "web",
        "prod",
        "120.00",
        effective=0.75,
    ),
    _aws(
        PROD,
        "acme-prod",
        "Amazon Relational Database Service",
        "Databases",
        "us-east-1",
        "arn:aws:rds:us-east-1:222222222222:db:orders",
        "platform",
        "prod",
        "145.00",
        effective=0.8,
    ),
    _aws(
        PROD,
        "acme-prod",
        "Amazon Simple Storage Service",
        "Storage",
        "us-east-1",
        "arn:aws:s3:::acme-assets",
        "web",
        "prod",
        "38.50",
    ),
    _aws(
        PROD,
        "acme-prod",
        "Amazon CloudFront",
        "Networking",
        None,
        "E2QWRUHAPOMQZL",
        "web",
        "prod",
        "22.00",
    ),
    _aws(
        PROD,
        "acme-prod",
        "AWS Lambda",
        "Compute",
        "us-east-1",
        "arn:aws:lambda:us-east-1:222222222222:function:thumbnailer",
        "web",
        "prod",
        "9.40",
    ),
    _aws(
        STG,
        "acme-staging",
        EC2,
        "Compute",
        "us-east-1",
        "i-0f9e8d7c6b5a40003",
        "web",
        "staging",
        "64.00",
        weekend=0.35,
    ),
    _aws(
        STG,
        "acme-staging",
        "Amazon Relational Database Service",
        "Databases",
        "us-east-1",
        "arn:aws:rds:us-east-1:333333333333:db:orders-stg",
        "platform",
        "staging",
        "31.00",
        weekend=0.5,
    ),
    _aws(
        DATA,
        "acme-data",
        "Amazon Redshift",
        "Analytics",
        "us-east-1",
        "arn:aws:redshift:us-east-1:444444444444:cluster:warehouse",
        "data",
        "prod",
        "96.00",
        effective=0.7,
    ),
    _aws(
        DATA,
        "acme-data",
        "Amazon Simple Storage Service",
        "Storage",
        "us-east-1",
        "arn:aws:s3:::acme-datalake",
        "data",
        "prod",
        "54.00",
    ),
    _aws(
        DATA,
        "acme-data",
        "AWS Glue",
        "Analytics",
        "us-east-1",
        None,
        "data",
        "prod",
        "18.00",
        weekend=0.4,
    ),
    _gcp(
        "acme-web-prod",
        "Compute Engine",
        "Compute",
        "us-central1",
        "projects/acme-web-prod/zones/us-central1-a/instances/web-1",
        "web",
        "prod",
        "88.00",
        effective=0.7,
    ),
    _gcp(
        "acme-web-prod",
        "Cloud SQL",
        "Databases",
        "us-central1",
        "projects/acme-web-prod/instances/orders",
        "platform",
        "prod",
        "41.00",
    ),
    _gcp(
        "acme-web-prod",
        "Cloud Storage",
        "Storage",
        "us-central1",
        "projects/acme-web-prod/buckets/acme-media",
        "web",
        "prod",
        "12.30",
    ),
    _gcp(
        "acme-analytics",
        "BigQuery",
        "Analytics",
        "europe-west1",
        None,
        "data",
        "prod",
        "73.00",
        weekend=0.3,
    ),
    _gcp(
        "acme-analytics",
        "Kubernetes Engine",
        "Compute",
        "europe-west1",
        "projects/acme-analytics/zones/europe-west1-b/clusters/ml",
        "ml",
        "prod",
        "66.00",
    ),
    _gcp(
        "acme-analytics",
        "Vertex AI",
        "AI and Machine Learning",
        "europe-west1",
        None,
        "ml",
        "prod",
        "35.00",
        weekend=0.6,
    ),
    _az(
        AZ_PROD,
        "acme-prod-sub",
        "Virtual Machines",
        "Compute",
        "westeurope",
        "/subscriptions/0f1e2d3c/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-vm-1",
        "web",
        "prod",
        "74.00",
        effective=0.8,
    ),
    _az(
        AZ_PROD,
        "acme-prod-sub",
        "Azure SQL Database",
        "Databases",
        "westeurope",
        "/subscriptions/0f1e2d3c/resourceGroups/rg-data/providers/Microsoft.Sql/servers/acme/databases/orders",
        "platform",
        "prod",
        "52.00",
    ),
    _az(
        AZ_PROD,
        "acme-prod-sub",
        "Storage",
        "Storage",
        "westeurope",
        "/subscriptions/0f1e2d3c/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/acmeweb",
        "web",
        "prod",
        "15.20",
    ),
    _az(
        AZ_PROD,
        "acme-prod-sub",
        "Bandwidth",
        "Networking",
        "westeurope",
        None,
        "web",
        "prod",
        "8.10",
    ),
    _az(
        AZ_DEV,
        "acme-dev-sub",
        "Virtual Machines",
        "Compute",
        "northeurope",
        "/subscriptions/9a8b7c6d/resourceGroups/rg-dev/providers/Microsoft.Compute/virtualMachines/dev-box-1",
        "ml",
        "dev",
        "27.00",
        weekend=0.25,
    ),
    _az(
        AZ_DEV,
        "acme-dev-sub",
        "Azure Kubernetes Service",
        "Compute",
        "northeurope",
        None,
        "platform",
        "dev",
        "19.00",
        weekend=0.6,
    ),
]

# Credits on the first day of each month (FOCUS ChargeCategory "Credit").
CREDITS = [
    (
        _gcp(
            "acme-analytics",
            "BigQuery",
            "Analytics",
            "europe-west1",
            None,
            "data",
            "prod",
            "-150.00",
        ),
        "Promotional credit",
    ),
    (
        _aws(PROD, "acme-prod", EC2, "Compute", "us-east-1", None, "web", "prod", "-200.00"),
        "AWS Activate credit",
    ),
]
SPIKE_DAYS_AGO = 9  # BigQuery runs a runaway query: a spike for alerts to find
SPIKE_FACTOR = 4.5


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))


def demo_rows(end: date) -> list[dict[str, Any]]:
    """Every sample cost row for the ``DEMO_DAYS`` days before ``end`` (exclusive)."""
    rng = random.Random(SEED)  # noqa: S311 - a sample, not a secret
    start = end - timedelta(days=DEMO_DAYS)
    rows: list[dict[str, Any]] = []
    for offset in range(DEMO_DAYS):
        day = start + timedelta(days=offset)
        when = datetime(day.year, day.month, day.day)
        weekend = day.weekday() >= 5
        growth = 1 + 0.0012 * offset  # about 3.6 % a month
        for item in ITEMS:
            noise = 1 + rng.uniform(-0.06, 0.06) + 0.03 * math.sin(offset / 5)
            factor = growth * noise * (item.weekend if weekend else 1.0)
            if item.service == "BigQuery" and (end - day).days == SPIKE_DAYS_AGO:
                factor *= SPIKE_FACTOR
            billed = _money(float(item.daily) * factor)
            rows.append(_row(item, when, billed, "Usage", None))
        if day.day == 1:
            for item, description in CREDITS:
                rows.append(_row(item, when, item.daily, "Credit", description))
    return rows


def _row(
    item: LineItem, when: datetime, billed: Decimal, category: str, text: str | None
) -> dict[str, Any]:
    return {
        "ProviderName": item.provider,
        "PublisherName": item.provider,
        "InvoiceIssuerName": item.provider,
        "BillingAccountId": item.billing_account,
        "BillingAccountName": item.billing_name,
        "SubAccountId": item.sub_id,
        "SubAccountName": item.sub_name,
        "ServiceName": item.service,
        "ServiceCategory": item.category,
        "RegionId": item.region,
        "RegionName": item.region,
        "ResourceId": item.resource,
        "ResourceName": item.resource.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
        if item.resource
        else None,
        "ChargeCategory": category,
        "ChargeDescription": text,
        "ChargePeriodStart": when,
        "ChargePeriodEnd": when + timedelta(days=1),
        "BilledCost": billed,
        "EffectiveCost": billed if category == "Credit" else _money(float(billed) * item.effective),
        "ListCost": billed
        if category == "Credit"
        else _money(float(billed) * item.list_markup * 1.08),
        "BillingCurrency": item.currency,
        "Tags": json.dumps({"team": item.team, "env": item.env}, sort_keys=True),
        "x_estimated": False,
    }


def load_demo(db: Path, *, today: date | None = None) -> dict[str, Any]:
    """(Re)build the demo store at ``db`` and return what it holds."""
    from cloudspy.store.connection import connect
    from cloudspy.store.cost_writes import replace_costs, staged_rows
    from cloudspy.store.sync_log import finish_run, new_run_id, start_run

    end = today or utc_today()
    run_id = new_run_id()
    rows = [{**row, "x_scope": DEMO_SCOPE} for row in demo_rows(end)]
    now = utc_now()
    coverage = [
        {
            "x_scope": DEMO_SCOPE,
            "x_source": "demo",
            "ProviderName": provider,
            "BillingAccountId": account,
            "day": end - timedelta(days=d + 1),
            "dimensions": _ALL_DIMENSIONS,
            "metrics": ["billed", "effective", "list"],
            "estimated": False,
            "priority": 0,
            "x_sync_id": run_id,
            "fetched_at": now,
        }
        for provider, account, _ in (_AWS, _GCP, _AZ)
        for d in range(DEMO_DAYS)
    ]
    with connect(db, read_only=False) as conn:
        start_run(
            conn,
            run_id=run_id,
            provider="demo",
            source="demo",
            scope=DEMO_SCOPE,
            what="costs",
            window=(end - timedelta(days=DEMO_DAYS), end),
        )
        with staged_rows(conn, rows, coverage):
            count = replace_costs(conn, DEMO_SCOPE, None)
        finish_run(conn, run_id, status="ok", rows=count)
    from cloudspy.demo_inventory import load_demo_inventory

    inventory = load_demo_inventory(db, end)
    return {"rows": count, "days": DEMO_DAYS, "end": end, **inventory}
