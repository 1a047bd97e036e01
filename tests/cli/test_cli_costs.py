"""`cloudspy costs` through Typer's runner: outputs, the JSON contract, and bad inputs."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
import time
from decimal import Decimal
from pathlib import Path

import pytest

from tests import paths

GOLDEN = paths.GOLDEN
WINDOW = ("--since", "2026-10-26", "--until", "2026-11-25")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_table_shows_groups_shares_changes_and_a_total_per_currency(cli, demo_db):
    result = cli("--db", demo_db, "costs", *WINDOW, "--by", "provider")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for text in ("AWS", "Google Cloud", "Microsoft", "Total USD", "Total EUR", "Share", "Change"):
        assert text in out
    assert any(ch in out for ch in "▁▂▃▄▅▆▇█")  # the trend sparkline


def test_json_is_the_documented_contract(cli, demo_db):
    result = cli("--db", demo_db, "costs", *WINDOW, "--by", "provider", "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    for source in document["sources"]:
        source.pop("fetched_at")
    golden = json.loads((GOLDEN / "costs_by_provider.json").read_text(encoding="utf-8"))
    assert document == golden
    # Rows reconcile with the totals, per currency, and money is a decimal string.
    for total in document["totals"]:
        rows = [Decimal(r["cost"]) for r in document["rows"] if r["currency"] == total["currency"]]
        assert sum(rows) == Decimal(total["cost"])
        assert isinstance(total["cost"], str)


def test_csv_has_one_line_per_group_and_bucket_columns(cli, demo_db):
    result = cli("--db", demo_db, "costs", *WINDOW, "--by", "provider", "-f", "csv", "-g", "week")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "provider,currency,cost,share_pct,previous_cost,change_pct,2026-10-26"
    )
    assert len(lines) == 1 + 3


def test_top_folds_the_rest_into_other_and_filters_apply(cli, demo_db):
    result = cli(
        "--db",
        demo_db,
        "costs",
        *WINDOW,
        "--by",
        "service",
        "--provider",
        "aws",
        "--top",
        "2",
        "--format",
        "json",
    )
    document = json.loads(result.stdout)
    services = [r["group"]["service"] for r in document["rows"]]
    assert services[-1] == "Other" and len(services) == 3
    assert [t["currency"] for t in document["totals"]] == ["USD"]


def test_tag_grouping_and_effective_metric(cli, demo_db):
    result = cli(
        "--db", demo_db, "costs", *WINDOW, "--by", "tag:team", "--metric", "effective", "-f", "json"
    )
    document = json.loads(result.stdout)
    assert document["metric"] == "EffectiveCost"
    assert {r["group"]["tag:team"] for r in document["rows"]} >= {"web", "data", "ml", "platform"}


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--last", "30x"), "unknown period '30x'"),
        (("--since", "2026-11-02", "--until", "2026-11-01"), "is not before --until"),
        (("--since", "yesterday"), "is not a date"),
        (("--by", "colour"), "unknown --by 'colour'"),
        (("--by", "tag:"), "names no tag key"),
        (("--format", "xml"), "unknown --format 'xml'"),
        (("--metric", "blended"), "unknown --metric 'blended'"),
        (("--granularity", "hour"), "unknown --granularity"),
        (("--top", "0"), "--top must be at least 1"),
        (("--top", "many"), "--top"),
        (("--provider", "ibm"), "unknown provider 'ibm'"),
        (("--offline", "--refresh"), "contradict"),
        (("--last", "7d", "--since", "2026-01-01"), "cannot be combined"),
        (("--bogus",), "No such option"),
    ],
)
def test_bad_input_is_one_line_and_exit_2_and_the_cache_is_untouched(cli, demo_db, args, needle):
    before = digest(demo_db)
    result = cli("--db", demo_db, "costs", *args)
    assert result.exit_code == 2, result.stderr
    assert needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert digest(demo_db) == before


def test_no_cache_yet_says_what_to_do(cli, tmp_path):
    # No cache, no config and no credentials (#12): what to set up, and the demo.
    result = cli("--db", tmp_path / "none.duckdb", "costs")
    assert result.exit_code == 3
    assert "no AWS, GCP or Azure credentials" in result.stderr
    assert "cloudspy demo" in result.stderr


def test_a_window_without_data_is_exit_3(cli, demo_db):
    result = cli("--db", demo_db, "costs", "--since", "2020-01-01", "--until", "2020-02-01")
    assert result.exit_code == 3
    assert "no costs are cached" in result.stderr


def test_a_corrupted_cache_is_reported_and_left_alone(cli, tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"DUCK" + bytes(range(256)) * 64)
    before = digest(bad)
    result = cli("--db", bad, "costs")
    assert result.exit_code == 3
    assert "not a readable DuckDB file" in result.stderr or "could not be read" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert digest(bad) == before
    imported = cli("--db", bad, "import", "tests/fixtures/focus/focus_sample_1000.csv")
    assert imported.exit_code == 3
    assert digest(bad) == before


def test_a_foreign_duckdb_file_is_never_migrated(cli, tmp_path):
    import duckdb

    foreign = tmp_path / "someone-elses.duckdb"
    with duckdb.connect(str(foreign)) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    before = digest(foreign)
    result = cli("--db", foreign, "import", "tests/fixtures/focus/focus_sample_1000.csv")
    assert result.exit_code == 3
    assert "not a CloudSpy cache" in result.stderr
    assert digest(foreign) == before


def test_a_locked_cache_waits_then_names_the_holder(cli, tmp_path, demo_db):
    import shutil

    db = tmp_path / "locked.duckdb"
    shutil.copy(demo_db, db)
    config = tmp_path / "config.toml"
    config.write_text("[cache]\nlock_timeout_seconds = 0.5\n", encoding="utf-8")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            conn = duckdb.connect({str(db)!r})
            print("ready", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        result = cli("--db", db, "--config", config, "costs", *WINDOW)
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 3
    assert f"process {holder.pid}" in result.stderr
    assert "waited 0.5s" in result.stderr
    assert 0.4 < waited < 10
    again = cli("--db", db, "costs", *WINDOW)  # the data survived the wait
    assert again.exit_code == 0


def test_bad_config_is_a_usage_error(cli, demo_db, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text("[cache]\nlock_timeout_secs = 1\n", encoding="utf-8")
    result = cli("--db", demo_db, "--config", config, "costs")
    assert result.exit_code == 2
    assert "lock_timeout_secs" in result.stderr
    config.write_text("[cache\n", encoding="utf-8")
    assert cli("--db", demo_db, "--config", config, "costs").exit_code == 2
    missing = cli("--db", demo_db, "--config", tmp_path / "nope.toml", "costs")
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_debug_shows_the_traceback(cli, demo_db):
    result = cli("--db", demo_db, "--debug", "costs", "--last", "30x")
    assert result.exit_code == 2
    assert "Traceback" in result.stderr
