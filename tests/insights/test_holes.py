"""A day no source covers is unknown spend, never zero (#13 item 1).

Deleting cached days from a copy of the demo store used to cut the 30-day USD
forecast by 41 % without a word, and let `check` pass a budget it should fail.
Every insight that sums days now refuses a window with a hole, naming the days
and the command that fills them.
"""

from __future__ import annotations

import json
import shutil
from datetime import date

import duckdb
import pytest

HOLE = (date(2026, 11, 1), date(2026, 11, 15))  # 14 days


def with_hole(demo_db, path, hole):
    """A copy of the demo store without the AWS account's days in ``hole``."""
    shutil.copy(demo_db, path)
    with duckdb.connect(str(path)) as conn:
        for table, column in (
            ("cost", "CAST(ChargePeriodStart AS DATE)"),
            ("cost_coverage", "day"),
        ):
            conn.execute(
                f"DELETE FROM {table} WHERE lower(ProviderName) = 'aws'"
                f" AND {column} >= ? AND {column} < ?",
                list(hole),
            )
        conn.execute(
            "DELETE FROM cost_daily WHERE lower(ProviderName) = 'aws' AND day >= ? AND day < ?",
            list(hole),
        )
    return path


@pytest.fixture
def holed(demo_db, tmp_path):
    """The demo store with 14 days of the AWS account removed (costs and coverage)."""
    return with_hole(demo_db, tmp_path / "holed.duckdb", HOLE)


def test_forecast_refuses_a_history_with_a_hole(cli, holed):
    result = cli("--db", holed, "forecast", "--offline", "--format", "json")
    assert result.exit_code == 3, result.stdout
    assert "not zero spend" in result.stderr
    assert "2026-11-01 – 2026-11-14 (14 days)" in result.stderr
    assert "cloudspy sync --since 2026-11-01 --until 2026-11-15" in result.stderr


def test_the_same_forecast_answers_on_the_whole_store(cli, demo_db):
    result = cli("--db", demo_db, "forecast", "--offline", "--format", "json")
    assert result.exit_code == 0, result.stderr


def test_check_refuses_to_judge_a_budget_over_a_hole(cli, holed, demo_db):
    args = ("check", "--offline", "--budget", "1 USD", "--period", "month")
    whole = cli("--db", demo_db, *args)
    assert whole.exit_code == 1  # the whole store breaches a 1 USD budget
    result = cli("--db", holed, *args)
    assert result.exit_code == 3, result.stdout
    assert "the budget period" in result.stderr and "not zero spend" in result.stderr


def test_check_refuses_an_increase_over_periods_with_a_hole(cli, demo_db, tmp_path):
    # The increase compares the last whole month (October) with September.
    holed = with_hole(demo_db, tmp_path / "october.duckdb", (date(2026, 10, 5), date(2026, 10, 8)))
    result = cli(
        "--db", holed, "check", "--offline", "--max-increase", "10%", "--period", "month",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 3
    assert "the checked period" in result.stderr and "2026-10-05 – 2026-10-07" in result.stderr


def test_an_account_that_began_inside_the_window_is_not_a_hole(store_factory):
    from cloudspy.periods import Window
    from cloudspy.store.connection import connect
    from cloudspy.store.cost_queries import coverage_gaps
    from tests.insights.conftest import TODAY, cost_row

    start = date(2026, 11, 10)
    path = store_factory([cost_row(start, "EC2", "1")], start, TODAY)
    with connect(path, read_only=True) as conn:
        assert coverage_gaps(conn, date(2026, 10, 1), TODAY, []) == {}
        window = Window(date(2026, 10, 1), date(2026, 12, 1))
        gaps = coverage_gaps(conn, window.start, window.end, [])
    assert list(gaps) == [("AWS", "AWS-billing")]
    assert gaps[("AWS", "AWS-billing")][0] == TODAY  # days after the cache ends are missing
    assert json.dumps(len(gaps[("AWS", "AWS-billing")])) == "6"
