"""The BigQuery SQL CloudSpy sends, executed (#13: pushed-down SQL is run, not compared as text).

sqlglot transpiles the export query from BigQuery SQL to DuckDB (BigQuery's NUMERIC
kept as DECIMAL(38, 9), DATE() of a timestamp taken in UTC, as BigQuery does), and
DuckDB runs it over a table shaped like the standard billing export: nested
service/project/location records, a labels array, a credits array with every
credit type, cost_at_list, rows a second either side of midnight, a late row
exported days after its usage, and rows outside the window. The aggregates must
equal sums computed here from the raw rows.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal

import duckdb
import sqlglot

from cloudspy.providers.gcp.export_query import ExportLayout, build_query, query_parameters

TABLE = "finops-billing.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01"
LAYOUT = ExportLayout("standard", has_list_cost=True, has_labels=True,
                      partition_column="_PARTITIONTIME")  # fmt: skip
CREDIT_TYPES = ["SUSTAINED_USAGE_DISCOUNT", "COMMITTED_USAGE_DISCOUNT", "FREE_TIER",
                "PROMOTION", "DISCOUNT", "SUBSCRIPTION_BENEFIT", "RESELLER_MARGIN"]  # fmt: skip


def row(when, service, cost, *, credits=(), labels=(), region="us-central1", at_list=None,
        cost_type="regular", exported=None, currency="USD"):  # fmt: skip
    start = datetime.fromisoformat(when).replace(tzinfo=UTC)
    return {
        "billing_account_id": "0123AB-4567CD-89EF01",
        "service": {"id": service[:4], "description": service},
        "project": {"id": "web-prod", "name": "Web production"},
        "location": {"region": region},
        "labels": [{"key": k, "value": v} for k, v in labels],
        "usage_start_time": start,
        "cost": cost,
        "cost_at_list": at_list,
        "currency": currency,
        "cost_type": cost_type,
        "credits": [{"name": t, "amount": a, "type": t} for t, a in credits],
        "_PARTITIONTIME": (exported or start).replace(hour=0, minute=0, second=0),
    }


ROWS = [
    row("2026-09-30 23:59:59", "Compute Engine", 100.0),  # before the window
    row("2026-10-01 00:00:00", "Compute Engine", 10.123456789, at_list=12.5,
        credits=[("SUSTAINED_USAGE_DISCOUNT", -1.5), ("COMMITTED_USAGE_DISCOUNT", -0.25)],
        labels=[("team", "web"), ("env", "prod")]),
    row("2026-10-01 23:59:59", "Cloud Storage", 0.000000001, labels=[("team", "data")]),
    row("2026-10-02 00:00:00", "BigQuery", 5.0, credits=[("FREE_TIER", -5.0)], at_list=5.0),
    row("2026-10-02 12:00:00", "Compute Engine", 7.25, labels=[("team", "web")],
        credits=[(t, -0.01) for t in CREDIT_TYPES]),
    row("2026-10-02 13:00:00", "Invoice", 1.99, cost_type="tax", region=None),
    row("2026-10-03 08:00:00", "Compute Engine", -3.0, cost_type="adjustment"),
    row("2026-10-03 09:00:00", "Cloud SQL", 2.5, currency="EUR"),
    # A late row: usage on the 3rd, exported (partitioned) on the 6th.
    row("2026-10-03 22:00:00", "Compute Engine", 0.75, exported=datetime(2026, 10, 6, tzinfo=UTC)),
    row("2026-10-04 00:00:00", "Compute Engine", 50.0),  # the window's end is exclusive
]  # fmt: skip


def warehouse() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("SET TimeZone = 'UTC'")
    conn.execute("ATTACH ':memory:' AS \"finops-billing\"")
    conn.execute('CREATE SCHEMA "finops-billing".billing_export')
    conn.execute(
        'CREATE TABLE "finops-billing".billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01'
        " (billing_account_id VARCHAR, service STRUCT(id VARCHAR, description VARCHAR),"
        " project STRUCT(id VARCHAR, name VARCHAR), location STRUCT(region VARCHAR),"
        " labels STRUCT(key VARCHAR, value VARCHAR)[], usage_start_time TIMESTAMPTZ,"
        " cost DOUBLE, cost_at_list DOUBLE, currency VARCHAR, cost_type VARCHAR,"
        " credits STRUCT(name VARCHAR, amount DOUBLE, type VARCHAR)[], _PARTITIONTIME TIMESTAMPTZ)"
    )
    names = list(ROWS[0])
    conn.executemany(
        'INSERT INTO "finops-billing".billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01'
        f" ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        [[r[n] for n in names] for r in ROWS],
    )
    return conn


def executed(start: date, end: date, label_keys: list[str]) -> list[dict]:
    """Run the query CloudSpy sends, with its parameters bound as BigQuery would."""
    sql = build_query(TABLE, LAYOUT, label_keys=bool(label_keys))
    for name, kind, value in query_parameters(start, end, LAYOUT, label_keys):
        literal = (
            f"TIMESTAMP '{value.isoformat()}'" if kind == "TIMESTAMP"
            else "[" + ", ".join(f"'{v}'" for v in value) + "]"
        )  # fmt: skip
        sql = sql.replace(f"@{name}", literal)
    duck = sqlglot.transpile(sql, read="bigquery", write="duckdb")[0]
    duck = duck.replace("AS DECIMAL)", "AS DECIMAL(38, 9))")  # BigQuery NUMERIC
    cursor = warehouse().execute(duck)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def test_the_daily_aggregation_equals_sums_of_the_raw_rows():
    got = executed(date(2026, 10, 1), date(2026, 10, 4), ["team"])
    start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 10, 4, tzinfo=UTC)
    inside = [r for r in ROWS if start <= r["usage_start_time"] < end]
    expected = defaultdict(lambda: [Decimal(0)] * 3)
    for r in inside:
        key = (r["usage_start_time"].date(), r["service"]["description"], r["currency"])
        cost = Decimal(str(r["cost"]))
        credit = sum((Decimal(str(c["amount"])) for c in r["credits"]), Decimal(0))
        listed = Decimal(str(r["cost_at_list"] if r["cost_at_list"] is not None else r["cost"]))
        expected[key][0] += cost
        expected[key][1] += cost + credit
        expected[key][2] += listed
    actual = defaultdict(lambda: [Decimal(0)] * 3)
    for r in got:
        key = (r["usage_day"], r["service"], r["currency"])
        for i, name in enumerate(("billed_cost", "effective_cost", "list_cost")):
            actual[key][i] += r[name]
    assert dict(actual) == dict(expected)
    # A second before midnight stays on its day; the late row is in (its partition is later).
    days = {(r["usage_day"], r["service"]) for r in got}
    assert (date(2026, 10, 1), "Cloud Storage") in days
    assert sum(r["billed_cost"] for r in got if r["usage_day"] == date(2026, 10, 3)
               and r["currency"] == "USD") == Decimal("-2.25")  # fmt: skip


def test_labels_are_kept_only_for_the_asked_keys():
    got = executed(date(2026, 10, 1), date(2026, 10, 2), ["team"])
    sets = {r["label_set"] for r in got if r["service"] == "Compute Engine"}
    assert sets == {json.dumps([{"key": "team", "value": "web"}], separators=(",", ":"))}


def test_partition_pruning_keeps_late_rows():
    # The prune bound lies before the window (late rows land in later partitions, never
    # earlier ones), so a row exported days after its usage is still read.
    params = dict((n, v) for n, _k, v in query_parameters(date(2026, 10, 3), date(2026, 10, 4),
                                                           LAYOUT, []))  # fmt: skip
    assert params["prune_from"] < params["start"]
    got = executed(date(2026, 10, 3), date(2026, 10, 4), [])
    assert Decimal("0.75") in {r["billed_cost"] for r in got}
