"""Teams: accounts and tag values map costs to teams; the rest is unallocated, with its share."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.errors import UsageError
from tests.insights.conftest import TODAY, daily

START = TODAY - timedelta(days=70)
SETTINGS = Settings.model_validate(
    {
        "teams": {
            "web": {"accounts": ["acct-web"]},
            "data": {"tags": {"team": ["data", "analytics"]}},
        }
    }
)


@pytest.fixture
def teams_db(store_factory):
    rows = (
        daily(START, TODAY, "EC2", "60", account="acct-web")
        + daily(START, TODAY, "BigQuery", "30", account="acct-x", tags={"team": "analytics"})
        + daily(START, TODAY, "S3", "10", account="acct-x", tags={"team": "it's; DROP"})
    )
    return store_factory(rows, START)


def test_costs_by_team_and_unallocated_share(teams_db):
    report = api.costs(last="10d", by=["team"], db=teams_db, settings=SETTINGS, today=TODAY)
    got = {r.group["team"]: r.cost for r in report.rows}
    assert got == {"web": Decimal(600), "data": Decimal(300), "unallocated": Decimal(100)}
    assert "100.00 USD is unallocated (10.00% of USD spend)" in report.warnings


def test_team_in_compare_and_check(teams_db):
    result = api.compare(period="week", by=["team"], db=teams_db, settings=SETTINGS, today=TODAY)
    assert result.totals[0].unallocated == Decimal(70)
    assert result.totals[0].unallocated_pct == Decimal("10.00")
    check = api.check(budget="1000 USD", by=["team"], db=teams_db, settings=SETTINGS, today=TODAY)
    spent = {i.group["team"]: i.actual for i in check.items if i.kind == "budget"}
    assert spent == {"web": Decimal(1440), "data": Decimal(720), "unallocated": Decimal(240)}
    assert any("unallocated" in w for w in check.warnings)


def test_team_with_two_dimensions_and_tag_key_still_works(teams_db):
    report = api.costs(
        last="7d", by=["team", "tag:team"], db=teams_db, settings=SETTINGS, today=TODAY
    )
    pairs = {(r.group["team"], r.group["tag:team"]) for r in report.rows}
    assert ("unallocated", "it's; DROP") in pairs and ("data", "analytics") in pairs


def test_team_without_config_is_a_usage_error(teams_db, cli):
    with pytest.raises(UsageError, match="needs teams"):
        api.costs(last="7d", by=["team"], db=teams_db, settings=Settings(), today=TODAY)
    out = cli("--db", teams_db, "compare", "--by", "team", "--offline")
    assert out.exit_code == 2


def test_cli_costs_by_team_json(teams_db, cli, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[teams.web]\naccounts = ["acct-web"]\n')
    out = cli(
        "--db",
        teams_db,
        "--config",
        config,
        "costs",
        "--by",
        "team",
        "--last",
        "7d",
        "--format",
        "json",
        "--offline",
    )
    assert out.exit_code == 0, out.stderr
    assert {r["group"]["team"] for r in json.loads(out.stdout)["rows"]} == {"web", "unallocated"}
    assert "is unallocated" in out.stderr
