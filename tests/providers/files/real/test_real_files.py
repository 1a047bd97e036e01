"""Real billing files written by providers and FinOps projects, each reconciled independently (#13).

Every file under tests/fixtures/ that a provider or another FinOps project
published (provenance and licence in tests/fixtures/PROVENANCE.md) is imported
through the CLI, and the totals CloudSpy stores are compared, per currency and to
the last digit, with sums computed here from the raw file with the csv module
and Decimal, sharing no code with the importer.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests import paths

FIXTURES = paths.FIXTURES

# file, its money column, its currency column, the metric the import stores it as
FILES = [
    ("focus/focus_sample_1000.csv", "BilledCost", "BillingCurrency", "BilledCost"),
    ("focus/focus_sample_1000.csv", "EffectiveCost", "BillingCurrency", "EffectiveCost"),
    ("azure/EA_ActualCost_Small.csv", "Cost", "BillingCurrency", "BilledCost"),
    ("azure/EA_AmortizedCost_Small.csv", "Cost", "BillingCurrency", "EffectiveCost"),
    ("azure/payg_usage_details_2019.csv", "PreTaxCost", "Currency", "BilledCost"),
]


def raw_totals(path: Path, money: str, currency: str) -> dict[str, Decimal]:
    """Per currency, the exact sum of the money column (empty and NULL cells are zero)."""
    totals: dict[str, Decimal] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            amount = (row[money] or "").strip()
            if amount in ("", "NULL"):
                continue
            totals[row[currency]] = totals.get(row[currency], Decimal(0)) + Decimal(amount)
    return totals


def _rows(path: Path) -> int:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return sum(1 for _ in csv.DictReader(handle))


@pytest.mark.parametrize(("name", "money", "currency", "metric"), FILES, ids=[
    f"{f[0]}:{f[3]}" for f in FILES])  # fmt: skip
def test_a_published_file_reconciles_to_an_independent_sum(cli, db, name, money, currency, metric):
    path = FIXTURES / name
    result = cli("--db", db, "import", path)
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as conn:
        stored = dict(
            conn.execute(f"SELECT BillingCurrency, sum({metric}) FROM cost GROUP BY 1").fetchall()
        )
    expected, rows = raw_totals(path, money, currency), _rows(path)
    assert set(stored) == set(expected)
    for code, total in expected.items():
        # The store keeps 16 decimals (DECIMAL(38, 16)); Microsoft's amortized export writes
        # up to 24, so each row may round by half a unit of the 16th place, no more.
        assert abs(stored[code] - total) <= rows * Decimal("0.5e-16"), code
    # And the CLI's exact JSON carries the same totals (window: the file's days).
    days = (
        duckdb.connect(str(db), read_only=True)
        .execute("SELECT min(ChargePeriodStart)::DATE, max(ChargePeriodStart)::DATE + 1 FROM cost")
        .fetchall()[0]
    )
    shown = cli("--db", db, "costs", "--since", str(days[0]), "--until", str(days[1]),
                "--metric", metric.removesuffix("Cost").lower(),
                "--by", "provider", "--format", "json", "--offline")  # fmt: skip
    assert shown.exit_code == 0, shown.stderr

    totals = {t["currency"]: Decimal(t["cost"]) for t in json.loads(shown.stdout)["totals"]}
    assert set(totals) == set(expected)
    for code, total in expected.items():
        assert abs(totals[code] - total) <= rows * Decimal("0.5e-16"), code
