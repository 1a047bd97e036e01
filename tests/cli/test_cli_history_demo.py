"""`cloudspy history`, `cloudspy import` and `cloudspy demo` through the CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from tests.conftest import FOCUS_SAMPLE


def test_import_then_history_lists_the_run(cli, db):
    result = cli("--db", db, "import", FOCUS_SAMPLE)
    assert result.exit_code == 0, result.stderr
    assert "1000 focus rows" in result.stdout and "AWS, Microsoft, Oracle" in result.stdout
    again = cli("--db", db, "import", FOCUS_SAMPLE)
    assert "replacing 1000" in again.stdout
    runs = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    assert [r["status"] for r in runs] == ["ok", "ok"]
    assert runs[0]["source"] == "focus-file" and runs[0]["rows_written"] == 1000
    table = cli("--db", db, "history")
    assert "focus-file" in table.stdout and table.exit_code == 0
    csv_out = cli("--db", db, "history", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("started,provider,source,scope")
    assert len(csv_out) == 3


def test_import_refuses_a_missing_file_and_a_bad_format(cli, db, tmp_path):
    missing = cli("--db", db, "import", tmp_path / "nope.csv")
    assert missing.exit_code == 3 and "does not exist" in missing.stderr
    wrong = cli("--db", db, "import", "--format", "xlsx", FOCUS_SAMPLE)
    assert wrong.exit_code == 2 and "unknown --format" in wrong.stderr
    folder = cli("--db", db, "import", tmp_path)
    assert folder.exit_code == 3 and "is a folder" in folder.stderr


def test_history_on_an_empty_cache_says_so(cli, tmp_path):
    result = cli("--db", tmp_path / "fresh.duckdb", "history")
    assert result.exit_code == 0
    assert "no sync or import has run" in result.stderr


def test_a_killed_run_shows_as_interrupted(db, cli):
    """A process that dies between recording its start and finishing leaves `running`."""
    script = textwrap.dedent(f"""
        import os
        from pathlib import Path
        from cloudspy.store.connection import connect
        from cloudspy.store.sync_log import start_run
        with connect(Path({str(db)!r}), read_only=False) as conn:
            start_run(conn, run_id="dead", provider="aws", source="ce", scope="aws:ce:1",
                      what="costs", window=None)
        os.kill(os.getpid(), {int(signal.SIGKILL)})
    """)
    proc = subprocess.run([sys.executable, "-c", script], env=os.environ.copy(), check=False)
    assert proc.returncode == -signal.SIGKILL
    runs = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    assert [(r["id"], r["status"]) for r in runs] == [("dead", "interrupted")]


def test_demo_loads_its_own_store_and_suggests_next_steps(cli, tmp_path, monkeypatch):
    demo_path = tmp_path / "demo.duckdb"
    monkeypatch.setenv("CLOUDSPY_DEMO_DB", str(demo_path))
    result = cli("demo")
    assert result.exit_code == 0, result.stderr
    assert "Total USD" in result.stdout and "Total EUR" in result.stdout
    assert "cloudspy --demo costs" in result.stdout
    assert demo_path.exists()
    again = cli("--demo", "costs", "--by", "provider", "--format", "json")
    providers = {r["group"]["provider"] for r in json.loads(again.stdout)["rows"]}
    assert providers == {"AWS", "Google Cloud", "Microsoft"}


def test_demo_is_deterministic(tmp_path):
    from datetime import date

    from cloudspy.demo import demo_rows

    first = demo_rows(date(2026, 11, 25))
    assert first == demo_rows(date(2026, 11, 25))
    days = {r["ChargePeriodStart"].date() for r in first}
    assert len(days) >= 90
    assert {r["ProviderName"] for r in first} == {"AWS", "Google Cloud", "Microsoft"}
    assert any(r["ChargeCategory"] == "Credit" and r["BilledCost"] < 0 for r in first)
    assert max(days) == date(2026, 11, 24)  # ends yesterday
