"""The store: migrations recorded in order, upgrades of older caches, the daily rollup."""

from __future__ import annotations

import duckdb

from cloudspy import api
from cloudspy.store.connection import connect
from cloudspy.store.migrations import MIGRATIONS
from tests.conftest import FOCUS_SAMPLE


def test_migrations_are_recorded_once_and_in_order(db):
    with connect(db, read_only=False):
        pass
    with connect(db, read_only=False):
        pass
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute("SELECT version FROM _migrations ORDER BY applied_at").fetchall()
    assert [r[0] for r in rows] == sorted(m.version for m in MIGRATIONS)


def rollup_totals(conn):
    return conn.execute(
        "SELECT BillingCurrency, sum(BilledCost), sum(EffectiveCost), sum(row_count)"
        " FROM cost_daily GROUP BY 1 ORDER BY 1"
    ).fetchall()


def cost_totals(conn):
    return conn.execute(
        "SELECT BillingCurrency, sum(BilledCost), sum(EffectiveCost), count(*)"
        " FROM cost GROUP BY 1 ORDER BY 1"
    ).fetchall()


def test_the_rollup_sums_exactly_what_cost_holds(db):
    api.import_files([FOCUS_SAMPLE], db=db)
    api.import_files([FOCUS_SAMPLE], db=db)  # replaced, not added
    with duckdb.connect(str(db), read_only=True) as conn:
        assert rollup_totals(conn) == cost_totals(conn)


def test_an_older_cache_with_data_is_upgraded_on_a_read_open(db):
    """Migration 5 backfills the rollup from rows written before it existed."""
    api.import_files([FOCUS_SAMPLE], db=db)
    with duckdb.connect(str(db)) as conn:
        conn.execute("DROP TABLE cost_daily")
        conn.execute("DELETE FROM _migrations WHERE version = 5")
    report = api.costs(since="2024-09-01", until="2024-10-01", by=["provider"], db=db)
    assert {r.group["provider"] for r in report.rows} == {"AWS", "Microsoft", "Oracle"}
    with duckdb.connect(str(db), read_only=True) as conn:
        assert rollup_totals(conn) == cost_totals(conn)
        assert conn.execute("SELECT count(*) FROM _migrations WHERE version = 5").fetchall() == [
            (1,)
        ]


def test_questions_by_resource_or_tag_read_the_line_items(db):
    api.import_files([FOCUS_SAMPLE], db=db)
    by_resource = api.costs(since="2024-09-01", until="2024-10-01", by=["resource"], db=db)
    by_provider = api.costs(since="2024-09-01", until="2024-10-01", by=["provider"], db=db)
    assert by_resource.totals == by_provider.totals
