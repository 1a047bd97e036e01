"""One JSON contract (#13 item 4): the CLI's --format json is the library model's JSON, exact.

Before, `cloudspy waste --format json` wrote "count" and "298.7762" where
`cloudspy.waste().model_dump_json()` wrote "findings" and "298.77619…", and
`costs` JSON and CSV rounded money to 4 places, so re-rounding to cents could
flip a half-cent. Now both sides serialize through the same exact text.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudspy import api

WINDOW = ("--since", "2026-10-26", "--until", "2026-11-25")


def test_costs_cli_json_is_the_models_json(cli, demo_db):
    result = cli("--db", demo_db, "costs", *WINDOW, "--by", "service", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = api.costs(since="2026-10-26", until="2026-11-25", by=["service"], db=demo_db)
    assert json.loads(result.stdout) == json.loads(report.model_dump_json())


@pytest.mark.parametrize("command", ["waste", "resources", "schedule"])
def test_inventory_cli_json_is_the_models_json(cli, demo_db, command):
    result = cli("--db", demo_db, command, "--format", "json")
    assert result.exit_code == 0, result.stderr
    model = getattr(api, command)(db=demo_db)
    assert json.loads(result.stdout) == json.loads(model.model_dump_json())
    document = json.loads(result.stdout)
    assert "skipped_regions" in document["snapshot"]
    if command == "waste":
        assert {"currency", "monthly_savings", "count", "upper_bound"} == set(document["totals"][0])


def _one_day_store(path, amount: str):
    from tests.insights.conftest import cost_row, write_store

    day = date(2026, 11, 20)
    return write_store(path, [cost_row(day, "EC2", amount)], day, day + timedelta(days=1))


@pytest.mark.parametrize("output", ["json", "csv"])
def test_machine_formats_carry_the_exact_amount(cli, tmp_path, output):
    # 0.004999 rounded to 4 places is 0.0050, which rounds to a cent as 0.01; the exact
    # amount rounds to 0.00. The machine formats must carry the amount itself.
    db = _one_day_store(tmp_path / "c.duckdb", "0.0049990000001234")
    result = cli(
        "--db", db, "costs", "--since", "2026-11-20", "--until", "2026-11-21", "--format", output
    )
    assert result.exit_code == 0, result.stderr
    assert "0.0049990000001234" in result.stdout
    assert "0.0050" not in result.stdout
    if output == "json":
        total = json.loads(result.stdout)["totals"][0]["cost"]
        assert Decimal(total) == Decimal("0.0049990000001234")


@pytest.mark.parametrize(
    ("command", "call"),
    [
        (["compare", "--offline"], lambda db: api.compare(db=db)),
        (["forecast", "--offline"], lambda db: api.forecast(db=db, provider_forecasts=False)),
        (["check", "--offline", "--budget", "1000 USD"],
         lambda db: api.check(db=db, budget="1000 USD")),
    ],
    ids=["compare", "forecast", "check"],
)  # fmt: skip
def test_insight_cli_json_is_the_models_json(cli, demo_db, command, call):
    result = cli("--db", demo_db, *command, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr  # check exits 1 on a breach
    assert json.loads(result.stdout) == json.loads(call(demo_db).model_dump_json())
