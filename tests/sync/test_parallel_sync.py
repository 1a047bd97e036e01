"""Parallel `sync` (#3 part 5): sources overlap in time, and one failing spares the others."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import duckdb
import pytest

from cloudspy import api
from cloudspy.errors import CredentialsError, ProviderError
from cloudspy.providers.base import FetchedCosts

TODAY = date(2025, 10, 15)
DELAY = 0.6


@dataclass
class FakeSource:
    """A CostSource that sleeps like a slow API, then returns one row a day (or fails)."""

    label: str
    fail: str | None = None  # "fetch", "scope" or "crash"
    provider: str = "aws"
    source: str = "fake"
    priority: int = 10
    active: list = field(default_factory=list)

    def scope(self) -> str:
        if self.fail == "scope":
            raise CredentialsError(f"{self.label}: credentials expired")
        return f"fake:{self.label}"

    def wanted_dimensions(self) -> list[str]:
        return ["provider", "billing_account"]

    def fetch_note(self, ranges) -> str:
        return "a test source, free"

    def fetch(self, ranges, progress):
        self.active.append(threading.get_ident())
        time.sleep(DELAY)
        progress(f"{self.label}: fetched")
        if self.fail == "fetch":
            raise ProviderError(f"{self.label}: the API said 500")
        if self.fail == "crash":
            raise KeyError("unexpected shape")
        rows, days = [], {}
        for window in ranges:
            for day in window.each_day():
                start = datetime(day.year, day.month, day.day)
                days[day] = (self.label, False)
                rows.append(
                    {
                        "ProviderName": "AWS",
                        "BillingAccountId": self.label,
                        "ServiceName": "Amazon EC2",
                        "ChargeCategory": "Usage",
                        "ChargePeriodStart": start,
                        "ChargePeriodEnd": start + timedelta(days=1),
                        "BilledCost": Decimal("1.25"),
                        "EffectiveCost": Decimal("1.25"),
                        "BillingCurrency": "USD",
                    }
                )
        return FetchedCosts(
            rows=rows,
            days=days,
            ranges=[(w.start, w.end) for w in ranges],
            dimensions=self.wanted_dimensions(),
            metrics=["billed", "effective"],
            api_calls=1,
            api_cost=Decimal("0.01"),
        )


def sync(db, sources, **kwargs):
    return api.sync(
        since="2025-09-01", until="2025-09-08", sources=sources, db=db, today=TODAY, **kwargs
    )


def test_sources_are_fetched_concurrently(db):
    sources = [FakeSource(f"acct{i}") for i in range(3)]
    started = time.monotonic()
    results = sync(db, sources)
    wall = time.monotonic() - started
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    assert wall < DELAY * 3 * 0.75, f"took {wall:.2f}s: not parallel"
    assert len({s.active[0] for s in sources}) == 3  # three different threads
    with duckdb.connect(str(db), read_only=True) as conn:
        per_account = conn.execute(
            "SELECT BillingAccountId, sum(BilledCost) FROM cost GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert per_account == [(f"acct{i}", Decimal("8.75")) for i in range(3)]


def test_one_failing_source_loses_nothing_of_the_others_and_every_failure_is_in_sync_run(db):
    sources = [
        FakeSource("good"),
        FakeSource("broken", fail="fetch"),
        FakeSource("expired", fail="scope"),
        FakeSource("buggy", fail="crash"),
    ]
    results = sync(db, sources)
    assert [(r.scope, r.status) for r in results] == [
        ("fake:good", "ok"),
        ("broken", "failed"),
        ("expired", "failed"),
        ("buggy", "failed"),
    ]
    assert "500" in results[1].error and "credentials expired" in results[2].error
    assert "KeyError" in results[3].error
    with duckdb.connect(str(db), read_only=True) as conn:
        stored = conn.execute("SELECT DISTINCT BillingAccountId FROM cost").fetchall()
        runs = dict(conn.execute("SELECT scope, status FROM sync_run").fetchall())
        errors = conn.execute("SELECT count(*) FROM sync_run WHERE error IS NOT NULL").fetchall()
    assert stored == [("good",)]
    assert runs == {
        "fake:good": "ok",
        "fake:broken": "failed",
        "expired": "failed",
        "fake:buggy": "failed",
    }
    assert errors == [(3,)]


def test_a_lone_failing_source_raises_its_error(db):
    with pytest.raises(ProviderError, match="500"):
        sync(db, [FakeSource("broken", fail="fetch")])


def test_progress_is_one_line_per_source_without_detail(db):
    lines: list[str] = []
    sync(db, [FakeSource("a"), FakeSource("b", fail="fetch")], progress=lines.append, detail=False)
    assert sorted(lines) == ["a: ok, 7 row(s), 1 calls", "b: failed: b: the API said 500"]
    lines.clear()
    sync(db, [FakeSource("c"), FakeSource("d")], progress=lines.append, refresh=True)
    assert "c: fetched" in lines and "d: fetched" in lines
