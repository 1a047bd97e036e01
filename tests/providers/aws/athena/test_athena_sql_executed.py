"""The SQL CloudSpy sends to Athena, executed (#13 items 9 and 10, and the pushed-down SQL rule).

The local Athena transpiles the Trino SQL to DuckDB and runs it over a table
shaped like a CUR 2.0 Data Export (partitioned by ``billing_period``, money as
double, ``product`` a map) holding every line item type that changes amortized
cost, credits and refunds, and rows a second either side of midnight at a month
boundary. The stored totals must equal sums computed here, independently, from
the raw rows; Athena must read only the partitions of the months asked for; and
late days of the previous month must be fetched again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal

import duckdb
import pytest

from cloudspy import api
from cloudspy.providers.aws.athena import AthenaSource
from cloudspy.providers.aws.settings import AwsAthenaTable
from tests.providers.files.cur2_fixture import expected_effective as cur2_expected_effective

TABLE = AwsAthenaTable(database="cur_db", table="cur2", output_location="s3://results/cloudspy/")
COLUMNS = {
    "billing_period": "VARCHAR",
    "bill_payer_account_id": "VARCHAR",
    "line_item_usage_account_id": "VARCHAR",
    "line_item_usage_account_name": "VARCHAR",
    "line_item_usage_start_date": "TIMESTAMP",
    "line_item_line_item_type": "VARCHAR",
    "line_item_product_code": "VARCHAR",
    "product": "MAP(VARCHAR, VARCHAR)",
    "product_region_code": "VARCHAR",
    "line_item_currency_code": "VARCHAR",
    "line_item_unblended_cost": "DOUBLE",
    "pricing_public_on_demand_cost": "DOUBLE",
    "savings_plan_savings_plan_effective_cost": "DOUBLE",
    "savings_plan_total_commitment_to_date": "DOUBLE",
    "savings_plan_used_commitment": "DOUBLE",
    "reservation_effective_cost": "DOUBLE",
    "reservation_unused_amortized_upfront_fee_for_billing_period": "DOUBLE",
    "reservation_unused_recurring_fee": "DOUBLE",
    "reservation_reservation_a_r_n": "VARCHAR",
}


def item(when: str, kind: str, unblended: float, **extra):
    start = datetime.fromisoformat(when)
    row = dict.fromkeys(COLUMNS)
    row.update(
        billing_period=start.strftime("%Y-%m"),
        bill_payer_account_id="111111111111",
        line_item_usage_account_id="222222222222",
        line_item_usage_account_name="dev",
        line_item_usage_start_date=start,
        line_item_line_item_type=kind,
        line_item_product_code="AmazonEC2",
        product={"product_name": "Amazon Elastic Compute Cloud"},
        product_region_code="us-east-1",
        line_item_currency_code="USD",
        line_item_unblended_cost=unblended,
        pricing_public_on_demand_cost=extra.pop("list", unblended),
    )
    row.update(extra)
    return row


ITEMS = [
    item("2025-08-31 23:59:59", "Usage", 100.0),  # August: outside, another partition
    item("2025-09-01 00:00:00", "Usage", 10.125),
    item("2025-09-01 13:00:00", "Tax", 1.01, list=0.0),
    item("2025-09-02 08:00:00", "Credit", -2.5, list=0.0),
    item("2025-09-02 09:00:00", "Refund", -0.75, list=0.0),
    item("2025-09-03 00:00:00", "SavingsPlanCoveredUsage", 4.0,
         savings_plan_savings_plan_effective_cost=2.75),
    item("2025-09-03 00:00:00", "SavingsPlanNegation", -4.0, list=0.0),
    item("2025-09-03 00:00:00", "SavingsPlanRecurringFee", 3.0, list=0.0,
         savings_plan_total_commitment_to_date=3.0, savings_plan_used_commitment=2.75),
    item("2025-09-04 00:00:00", "DiscountedUsage", 0.0, reservation_effective_cost=1.2),
    item("2025-09-04 00:00:00", "RIFee", 5.0, list=0.0,
         reservation_unused_amortized_upfront_fee_for_billing_period=0.3,
         reservation_unused_recurring_fee=0.2),
    item("2025-09-04 00:00:00", "Fee", 7.0, list=0.0,
         reservation_reservation_a_r_n="arn:aws:ec2:us-east-1:1:reserved-instances/r"),
    item("2025-09-05 00:00:00", "EdpDiscount", -1.5, list=0.0),
    item("2025-09-30 23:59:59", "Usage", 0.0000001),
    item("2025-10-01 00:00:00", "Usage", 200.0),  # October: outside, another partition
]  # fmt: skip


def expected_effective(row) -> Decimal:
    """Amortized cost of one line: the file-import tests' independent rule, on exact values."""
    exact = {k: Decimal(str(v)) if isinstance(v, float) else v for k, v in row.items()}
    return cur2_expected_effective(exact)


@pytest.fixture
def cur_table(aws):
    """The CUR 2.0 table inside the local Athena's warehouse."""
    conn = aws.warehouse
    conn.execute("CREATE SCHEMA IF NOT EXISTS cur_db")
    conn.execute(
        "CREATE TABLE cur_db.cur2 ("
        + ", ".join(f"{name} {kind}" for name, kind in COLUMNS.items())
        + ")"
    )
    names = list(COLUMNS)
    conn.executemany(
        f"INSERT INTO cur_db.cur2 VALUES ({', '.join('?' for _ in names)})",
        [[r[n] for n in names] for r in ITEMS],
    )
    return aws


def test_the_executed_query_reconciles_with_the_raw_line_items(cur_table, db):
    [result] = api.sync(
        since="2025-09-01", until="2025-10-01", sources=[AthenaSource(TABLE)], db=db,
        today=date(2025, 10, 15),
    )  # fmt: skip
    assert result.status == "ok", result.error
    inside = [r for r in ITEMS if r["billing_period"] == "2025-09"]
    billed = sum(Decimal(str(r["line_item_unblended_cost"])) for r in inside)
    effective = sum(expected_effective(r) for r in inside)
    listed = sum(Decimal(str(r["pricing_public_on_demand_cost"])) for r in inside)
    by_category = defaultdict(Decimal)
    for r in inside:
        category = {"Tax": "Tax", "Credit": "Credit", "Refund": "Credit", "RIFee": "Purchase",
                    "SavingsPlanRecurringFee": "Purchase", "Fee": "Purchase"}.get(
            r["line_item_line_item_type"], "Usage")  # fmt: skip
        by_category[category] += Decimal(str(r["line_item_unblended_cost"]))
    with duckdb.connect(str(db), read_only=True) as conn:
        got = conn.execute(
            "SELECT sum(BilledCost), sum(EffectiveCost), sum(ListCost) FROM cost"
        ).fetchall()[0]
        categories = dict(
            conn.execute("SELECT ChargeCategory, sum(BilledCost) FROM cost GROUP BY 1").fetchall()
        )
        last = conn.execute(
            "SELECT sum(BilledCost) FROM cost WHERE ChargePeriodStart = '2025-09-30'"
        ).fetchall()[0][0]
    assert got == (billed, effective, listed)
    assert categories == dict(by_category)
    assert last == Decimal("0.0000001")  # a second before midnight stays on its day


def test_only_the_partitions_of_the_window_are_scanned(cur_table, db):
    api.sync(
        since="2025-09-01", until="2025-09-08", sources=[AthenaSource(TABLE)], db=db,
        today=date(2025, 10, 15),
    )  # fmt: skip
    [execution] = cur_table.executions.values()
    assert "billing_period IN (?)" in execution.query
    assert execution.parameters[-1] == "'2025-09'"
    september = sum(1 for r in ITEMS if r["billing_period"] == "2025-09")
    assert execution.scanned_bytes == september * cur_table.bytes_per_row < len(ITEMS) * 1000


def test_a_window_across_months_names_both_partitions(cur_table, db):
    api.sync(
        since="2025-08-31", until="2025-10-02", sources=[AthenaSource(TABLE)], db=db,
        today=date(2025, 10, 15),
    )  # fmt: skip
    [execution] = cur_table.executions.values()
    assert execution.parameters[2:] == ["'2025-08'", "'2025-09'", "'2025-10'"]
    assert execution.scanned_bytes == len(ITEMS) * cur_table.bytes_per_row


def test_the_last_days_of_the_previous_month_are_fetched_again_on_the_2nd(
    cur_table, db, monkeypatch
):
    monkeypatch.setenv("CLOUDSPY_NOW", "2025-10-02T12:00:00")  # the source reads the clock
    source = AthenaSource(TABLE)
    api.sync(since="2025-09-25", until="2025-10-01", sources=[source], db=db,
             today=date(2025, 10, 2))  # fmt: skip
    with duckdb.connect(str(db), read_only=True) as conn:
        estimated = [
            row[0]
            for row in conn.execute(
                "SELECT day FROM cost_coverage WHERE estimated ORDER BY day"
            ).fetchall()
        ]
    assert estimated == [date(2025, 9, 29), date(2025, 9, 30)]  # the 3 days before the 2nd
    cur_table.executions.clear()
    [again] = api.sync(since="2025-09-25", until="2025-10-01", sources=[source], db=db,
                       today=date(2025, 10, 2))  # fmt: skip
    [execution] = cur_table.executions.values()
    assert execution.parameters[:2] == ["'2025-09-29'", "'2025-10-01'"]  # a late row may land
    assert again.days_fetched == 2
