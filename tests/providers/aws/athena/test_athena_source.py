"""The Athena cost source (#3 part 3) against moto's server, and its paging and pricing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import boto3
import duckdb
import pytest
from botocore.stub import Stubber

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.errors import ProviderError, UsageError
from cloudspy.periods import Window
from cloudspy.providers.aws.athena import (
    AthenaSource,
    aggregation_sql,
    fetch_athena_costs,
    quoted_table,
    scan_price,
)
from cloudspy.providers.aws.settings import AwsAthenaTable
from tests.providers.aws.athena.conftest import queue_athena_result

NAMES = [
    "day",
    "payer",
    "account",
    "account_name",
    "service",
    "region",
    "category",
    "currency",
    "billed",
    "effective",
    "list",
]
ROWS = [
    [
        "2025-09-01",
        "111111111111",
        "222222222222",
        "dev",
        "Amazon EC2",
        "us-east-1",
        "Usage",
        "USD",
        "10.1234567890",
        "8.5000000000",
        "12.0000000000",
    ],
    [
        "2025-09-01",
        "111111111111",
        "222222222222",
        "dev",
        "Tax",
        None,
        "Tax",
        "USD",
        "1.0100000000",
        "1.0100000000",
        "0E-10",
    ],
    [
        "2025-09-02",
        "111111111111",
        "333333333333",
        None,
        "Amazon S3",
        "eu-west-1",
        "Credit",
        "EUR",
        "-2.5000000000",
        "-2.5000000000",
        "0.0000000000",
    ],
    [
        "2025-09-03",
        "111111111111",
        "333333333333",
        None,
        "Amazon S3",
        "eu-west-1",
        "Usage",
        "EUR",
        "7.3300000001",
        "7.3300000001",
        "7.3300000001",
    ],
]
TODAY = date(2025, 10, 15)
TABLE = AwsAthenaTable(
    database="cur_db",
    table="cur2",
    workgroup="primary",
    output_location="s3://results-bucket/cloudspy/",
)


def expected():
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in ROWS:
        totals[row[7]][0] += Decimal(row[8])
        totals[row[7]][1] += Decimal(row[9])
    return {k: tuple(v) for k, v in totals.items()}


def test_sync_through_moto_stores_the_response_totals_per_currency(aws, db):
    queue_athena_result(aws, NAMES, ROWS)
    [result] = api.sync(
        since="2025-09-01", until="2025-09-04", sources=[AthenaSource(TABLE)], db=db, today=TODAY
    )
    assert (result.status, result.rows, result.scope) == ("ok", 4, "aws:athena:cur_db.cur2")
    with duckdb.connect(str(db), read_only=True) as conn:
        got = conn.execute(
            "SELECT BillingCurrency, sum(BilledCost), sum(EffectiveCost) FROM cost GROUP BY 1"
        ).fetchall()
        run = conn.execute(
            "SELECT status, api_calls, api_cost, quota_used FROM sync_run"
        ).fetchall()[0]
        coverage = conn.execute(
            "SELECT DISTINCT BillingAccountId, priority, estimated FROM cost_coverage"
        ).fetchall()
    assert {c: (b, e) for c, b, e in got} == expected()
    # Start + at least one poll + one results page; a queued result scans 0 bytes: the 10 MB
    # minimum.
    assert run[0] == "ok" and run[1] >= 3
    assert run[2] == scan_price(0) == Decimal("0.000048")
    assert '"data_scanned_bytes": 0' in run[3] and '"athena_queries": 1' in run[3]
    assert coverage == [("111111111111", 20, False)]

    client = boto3.client("athena", region_name="us-east-1")  # through AWS_ENDPOINT_URL_ATHENA
    [query_id] = client.list_query_executions()["QueryExecutionIds"]
    execution = client.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
    assert '"cur_db"."cur2"' in execution["Query"]
    assert execution["ExecutionParameters"] == ["'2025-09-01'", "'2025-09-04'", "'2025-09'"]


def test_a_configured_athena_table_syncs_from_config_toml_through_the_cli(aws, db, tmp_path, cli):
    queue_athena_result(aws, NAMES, ROWS)
    config = tmp_path / "config.toml"
    config.write_text(
        '[[aws.athena]]\nname = "org-cur"\ndatabase = "cur_db"\ntable = "cur2"\n'
        'output_location = "s3://results-bucket/cloudspy/"\n',
        encoding="utf-8",
    )
    result = cli(
        "--db", db, "--config", config, "sync", "--since", "2025-09-01", "--until", "2025-09-04"
    )
    assert result.exit_code == 0, result.stderr
    assert "aws:athena:cur_db.cur2: ok" in result.stdout
    history = cli("--db", db, "history", "--format", "json")
    assert '"source": "athena"' in history.stdout


def _stubbed():
    client = boto3.client(
        "athena", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    return client, Stubber(client)


def _page(rows, header=False, token=None):
    cells = ([NAMES] if header else []) + rows
    page = {
        "ResultSet": {
            "Rows": [
                {"Data": [{} if v is None else {"VarCharValue": v} for v in r]} for r in cells
            ],
            "ResultSetMetadata": {"ColumnInfo": [{"Name": n, "Type": "varchar"} for n in NAMES]},
        }
    }
    if token:
        page["NextToken"] = token
    return page


def test_results_are_paged_with_next_token_and_scanned_bytes_are_priced():
    client, stub = _stubbed()
    stub.add_response("start_query_execution", {"QueryExecutionId": "q1"})
    stub.add_response("get_query_execution", {"QueryExecution": {"Status": {"State": "RUNNING"}}})
    scanned = 3 * 1024**3  # 3 GiB
    stub.add_response(
        "get_query_execution",
        {
            "QueryExecution": {
                "Status": {"State": "SUCCEEDED"},
                "Statistics": {"DataScannedInBytes": scanned},
            }
        },
    )
    stub.add_response("get_query_results", _page(ROWS[:2], header=True, token="t2"))
    stub.add_response(
        "get_query_results",
        _page(ROWS[2:]),
        {"QueryExecutionId": "q1", "MaxResults": 1000, "NextToken": "t2"},
    )
    with stub:
        fetched = fetch_athena_costs(
            client,
            TABLE,
            [Window(date(2025, 9, 1), date(2025, 9, 4))],
            print,
            today=TODAY,
            sleep=lambda _: None,
        )
    stub.assert_no_pending_responses()
    assert len(fetched.rows) == 4
    assert fetched.api_calls == 5
    assert fetched.quota == {"athena_queries": 1, "data_scanned_bytes": scanned}
    # 3 GiB = 3072 MB of a 1,048,576 MB TB at $5.
    assert fetched.api_cost == Decimal("0.014648")
    assert sorted(fetched.days) == [date(2025, 9, d) for d in (1, 2, 3)]


def test_a_failed_query_is_a_provider_error_with_athenas_reason():
    client, stub = _stubbed()
    stub.add_response("start_query_execution", {"QueryExecutionId": "q1"})
    stub.add_response(
        "get_query_execution",
        {
            "QueryExecution": {
                "Status": {"State": "FAILED", "StateChangeReason": "TABLE_NOT_FOUND: cur2"}
            }
        },
    )
    with stub, pytest.raises(ProviderError, match="TABLE_NOT_FOUND"):
        fetch_athena_costs(
            client,
            TABLE,
            [Window(date(2025, 9, 1), date(2025, 9, 2))],
            print,
            today=TODAY,
            sleep=lambda _: None,
        )


@pytest.mark.parametrize("name", ['cur"; DROP TABLE x; --', "a b", "", "db.table"])
def test_identifiers_that_are_not_plain_names_are_refused(name):
    with pytest.raises(UsageError, match="not a plain identifier"):
        quoted_table(name, "t")
    with pytest.raises(Exception, match="database"):
        Settings.model_validate({"aws": {"athena": [{"database": name, "table": "t"}]}})


def test_the_query_binds_the_dates_as_parameters_and_amortizes_like_the_file_import():
    sql = aggregation_sql("cur_db", "cur2", "cur2")
    assert sql.count("?") == 2
    assert "2025" not in sql
    for column in (
        "savings_plan_savings_plan_effective_cost",
        "reservation_unused_amortized_upfront_fee_for_billing_period",
        "pricing_public_on_demand_cost",
    ):
        assert column in sql
    focus = aggregation_sql("exports", "focus_1_2", "focus")
    assert '"exports"."focus_1_2"' in focus and "EffectiveCost" in focus


def test_scan_price_has_a_10_mb_minimum_and_rounds_up_to_the_megabyte():
    assert scan_price(0) == scan_price(10 * 1024**2)
    assert scan_price(10 * 1024**2 + 1) > scan_price(10 * 1024**2)
    assert scan_price(1024**4) == Decimal("5.000000")


def test_cli_sync_of_several_tables_stores_the_good_one_and_exits_3_for_the_bad(
    aws, db, tmp_path, cli
):
    queue_athena_result(aws, NAMES, ROWS)
    config = tmp_path / "config.toml"
    config.write_text(
        '[[aws.athena]]\nname = "good"\ndatabase = "cur_db"\ntable = "cur2"\n'
        'output_location = "s3://results-bucket/cloudspy/"\n\n'
        '[[aws.athena]]\nname = "bad"\ndatabase = "other_db"\ntable = "cur2"\n'
        'profile = "no-such-profile"\n',
        encoding="utf-8",
    )
    result = cli(
        "--db", db, "--config", config, "sync", "--since", "2025-09-01", "--until", "2025-09-04"
    )
    assert result.exit_code == 3
    assert "aws:athena:cur_db.cur2: ok, 3 day(s) fetched, 4 row(s)" in result.stdout
    assert "AWS Athena bad: FAILED: AWS profile 'no-such-profile'" in result.stdout
    # Not a terminal: one progress line per source, then the summary warning.
    progress = [line for line in result.stderr.splitlines() if "Athena" in line]
    assert len(progress) == 2
    with duckdb.connect(str(db), read_only=True) as conn:
        runs = dict(conn.execute("SELECT scope, status FROM sync_run").fetchall())
        rows = conn.execute("SELECT count(*) FROM cost").fetchall()[0][0]
    assert runs == {"aws:athena:cur_db.cur2": "ok", "aws:athena:other_db.cur2": "failed"}
    assert rows == 4
