"""A small, SYNTHETIC CUR 2.0 file: AWS publishes no CUR 2.0 sample (realdata NOTES.md §5).

The columns, their types and the line-item types follow the AWS CUR 2.0 table
dictionary (docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html):
money as double, times as timestamps, ``resource_tags`` and ``product`` as
string maps (JSON text in the CSV flavour). Values are invented, with at most 6
decimals, and kept beside the file as Decimal so tests can sum them without
DuckDB or CloudSpy.
"""

from __future__ import annotations

import csv
import json
import random
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

MONEY = [
    "line_item_unblended_cost",
    "line_item_usage_amount",
    "pricing_public_on_demand_cost",
    "savings_plan_savings_plan_effective_cost",
    "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
    "reservation_effective_cost",
    "reservation_unused_amortized_upfront_fee_for_billing_period",
    "reservation_unused_recurring_fee",
]
TEXT = [
    "bill_payer_account_id",
    "bill_payer_account_name",
    "bill_invoicing_entity",
    "line_item_usage_account_id",
    "line_item_usage_account_name",
    "line_item_line_item_type",
    "line_item_product_code",
    "line_item_currency_code",
    "line_item_resource_id",
    "line_item_legal_entity",
    "line_item_line_item_description",
    "line_item_availability_zone",
    "product_region_code",
    "product_sku",
    "pricing_unit",
    "savings_plan_savings_plan_a_r_n",
    "reservation_reservation_a_r_n",
]
TIMES = [
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "bill_billing_period_start_date",
    "bill_billing_period_end_date",
]
MAPS = ["resource_tags", "product"]
PAYERS = [("111111111111", "USD"), ("222222222222", "EUR")]
SERVICES = [
    ("AmazonEC2", "Amazon Elastic Compute Cloud"),
    ("AmazonS3", "Amazon Simple Storage Service"),
    ("AmazonRDS", "Amazon Relational Database Service"),
]
TYPES = [
    "Usage",
    "Usage",
    "Usage",
    "DiscountedUsage",
    "SavingsPlanCoveredUsage",
    "SavingsPlanNegation",
    "RIFee",
    "SavingsPlanRecurringFee",
    "Tax",
    "Credit",
    "Refund",
    "Fee",
]


def _money(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 6)))


def make_rows(count: int = 400, seed: int = 7) -> list[dict]:
    """Line items over three days of September 2025, two payers in two currencies."""
    rng = random.Random(seed)
    start = datetime(2025, 9, 1)
    rows = []
    for index in range(count):
        payer, currency = PAYERS[index % 2]
        code, name = SERVICES[index % 3]
        kind = TYPES[index % len(TYPES)]
        hour = start + timedelta(hours=index % 72)
        cost = _money(rng, 0, 50)
        if kind in ("Credit", "Refund", "SavingsPlanNegation"):
            cost = -cost
        row = dict.fromkeys(MONEY + TEXT + TIMES + MAPS)
        row.update(
            bill_payer_account_id=payer,
            bill_payer_account_name=f"payer {payer[:3]}",
            bill_invoicing_entity="Amazon Web Services, Inc.",
            line_item_usage_account_id=f"{payer[:6]}00000{index % 3}",
            line_item_usage_account_name=f"member {index % 3}",
            line_item_line_item_type=kind,
            line_item_product_code=code,
            line_item_currency_code=currency,
            line_item_resource_id=f"i-{index:08x}" if code == "AmazonEC2" else "",
            line_item_legal_entity="Amazon Web Services, Inc.",
            line_item_line_item_description=f"{kind} line {index}",
            line_item_availability_zone="us-east-1a",
            product_region_code=["us-east-1", "eu-west-1", ""][index % 3],
            product_sku=f"SKU{index % 5}",
            pricing_unit="Hrs",
            line_item_usage_start_date=hour,
            line_item_usage_end_date=hour + timedelta(hours=1),
            bill_billing_period_start_date=datetime(2025, 9, 1),
            bill_billing_period_end_date=datetime(2025, 10, 1),
            line_item_unblended_cost=cost,
            line_item_usage_amount=_money(rng, 0, 10),
            pricing_public_on_demand_cost=abs(cost) + Decimal("0.5"),
            resource_tags={"user_team": ["web", "data"][index % 2]} if index % 4 else {},
            product={"product_name": name, "region": "us-east-1"},
        )
        if kind == "SavingsPlanCoveredUsage":
            row["savings_plan_savings_plan_effective_cost"] = _money(rng, 0, 20)
            row["savings_plan_savings_plan_a_r_n"] = "arn:aws:savingsplans::1:savingsplan/sp-1"
        if kind == "SavingsPlanRecurringFee":
            row["savings_plan_total_commitment_to_date"] = _money(rng, 20, 40)
            row["savings_plan_used_commitment"] = _money(rng, 0, 20)
        if kind == "DiscountedUsage":
            row["reservation_effective_cost"] = _money(rng, 0, 20)
            row["reservation_reservation_a_r_n"] = "arn:aws:ec2:us-east-1:1:reserved-instances/r-1"
        if kind == "RIFee":
            row["reservation_unused_amortized_upfront_fee_for_billing_period"] = _money(rng, 0, 5)
            row["reservation_unused_recurring_fee"] = _money(rng, 0, 5)
            row["reservation_reservation_a_r_n"] = "arn:aws:ec2:us-east-1:1:reserved-instances/r-1"
        if kind == "Fee" and index % 2:
            row["reservation_reservation_a_r_n"] = "arn:aws:ec2:us-east-1:1:reserved-instances/r-2"
        rows.append(row)
    return rows


def expected_effective(row: dict) -> Decimal:
    """The amortized cost of one line, written independently of the SQL mapping."""
    kind = row["line_item_line_item_type"]

    def d(name: str) -> Decimal:
        return row[name] or Decimal(0)

    if kind == "SavingsPlanCoveredUsage":
        return d("savings_plan_savings_plan_effective_cost")
    if kind == "SavingsPlanRecurringFee":
        return d("savings_plan_total_commitment_to_date") - d("savings_plan_used_commitment")
    if kind in ("SavingsPlanNegation", "SavingsPlanUpfrontFee"):
        return Decimal(0)
    if kind == "DiscountedUsage":
        return d("reservation_effective_cost")
    if kind == "RIFee":
        return d("reservation_unused_amortized_upfront_fee_for_billing_period") + d(
            "reservation_unused_recurring_fee"
        )
    if kind == "Fee" and row["reservation_reservation_a_r_n"]:
        return Decimal(0)
    return row["line_item_unblended_cost"]


def expected_totals(rows: list[dict]) -> dict[str, tuple[Decimal, Decimal]]:
    """Currency → (billed, effective), summed in Python with Decimal."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        totals[row["line_item_currency_code"]][0] += row["line_item_unblended_cost"]
        totals[row["line_item_currency_code"]][1] += expected_effective(row)
    return {k: (v[0], v[1]) for k, v in totals.items()}


def write_parquet(path: Path, rows: list[dict], drop: tuple[str, ...] = ()) -> Path:
    """The rows as a CUR 2.0 Parquet file (money as double, tags as MAP<string,string>)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = []
    data = {}
    for name in MONEY:
        fields.append((name, pa.float64()))
        data[name] = [None if r[name] is None else float(r[name]) for r in rows]
    for name in TEXT:
        fields.append((name, pa.string()))
        data[name] = [r[name] for r in rows]
    for name in TIMES:
        fields.append((name, pa.timestamp("ms")))
        data[name] = [r[name] for r in rows]
    for name in MAPS:
        fields.append((name, pa.map_(pa.string(), pa.string())))
        data[name] = [list(r[name].items()) for r in rows]
    kept = [(n, t) for n, t in fields if n not in drop]
    table = pa.Table.from_pydict({n: data[n] for n, _ in kept}, schema=pa.schema(kept))
    pq.write_table(table, path)
    return path


def write_csv(path: Path, rows: list[dict]) -> Path:
    """The rows as CUR 2.0 CSV: ISO times with Z, maps as JSON text, empty cells for null."""
    names = MONEY + TEXT + TIMES + MAPS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        for row in rows:
            out = []
            for name in names:
                value = row[name]
                if name in MAPS:
                    value = json.dumps(value)
                elif name in TIMES:
                    value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
                out.append("" if value is None else str(value))
            writer.writerow(out)
    return path


def write_legacy_csv(path: Path, rows: list[dict]) -> Path:
    """The rows with legacy CUR headers (``lineItem/UnblendedCost``, ``resourceTags/user:team``)."""

    def legacy(name: str) -> str:
        prefixes = {
            "line_item_": "lineItem/",
            "bill_": "bill/",
            "pricing_": "pricing/",
            "product_": "product/",
            "savings_plan_": "savingsPlan/",
            "reservation_": "reservation/",
        }
        for prefix, head in prefixes.items():
            if name.startswith(prefix):
                rest = name[len(prefix) :]
                if rest.endswith("_a_r_n"):
                    rest = rest[: -len("_a_r_n")] + "ARN"
                return head + "".join(p[:1].upper() + p[1:] for p in rest.split("_"))
        raise AssertionError(name)

    names = MONEY + TEXT + TIMES
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([legacy(n) for n in names] + ["resourceTags/user:team"])
        for row in rows:
            out = []
            for name in names:
                value = row[name]
                if name in TIMES:
                    value = value.strftime("%Y-%m-%dT%H:%M:%SZ")
                out.append("" if value is None else str(value))
            writer.writerow([*out, row["resource_tags"].get("user_team", "")])
    return path
