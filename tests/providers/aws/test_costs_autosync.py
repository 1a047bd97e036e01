"""`cloudspy costs` with AWS configured: syncs when the cache is empty or stale, not otherwise."""

from __future__ import annotations

import json
from datetime import timedelta

from tests.conftest import DEMO_TODAY
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result, queue


def test_costs_syncs_first_then_answers_from_the_cache(aws_env, cli, db, tmp_path):
    today = DEMO_TODAY  # the suite's pinned clock, which the CLI reads too (#12)
    days = [today - timedelta(days=i) for i in range(6, 0, -1)]  # previous 3 + current 3
    groups = [(["AWS Lambda", "us-east-1"], "1.5", "1.25")]
    queue(
        aws_env,
        [
            accounts_page(days, {"123456789012": "payer"}),
            breakdown_page([day_result(d, groups) for d in days]),
        ],
    )
    config = tmp_path / "config.toml"
    config.write_text('[[aws.accounts]]\nname = "main"\n', encoding="utf-8")
    first = cli("--db", db, "--config", config, "costs", "--last", "3d", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert "AWS main" in first.stderr  # progress went to stderr, not into the JSON
    document = json.loads(first.stdout)
    assert document["totals"] == [
        {"currency": "USD", "cost": "4.5", "previous_cost": "4.5", "change_pct": "0"}
    ]
    history = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    assert len(history) == 1 and history[0]["api_calls"] == 2
    offline = cli("--db", db, "--config", config, "costs", "--last", "3d", "--offline")
    assert offline.exit_code == 0
    assert len(json.loads(cli("--db", db, "history", "--format", "json").stdout)) == 1


def test_a_failed_refresh_falls_back_to_the_cache_with_a_warning(
    cli, demo_db, tmp_path, monkeypatch
):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    config = tmp_path / "config.toml"
    config.write_text('[[aws.accounts]]\nprofile = "default"\n', encoding="utf-8")
    (tmp_path / "aws-config").write_text("[default]\nregion = us-east-1\n", encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    result = cli(
        "--db", db, "--config", config, "costs", "--since", "2026-10-26", "--until", "2026-11-25"
    )
    assert result.exit_code == 0
    assert "could not refresh" in result.stderr and "credentials" in result.stderr
    assert "Total USD" in result.stdout
