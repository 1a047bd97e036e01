"""AWS Cost Explorer sync through boto3 over HTTP against moto's server."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import duckdb
import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.errors import CredentialsError, NoDataError
from cloudspy.providers.aws.provider import CostExplorerSource
from cloudspy.providers.aws.settings import AwsAccount, AwsSettings
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result, queue, totals

TODAY = date(2026, 11, 25)
SEPT = [date(2026, 9, 1) + timedelta(days=i) for i in range(3)]
ACCOUNTS = {"123456789012": "payer", "210987654321": "prod"}


def sept_pages() -> list[dict]:
    """Accounts, then account 1 over two pages, then account 2: in request order."""

    def region_groups(scale: str) -> list:
        return [
            (
                ["Amazon Elastic Compute Cloud - Compute", "us-east-1"],
                f"{scale}1.2500000001",
                f"{scale}1.1",
            ),
            (["Amazon Simple Storage Service", "eu-west-1"], "0.0000004", "0.0000004"),
            (["Tax", "NoRegion"], "0.33", "0.33"),
        ]

    return [
        accounts_page(SEPT, ACCOUNTS),
        breakdown_page([day_result(d, region_groups("1")) for d in SEPT[:2]], token="page-2"),
        breakdown_page([day_result(SEPT[2], region_groups("2"))]),
        breakdown_page(
            [day_result(d, [(["AWS Lambda", "us-west-2"], "-0.5", "-0.5")]) for d in SEPT]
        ),
    ]


def store_totals(db) -> dict[str, list[Decimal]]:
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT BillingCurrency, sum(BilledCost), sum(EffectiveCost) FROM cost GROUP BY 1"
        ).fetchall()
    return {c: [b, e] for c, b, e in rows}


def last_run(db) -> dict:
    [run] = api.history(limit=1, db=db)
    return run.model_dump()


def source() -> CostExplorerSource:
    return CostExplorerSource(AwsAccount(name="test"))


def test_multi_page_sync_reconciles_to_the_cent_and_prices_each_request(aws_env, db):
    pages = sept_pages()
    queue(aws_env, pages)
    [result] = api.sync(
        since="2026-09-01", until="2026-09-04", sources=[source()], db=db, today=TODAY
    )
    assert result.status == "ok"
    assert result.scope == "aws:ce:123456789012"
    assert result.api_calls == 4  # accounts + two pages for one account + one for the other
    assert result.api_cost == Decimal("0.04")
    assert store_totals(db) == totals(pages)
    run = last_run(db)
    assert (run["api_calls"], run["api_cost"], run["status"]) == (4, Decimal("0.04"), "ok")
    with duckdb.connect(str(db), read_only=True) as conn:
        names = dict(
            conn.execute("SELECT DISTINCT SubAccountId, SubAccountName FROM cost").fetchall()
        )
        tax = conn.execute(
            "SELECT DISTINCT ChargeCategory, RegionId FROM cost WHERE ServiceName = 'Tax'"
        ).fetchall()
        credit = conn.execute(
            "SELECT DISTINCT ChargeCategory FROM cost WHERE BilledCost < 0"
        ).fetchall()
    assert names == ACCOUNTS
    assert tax == [("Tax", None)]  # "NoRegion" is no region
    assert credit == [("Credit",)]


def test_final_days_are_not_fetched_again_unless_refresh(aws_env, db):
    queue(aws_env, sept_pages())
    api.sync(since="2026-09-01", until="2026-09-04", sources=[source()], db=db, today=TODAY)
    [again] = api.sync(
        since="2026-09-01", until="2026-09-04", sources=[source()], db=db, today=TODAY
    )
    assert again.status == "cached"
    assert again.api_calls == 0
    assert len(api.history(db=db)) == 1  # no request, no run
    before = store_totals(db)
    [forced] = api.sync(
        since="2026-09-01", until="2026-09-04", sources=[source()], db=db, today=TODAY, refresh=True
    )
    assert forced.api_calls == 4  # moto answers a repeated request with the same pages
    assert store_totals(db) == before  # replaced, not added


def test_estimated_days_and_the_open_month_are_fetched_again(aws_env, db):
    today = date(2026, 11, 3)
    october = [date(2026, 10, 30), date(2026, 10, 31)]
    november = [date(2026, 11, 1), date(2026, 11, 2)]
    one = {"123456789012": "payer"}
    groups = [(["Amazon Elastic Compute Cloud - Compute", "us-east-1"], "10", "9")]
    first = [
        accounts_page(october + november, one),
        breakdown_page(
            [day_result(d, groups) for d in october]
            + [day_result(d, groups, estimated=True) for d in november]
        ),
    ]
    queue(aws_env, first)
    api.sync(since="2026-10-30", until="2026-11-03", sources=[source()], db=db, today=today)
    restated = [(["Amazon Elastic Compute Cloud - Compute", "us-east-1"], "12", "11")]
    second = [
        accounts_page(november, one, estimated=True),
        breakdown_page([day_result(d, restated, estimated=True) for d in november]),
    ]
    queue(aws_env, second)
    [result] = api.sync(
        since="2026-10-30", until="2026-11-03", sources=[source()], db=db, today=today
    )
    assert (result.window_start, result.window_end) == (date(2026, 10, 30), date(2026, 11, 3))
    assert result.days_fetched == 2  # only the November days
    run = last_run(db)
    assert (run["window_start"], run["window_end"]) == (date(2026, 11, 1), date(2026, 11, 3))
    assert store_totals(db) == {"USD": [Decimal(10 + 10 + 12 + 12), Decimal(9 + 9 + 11 + 11)]}


def test_an_assumed_role_reads_the_role_account(aws_env, db):
    role = "arn:aws:iam::111111111111:role/CloudSpyRead"
    pages = [
        accounts_page(SEPT[:1], {"111111111111": "org-payer"}),
        breakdown_page([day_result(SEPT[0], [(["AWS Lambda", "us-east-1"], "3.5", "3.5")])]),
    ]
    queue(aws_env, pages, account_id="111111111111")
    settings = Settings(aws=AwsSettings(accounts=[AwsAccount(role_arn=role, external_id="xyz")]))
    [result] = api.sync(
        since="2026-09-01", until="2026-09-02", db=db, settings=settings, today=TODAY
    )
    assert result.scope == "aws:ce:111111111111"
    assert store_totals(db) == {"USD": [Decimal("3.5"), Decimal("3.5")]}


def test_cached_ce_data_refuses_questions_it_cannot_answer(aws_env, db):
    queue(aws_env, sept_pages())
    api.sync(since="2026-09-01", until="2026-09-04", sources=[source()], db=db, today=TODAY)
    report = api.costs(since="2026-09-01", until="2026-09-04", by=["region"], db=db)
    assert {r.group["region"] for r in report.rows} == {
        "us-east-1",
        "eu-west-1",
        "us-west-2",
        "(none)",
    }
    with pytest.raises(NoDataError, match="no 'resource' breakdown"):
        api.costs(since="2026-09-01", until="2026-09-04", by=["resource"], db=db)
    with pytest.raises(NoDataError, match="ListCost"):
        api.costs(since="2026-09-01", until="2026-09-04", metric="list", db=db)


def test_missing_credentials_say_how_to_configure_them(monkeypatch, db):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(CredentialsError) as info:
        api.sync(since="2026-09-01", until="2026-09-02", sources=[source()], db=db, today=TODAY)
    assert "credentials were not found" in info.value.one_line()
    assert "aws configure" in info.value.one_line()
    # The failure is in the integration log, with the same advice.
    [run] = api.history(db=db)
    assert run.status == "failed" and "aws configure" in run.error


def test_missing_credentials_through_the_cli(monkeypatch, cli, db):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    result = cli("--db", db, "aws", "sync", "--last", "7d")
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert "AWS credentials were not found" in result.stderr
    assert "--profile" in result.stderr
    assert "Traceback" not in result.stderr
    assert "unexpected" not in result.stderr


def test_a_malformed_role_is_one_line_exit_2(aws_env, cli, db):
    result = cli("--db", db, "aws", "sync", "--role-arn", "not-an-arn", "--last", "7d")
    assert result.exit_code == 2
    assert "RoleArn" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert "unexpected" not in result.stderr
