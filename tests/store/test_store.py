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


def test_a_cache_with_per_row_provenance_keeps_it_per_day(db, monkeypatch):
    """Migration 6 drops x_source/x_sync_id from `cost`; the view joins them back."""
    from cloudspy.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:5])
    with duckdb.connect(str(db)) as conn:
        migrations.apply_migrations(conn)
        conn.execute(
            "INSERT INTO cost (ProviderName, BillingAccountId, ChargeCategory, ChargePeriodStart,"
            " ChargePeriodEnd, BilledCost, BillingCurrency, x_source, x_scope, x_sync_id)"
            " VALUES ('AWS', '1', 'Usage', TIMESTAMP '2026-11-01 05:00', TIMESTAMP"
            " '2026-11-01 06:00', 1.25, 'USD', 'ce', 'aws:ce:1', 'run-1')"
        )
        conn.execute(
            "INSERT INTO cost_coverage VALUES ('aws:ce:1', 'ce', 'AWS', '1', DATE '2026-11-01',"
            " ['service'], ['billed'], false, 10, 'run-1', TIMESTAMP '2026-11-02 00:00')"
        )
    monkeypatch.undo()
    with connect(db, read_only=False) as conn:
        columns = {r[0] for r in conn.execute("DESCRIBE cost").fetchall()}
        rows = conn.execute(
            "SELECT BilledCost, x_source, x_sync_id FROM cost_with_provenance"
        ).fetchall()
    assert {"x_source", "x_sync_id"}.isdisjoint(columns)
    assert [(str(r[0]), r[1], r[2]) for r in rows] == [("1.2500000000000000", "ce", "run-1")]


def test_an_import_is_exported_with_its_source_and_run(db, tmp_path):
    api.import_files([FOCUS_SAMPLE], db=db)
    out = tmp_path / "rows.csv"
    api.export("csv", out, since="2024-01-01", until="2025-01-01", db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        [(run,)] = conn.execute(
            "SELECT id FROM sync_run WHERE provider = 'files' AND status = 'ok'"
        ).fetchall()
    with duckdb.connect() as conn:
        got = conn.execute(
            f"SELECT x_source, x_sync_id, count(*) FROM read_csv('{out}', all_varchar = true)"
            " GROUP BY ALL"
        ).fetchall()
    assert [(source, sync_id) for source, sync_id, _ in got] == [("focus-file", run)]


def test_reads_in_one_store_open_share_a_connection_and_a_write_still_gets_in(db):
    import subprocess
    import sys

    api.import_files([FOCUS_SAMPLE], db=db)
    with api.one_store_open(db):
        with connect(db) as first:
            count = first.execute("SELECT count(*) FROM cost").fetchall()[0][0]
        with connect(db) as second:
            assert second is first  # one open of the file, not two
            assert second.execute("SELECT count(*) FROM cost").fetchall()[0][0] == count
        # A write in the block closes the shared reader first (DuckDB refuses both).
        with connect(db, read_only=False) as writer:
            writer.execute("CREATE TABLE scratch(x INTEGER)")
        with connect(db) as third:
            assert third is not first
            assert third.execute("SELECT count(*) FROM scratch").fetchall() == [(0,)]
        api.release_store(db)
        with connect(db) as fourth, connect(db) as fifth:
            assert fourth is not fifth  # released: each read opens for itself again
    # After the block nothing holds the file: another process may write at once.
    code = f"import duckdb; duckdb.connect({str(db)!r}).execute('DROP TABLE scratch')"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_one_store_open_blocks_nest(db):
    """`aws costs` keeps the store open around `costs`, which keeps it open too: the inner
    block ends without closing what the outer one still reads from."""
    api.import_files([FOCUS_SAMPLE], db=db)
    with api.one_store_open(db):
        with connect(db) as outer:
            pass
        with api.one_store_open(db), connect(db) as inner:
            assert inner is outer
        with connect(db) as after:
            assert after is outer
            assert after.execute("SELECT count(*) FROM cost").fetchall()[0][0] > 0
    with connect(db) as own, connect(db) as other:
        assert own is not other


def test_gcp_rhel_prices_cached_per_vm_are_dropped_and_their_vms_say_why(db, monkeypatch):
    """Migration 12: GCP RHEL licences bill per vCPU (#14). Their cached prices go (the
    next sync asks again) and the stored RHEL VMs lose the per-VM figure, saying why;
    other cached prices and VMs keep theirs."""
    from cloudspy.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:11])
    with duckdb.connect(str(db)) as conn:
        migrations.apply_migrations(conn)
        for provider, variant in (("gcp", "RHEL 9"), ("gcp", "Windows Server 2022"),
                                  ("azure", "RHEL")):  # fmt: skip
            conn.execute(
                "INSERT INTO price_list VALUES (?, 'vm', 'r', 'n2-standard-4', ?, 'hour', 0,"
                " 0.25, 'USD', 'test', NULL, TIMESTAMP '2026-11-25 00:00', '')",
                [provider, variant],
            )
        for rid, platform in (("rhel", "RHEL 9"), ("win", "Windows Server 2022")):
            conn.execute(
                "INSERT INTO resource (snapshot_at, provider, account, region, resource_id,"
                " kind, monthly_cost, currency, price_basis, scope, platform) VALUES (TIMESTAMP"
                " '2026-11-25 00:00', 'gcp', 'p', 'r', ?, 'vm', 182.5, 'USD', 'list price',"
                " 'gcp:p', ?)",
                [rid, platform],
            )
    monkeypatch.undo()
    with connect(db, read_only=False) as conn:
        prices = conn.execute("SELECT provider, variant FROM price_list ORDER BY 1, 2").fetchall()
        vms = dict(
            (rid, (cost, basis))
            for rid, cost, basis in conn.execute(
                "SELECT resource_id, monthly_cost, price_basis FROM resource"
            ).fetchall()
        )
    assert prices == [("azure", "RHEL"), ("gcp", "Windows Server 2022")]
    assert vms["rhel"][0] is None and "GCP RHEL licences bill per vCPU" in vms["rhel"][1]
    assert vms["win"] == (182.5, "list price")


def test_gcp_archive_snapshots_priced_at_the_standard_rate_lose_that_price(db, monkeypatch):
    """Migration 13: a GCP archive snapshot was priced at the standard snapshot rate;
    it bills an archive rate, so its stored price goes, saying why. A standard one,
    and another provider's, keep theirs (#14)."""
    from cloudspy.store import migrations

    monkeypatch.setattr(migrations, "MIGRATIONS", MIGRATIONS[:12])
    with duckdb.connect(str(db)) as conn:
        migrations.apply_migrations(conn)
        for provider, rid, raw in (("gcp", "archive", '{"snapshotType": "ARCHIVE"}'),
                                   ("gcp", "standard", '{"snapshotType": "STANDARD"}'),
                                   ("aws", "snap-1", '{"snapshotType": "ARCHIVE"}')):  # fmt: skip
            conn.execute(
                "INSERT INTO resource (snapshot_at, provider, account, region, resource_id,"
                " kind, monthly_cost, currency, price_basis, scope, raw) VALUES (TIMESTAMP"
                " '2026-11-25 00:00', ?, 'p', 'global', ?, 'snapshot', 5, 'USD', 'list price',"
                " 'scope', ?)",
                [provider, rid, raw],
            )
    monkeypatch.undo()
    with connect(db, read_only=False) as conn:
        rows = conn.execute("SELECT resource_id, monthly_cost, price_basis FROM resource")
        found = {rid: (cost, basis) for rid, cost, basis in rows.fetchall()}
    assert found["archive"][0] is None
    assert "an archive snapshot bills the archive rate" in found["archive"][1]
    assert found["standard"] == (5, "list price") and found["snap-1"] == (5, "list price")
