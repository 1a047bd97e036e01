"""Azure cost export CSV import (#3 part 4): the real EA samples, reconciled to the cent."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cloudspy import api
from cloudspy.errors import ImportFileError, NoDataError
from tests import paths
from tests.providers.files.conftest import AZURE_ACTUAL, AZURE_AMORTIZED, cached, store_totals

COMMITMENT = ("Reservation", "SavingsPlan")


def raw_rows(path):
    with open(path, newline="", encoding="utf-8-sig") as handle:  # the files start with a BOM
        return list(csv.DictReader(handle))


def independent(path):
    """Currency → (cost of all rows, cost of rows not covered by a commitment), via Decimal."""
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in raw_rows(path):
        cost = Decimal(row["Cost"])
        totals[row["BillingCurrency"]][0] += cost
        if row["PricingModel"] not in COMMITMENT:
            totals[row["BillingCurrency"]][1] += cost
    return {k: tuple(v) for k, v in totals.items()}


def cents(totals):
    """Totals rounded to the cent: the store keeps 16 decimals, one file row has more."""
    return {c: tuple(v.quantize(Decimal("0.01")) for v in pair) for c, pair in totals.items()}


def coverage_metrics(db):
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT DISTINCT metrics FROM cost_coverage").fetchall()


def test_actual_cost_export_reconciles_and_claims_billed_only(db):
    [result] = api.import_files([AZURE_ACTUAL], db=db)
    assert (result.format, result.rows, result.providers) == ("azure-export", 11, ["Microsoft"])
    [(total, _)] = independent(AZURE_ACTUAL).values()
    assert cents(store_totals(db)) == cents({"USD": (total, total)})
    assert total.quantize(Decimal("0.01")) == Decimal("8.55")
    assert coverage_metrics(db) == [(["billed"],)]
    assert "actual-cost export" in result.warnings[0]


def test_amortized_export_gives_effective_cost_and_bills_commitments_at_zero(db):
    [result] = api.import_files([AZURE_AMORTIZED], format="azure-export", db=db)
    assert result.rows == 28
    [(total, uncovered)] = independent(AZURE_AMORTIZED).values()
    assert cents(store_totals(db)) == cents({"USD": (uncovered, total)})
    assert abs(store_totals(db)["USD"][1] - total) < Decimal("1e-15")
    assert coverage_metrics(db) == [(["effective"],)]
    with pytest.raises(NoDataError, match="BilledCost"):
        api.costs(since="2023-09-01", until="2023-10-01", db=db)
    report = api.costs(since="2023-09-01", until="2023-10-01", metric="effective", db=db)
    assert [(t.currency, t.cost.quantize(Decimal("0.01"))) for t in report.totals] == [
        ("USD", total.quantize(Decimal("0.01")))
    ]


def test_quirks_bom_dates_braceless_tags_and_empty_cells(db):
    api.import_files([AZURE_AMORTIZED], db=db)
    raw = raw_rows(AZURE_AMORTIZED)
    with duckdb.connect(str(db), read_only=True) as conn:
        accounts = conn.execute("SELECT DISTINCT BillingAccountId FROM cost").fetchall()
        days = conn.execute(
            "SELECT min(ChargePeriodStart), max(ChargePeriodEnd) FROM cost"
        ).fetchall()[0]
        env = conn.execute(
            "SELECT count(*) FROM cost WHERE json_extract_string(Tags, '$.env') = 'prod'"
        ).fetchall()[0][0]
        empty = conn.execute(
            "SELECT count(*) FROM cost WHERE AvailabilityZone = '' OR ResourceName = ''"
            " OR CommitmentDiscountId = ''"
        ).fetchall()[0][0]
        committed = conn.execute(
            "SELECT count(*) FROM cost WHERE PricingCategory = 'Committed'"
            " AND CommitmentDiscountId IS NOT NULL"
        ).fetchall()[0][0]
    assert accounts == [("8611537",)]  # the BOM did not eat the first column's name
    first = min(r["Date"] for r in raw)
    assert str(days[0]) == f"2023-{first[:2]}-{first[3:5]} 00:00:00"
    assert str(days[1]).startswith("2023-09-23")  # end is exclusive: the last day + 1
    tagged = [json.loads("{" + r["Tags"] + "}") for r in raw if r["Tags"]]
    assert env == sum(1 for t in tagged if t.get("env") == "prod") > 0
    assert empty == 0
    assert committed == sum(1 for r in raw if r["PricingModel"] in COMMITMENT)


def test_both_files_keep_their_own_scopes_and_reimport_replaces(db):
    api.import_files([AZURE_ACTUAL, AZURE_AMORTIZED], db=db)
    [again] = api.import_files([AZURE_ACTUAL], db=db)
    assert again.replaced_rows == 11
    [(total, _)] = independent(AZURE_ACTUAL).values()
    assert cents(store_totals(db, f"file:{AZURE_ACTUAL}")) == cents({"USD": (total, total)})


def test_a_bad_date_is_one_line_and_nothing_cached_is_lost(db, tmp_path, cli):
    api.import_files([AZURE_ACTUAL], db=db)
    before = cached(db)
    text = AZURE_AMORTIZED.read_text(encoding="utf-8-sig")
    bad = tmp_path / "bad.csv"
    bad.write_text("\ufeff" + text.replace(",09/22/2023,", ",22.09.2023,", 1), encoding="utf-8")
    result = cli("--db", db, "import", bad)
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "22.09.2023" in result.stderr
    assert cached(db) == before


def test_missing_required_columns_are_named(db, tmp_path):
    rows = raw_rows(AZURE_ACTUAL)
    keep = [c for c in rows[0] if c not in ("BillingCurrency",)]
    path = tmp_path / "nocurrency.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, keep, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ImportFileError, match=r"missing column.*BillingCurrency"):
        api.import_files([path], db=db)


PAYG = paths.FIXTURES / "azure" / "payg_usage_details_2019.csv"


def _independent_sum(path: Path) -> dict[str, Decimal]:
    import csv

    totals: dict[str, Decimal] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            row = {k.lower(): v for k, v in row.items()}
            currency = row["currency"]
            totals[currency] = totals.get(currency, Decimal(0)) + Decimal(row["pretaxcost"])
    return totals


@pytest.mark.parametrize("camel_case", [False, True], ids=["PascalCase", "camelCase"])
def test_the_older_pay_as_you_go_layout_imports_and_reconciles(db, tmp_path, camel_case):
    """#13 item 12: `UsageDateTime`, `PreTaxCost`, `SubscriptionGuid`, `InstanceId` (2019-10-01)."""
    path = PAYG
    if camel_case:
        text = PAYG.read_text(encoding="utf-8-sig")
        header, rest = text.split("\n", 1)
        header = ",".join(name[:1].lower() + name[1:] for name in header.split(","))
        path = tmp_path / "payg_camel.csv"
        path.write_text(header + "\n" + rest, encoding="utf-8")
    [result] = api.import_files([path], db=db)
    assert result.format == "azure-export"
    with duckdb.connect(str(db), read_only=True) as conn:
        stored = dict(
            conn.execute("SELECT BillingCurrency, sum(BilledCost) FROM cost GROUP BY 1").fetchall()
        )
        days = conn.execute("SELECT DISTINCT CAST(ChargePeriodStart AS DATE) FROM cost").fetchall()
        resources = conn.execute("SELECT count(ResourceId) FROM cost").fetchall()[0][0]
    assert stored == _independent_sum(PAYG)
    assert sorted(d[0].isoformat() for d in days) == ["2019-07-28", "2019-07-29"]
    assert resources == result.rows  # InstanceId is the resource id
