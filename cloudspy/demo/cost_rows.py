"""The demo's cost rows: six months of daily FOCUS rows from ``line_items.csv``.

Six months of daily costs for an imaginary company on AWS, GCP and Azure
(Azure billed in EUR, so totals per currency show), several accounts,
services, regions and teams, weekend dips, a slow growth trend, monthly
credits and one cost spike. The same date gives the same numbers; the data
always ends yesterday, so ``--last 30d`` has something to show. The charges
themselves are data (``line_items.csv``, one recurring charge a line; a line with
a ``credit`` text is a credit on the 1st of each month); this module only
turns them into days.
"""

from __future__ import annotations

import csv
import json
import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from importlib.resources import files
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


def _line_items() -> tuple[list[LineItem], list[tuple[LineItem, str]]]:
    """The recurring charges and the monthly credits (with their texts), in file order:
    the seeded noise is drawn in this order, so the order is part of the sample."""
    text = files(__package__).joinpath("line_items.csv").read_text(encoding="utf-8")
    items: list[LineItem] = []
    credits: list[tuple[LineItem, str]] = []
    for row in csv.DictReader(text.splitlines()):
        credit = row.pop("credit")
        item = LineItem(
            **{key: value or None for key, value in row.items() if key not in _TYPED},
            daily=Decimal(row["daily"]),
            weekend=float(row["weekend"]),
            effective=float(row["effective"]),
            list_markup=float(row["list_markup"]),
        )
        if credit:
            credits.append((item, credit))
        else:
            items.append(item)
    return items, credits


_TYPED = ("daily", "weekend", "effective", "list_markup")
ITEMS, CREDITS = _line_items()
# The cost coverage of each billing account the sample has.
_ACCOUNTS = list(dict.fromkeys((i.provider, i.billing_account) for i in ITEMS))

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
    from cloudspy.store.sync_log import Run

    end = today or utc_today()
    window = (end - timedelta(days=DEMO_DAYS), end)
    run = Run(db, provider="demo", source="demo", scope=DEMO_SCOPE, what="costs", window=window)
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
            "x_sync_id": run.id,
            "fetched_at": now,
        }
        for provider, account in _ACCOUNTS
        for d in range(DEMO_DAYS)
    ]
    with connect(db, read_only=False) as conn:
        run.start(conn)
        with staged_rows(conn, rows, coverage):
            count = replace_costs(conn, DEMO_SCOPE, None)
        run.finish(conn, status="ok", rows=count)
    from cloudspy.demo.resources import load_demo_inventory

    inventory = load_demo_inventory(db, end)
    return {"rows": count, "days": DEMO_DAYS, "end": end, **inventory}
