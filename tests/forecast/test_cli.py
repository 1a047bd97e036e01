"""``cloudspy forecast`` on the demo store: JSON schema, table, CSV and exit codes."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.insights.conftest import TODAY, daily


def run(cli, db, *args):
    return cli("--db", db, "forecast", "--offline", *args)


def test_json_schema_on_the_demo(cli, demo_db, frozen_today):
    out = run(cli, demo_db, "--format", "json")
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert set(doc) == {
        "schema_version", "horizon", "history", "month", "month_to_date", "metric", "method",
        "interval_pct", "group_by", "series", "totals", "provider_forecasts", "warnings",
    }  # fmt: skip
    assert doc["horizon"] == {"start": "2026-11-25", "end": "2026-12-25", "label": "30d"}
    assert doc["history"] == {"start": "2026-08-27", "end": "2026-11-25"}
    assert doc["group_by"] == ["provider"] and doc["interval_pct"] == 80
    assert {s["name"] for s in doc["series"]} == {"AWS", "Google Cloud", "Microsoft"}
    assert [t["currency"] for t in doc["totals"]] == ["EUR", "USD"]
    for series in doc["series"] + doc["totals"]:
        assert len(series["points"]) == 30
        mean = Decimal(series["forecast"]["mean"])
        assert Decimal(series["forecast"]["lower"]) <= mean <= Decimal(series["forecast"]["upper"])
        assert series["forecast"]["mean"].split(".")[1].__len__() == 4  # money as 4-place strings
        assert Decimal(series["month_end"]["mean"]) > Decimal(series["month_to_date"])
        assert Decimal(series["backtest"]["mape_pct"]) < 15
        assert series["backtest"]["days"] == 30
        for point in series["points"]:
            assert Decimal(point["lower"]) <= Decimal(point["mean"]) <= Decimal(point["upper"])
    assert doc["provider_forecasts"] == []


def test_table_and_csv(cli, demo_db, frozen_today):
    table = run(cli, demo_db, "--horizon", "month-end")
    assert table.exit_code == 0, table.stderr
    for text in ("Total USD", "Total EUR", "Projected month end", "Forecast month-end", "MAPE"):
        assert text in table.stdout
    csv = run(cli, demo_db, "--by", "service", "--format", "csv")
    assert csv.exit_code == 0
    assert csv.stdout.splitlines()[0].startswith("service,currency,is_total,month_to_date")


@pytest.mark.parametrize(
    "args",
    [
        ("--horizon", "forever"),
        ("--horizon", "400d"),
        ("--history", "5d"),
        ("--format", "xml"),
        ("--by", "colour"),
        ("--provider", "ibm"),
        ("--metric", "blended"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, demo_db, frozen_today, args):
    out = run(cli, demo_db, *args)
    assert out.exit_code == 2
    assert out.stderr.startswith("cloudspy: error:") and len(out.stderr.splitlines()) == 1


def test_short_history_exits_3(cli, store_factory, frozen_today):
    db = store_factory(daily(TODAY - timedelta(days=9), TODAY, "EC2", "5"), TODAY - timedelta(9))
    out = run(cli, db)
    assert out.exit_code == 3
    assert "only 9 days of cost history" in out.stderr and "at least 14" in out.stderr
