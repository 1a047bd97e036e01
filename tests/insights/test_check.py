"""check end to end through the CLI: every exit code, every format, the step summary."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from xml.etree import ElementTree as ET

import pytest

from cloudspy.insights.check import Limit, evaluate_budget, evaluate_increase
from cloudspy.insights.cost_reads import GroupTotal
from tests.insights.conftest import TODAY, daily

START = TODAY - timedelta(days=120)


@pytest.fixture
def steady(store_factory):
    """100 USD a day, every day, for 120 days ending yesterday; in November 10 more from Nov 1."""
    rows = daily(START, date(2026, 11, 1), "EC2", "100") + daily(
        date(2026, 11, 1), TODAY, "EC2", "110"
    )
    return store_factory(rows, START)


def run(cli, db, *args, env=None):
    return cli("--db", db, "check", "--offline", *args, env=env)


def test_within_limits_exits_0(cli, steady):
    out = run(cli, steady, "--budget", "5000", "--max-increase", "20%")
    assert out.exit_code == 0, out.stderr
    assert "all 3 checks within limits" in out.stdout
    # November: 24 days × 110 spent, 6 more forecast at ≈110 each.
    assert "2640.00 USD spent in month 2026-11" in out.stdout


def test_budget_breach_exits_1(cli, steady):
    out = run(cli, steady, "--budget", "3000 USD", "--format", "json")
    assert out.exit_code == 1
    doc = json.loads(out.stdout)
    kinds = {i["kind"]: i for i in doc["items"]}
    assert not kinds["budget"]["breached"]  # 2640 spent so far
    assert kinds["budget-forecast"]["breached"]  # ≈ 3300 by month end
    assert Decimal(kinds["budget-forecast"]["actual"]) > Decimal(3200)


def test_increase_breach_and_junit(cli, steady, tmp_path):
    # October (3100) against September (3000) is +3.33 %.
    out = run(cli, steady, "--max-increase", "3%", "--format", "junit", "--out", tmp_path / "r.xml")
    assert out.exit_code == 1
    root = ET.fromstring((tmp_path / "r.xml").read_text())
    suite = root.find("testsuite")
    assert suite.get("failures") == "1" and suite.get("tests") == "1"
    failure = suite.find("testcase/failure")
    assert "3100.00 USD against 3000.00 USD (3.33%)" in failure.get("message")
    assert run(cli, steady, "--max-increase", "4%").exit_code == 0
    assert run(cli, steady, "--max-increase", "150 USD").exit_code == 0
    assert run(cli, steady, "--max-increase", "50 USD").exit_code == 1


def test_markdown_goes_to_the_step_summary(cli, steady, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    out = run(cli, steady, "--budget", "3000", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert out.exit_code == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n")
    assert "### CloudSpy cost check: ❌ 1 of 2 checks breached" in text
    assert "| ❌ |" in text
    md = run(cli, steady, "--budget", "9000", "--format", "markdown")
    assert md.stdout.startswith("### CloudSpy cost check: ✅")


def test_baseline_file(cli, steady, tmp_path):
    baseline = tmp_path / "baseline.json"
    written = cli(
        "--db",
        steady,
        "costs",
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-25",
        "--format",
        "json",
        "--offline",
    )
    baseline.write_text(written.stdout)  # 24 days × 100
    out = run(cli, steady, "--max-increase", "5%", "--baseline", baseline, "--by", "service")
    assert out.exit_code == 1  # last 24 days: 2640 against 2400 = +10 %
    assert "2640.00 USD against 2400.00 USD (10.00%)" in out.stdout
    assert run(cli, steady, "--max-increase", "11%", "--baseline", baseline).exit_code == 0
    wrong = run(cli, steady, "--max-increase", "5%", "--baseline", baseline, "--by", "region")
    assert wrong.exit_code == 2 and "grouped by" in wrong.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"window": {}}')
    assert run(cli, steady, "--max-increase", "5%", "--baseline", broken).exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--budget", "lots"],
        ["--max-increase", "10%USD"],
        ["--budget", "10", "--period", "year"],
        ["--by", "service"],
        ["--budget", "10", "--format", "pdf"],
    ],
)
def test_usage_errors_exit_2(cli, steady, args):
    out = run(cli, steady, *args)
    assert out.exit_code == 2, out.stdout
    assert out.stderr.startswith("cloudspy: error:") and "Traceback" not in out.stderr


def test_stale_and_missing_data_exit_3(cli, store_factory, tmp_path):
    old_end = TODAY - timedelta(days=5)
    stale = store_factory(daily(START, old_end, "EC2", "100"), START, old_end)
    out = run(cli, stale, "--budget", "5000")
    assert out.exit_code == 3
    assert "newest cached day is 2026-11-19, 6 days old" in out.stderr
    missing = run(cli, tmp_path / "none.duckdb", "--budget", "5000")
    assert missing.exit_code == 3


def test_two_currencies_need_a_named_budget(cli, store_factory):
    rows = daily(START, TODAY, "EC2", "10") + daily(
        START, TODAY, "VMs", "10", currency="EUR", provider="Microsoft"
    )
    db = store_factory(rows, START)
    assert run(cli, db, "--budget", "100").exit_code == 2
    out = run(cli, db, "--budget", "100 EUR", "--format", "json")
    assert {i["currency"] for i in json.loads(out.stdout)["items"]} == {"EUR"}


def test_config_limits_per_group(cli, steady, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(
        '[check]\nmax_stale_days = 1\n[[check.limits]]\nname = "ec2 budget"\nby = "service"\n'
        'group = "EC2"\nbudget = "2000 USD"\n'
    )
    out = cli("--db", steady, "--config", config, "check", "--offline")
    assert out.exit_code == 1
    assert "ec2 budget: service=EC2: 2640.00 USD spent" in out.stdout


def test_pure_evaluators():
    limit = Limit(name="b", budget=(Decimal(100), None))
    items = evaluate_budget(limit, [GroupTotal((), "USD", Decimal(-20))], {}, "m")
    assert not items[0].breached  # credits can make the spend negative
    inc = Limit(name="i", increase=(Decimal(10), True, None))
    new = evaluate_increase(inc, [GroupTotal((), "USD", Decimal(500))], [])
    assert not new[0].breached and "new, no baseline" in new[0].message
