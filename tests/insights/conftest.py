"""Small stores with known answers for compare, check, alert and forecast tests."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

TODAY = date(2026, 11, 25)  # a Wednesday
SCOPE = "test:fixture"
DIMS = ["provider", "billing_account", "account", "service", "region", "resource", "tag", "charge"]


def cost_row(
    day: date,
    service: str,
    cost: str | Decimal,
    *,
    account: str = "acct-1",
    currency: str = "USD",
    provider: str = "AWS",
    tags: dict[str, str] | None = None,
    charge: str = "Usage",
) -> dict[str, Any]:
    """One FOCUS row for one day."""
    when = datetime(day.year, day.month, day.day)
    amount = Decimal(cost)
    return {
        "ProviderName": provider,
        "BillingAccountId": f"{provider}-billing",
        "SubAccountId": account,
        "SubAccountName": account,
        "ServiceName": service,
        "RegionId": "us-east-1",
        "ChargeCategory": charge,
        "ChargePeriodStart": when,
        "ChargePeriodEnd": when + timedelta(days=1),
        "BilledCost": amount,
        "EffectiveCost": amount,
        "ListCost": amount,
        "BillingCurrency": currency,
        "Tags": json.dumps(tags or {}),
        "x_scope": SCOPE,
        "x_estimated": False,
    }


def write_store(path: Path, rows: list[dict[str, Any]], start: date, end: date) -> Path:
    """Write ``rows`` and coverage of every day in ``[start, end)`` for each provider."""
    from cloudspy.store.connection import connect
    from cloudspy.store.cost_writes import replace_costs, staged_rows

    providers = sorted({r["ProviderName"] for r in rows}) or ["AWS"]
    from cloudspy.clock import utc_now

    now = utc_now()  # CloudSpy's (pinned) clock, as a sync stamps fetched_at
    coverage = [
        {
            "x_scope": SCOPE,
            "x_source": "test",
            "ProviderName": p,
            "BillingAccountId": f"{p}-billing",
            "day": start + timedelta(days=i),
            "dimensions": DIMS,
            "metrics": ["billed", "effective", "list"],
            "estimated": False,
            "priority": 0,
            "x_sync_id": "t",
            "fetched_at": now,
        }
        for p in providers
        for i in range((end - start).days)
    ]
    with connect(path, read_only=False) as conn, staged_rows(conn, rows, coverage):
        replace_costs(conn, SCOPE, None)
    return path


def daily(start: date, end: date, service: str, cost: str, **kw: Any) -> list[dict[str, Any]]:
    """The same cost every day of ``[start, end)``."""
    return [
        cost_row(start + timedelta(days=i), service, cost, **kw) for i in range((end - start).days)
    ]


@pytest.fixture
def store_factory(tmp_path: Path):
    """Build a store from rows covering ``[start, end)``."""

    def make(rows: list[dict[str, Any]], start: date, end: date = TODAY) -> Path:
        return write_store(tmp_path / "fixture.duckdb", rows, start, end)

    return make


@pytest.fixture(autouse=True)
def _pinned_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixtures end on TODAY: CloudSpy's clock says so too, whatever day CI runs."""
    monkeypatch.setenv("CLOUDSPY_NOW", f"{TODAY.isoformat()}T12:00:00")
