"""FOCUS import: the FinOps Foundation sample, with its quirks, reconciled to the cent."""

import csv
import json
import shutil
from collections import defaultdict
from decimal import Decimal

import duckdb
import pytest

from cloudspy import api
from cloudspy.errors import ImportFileError
from tests.conftest import FOCUS_SAMPLE


def independent_totals(path):
    """Sum the raw file with the csv module and Decimal: no DuckDB, no CloudSpy."""
    totals = defaultdict(lambda: [Decimal(0), Decimal(0)])
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = (row["ProviderName"], row["BillingCurrency"])
            totals[key][0] += Decimal(row["BilledCost"])
            totals[key][1] += Decimal(row["EffectiveCost"])
    return dict(totals)


def raw_rows():
    with open(FOCUS_SAMPLE, newline="", encoding="utf-8") as handle:
        return [
            dict(r, Tags=None if r["Tags"] == "NULL" else r["Tags"]) for r in csv.DictReader(handle)
        ]


def store_totals(db):
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT ProviderName, BillingCurrency, sum(BilledCost), sum(EffectiveCost)"
            " FROM cost GROUP BY ALL"
        ).fetchall()
    return {(p, c): [b, e] for p, c, b, e in rows}


def test_focus_sample_totals_equal_an_independent_sum(db):
    [result] = api.import_files([FOCUS_SAMPLE], db=db)
    assert result.rows == 1000
    assert result.providers == ["AWS", "Microsoft", "Oracle"]
    expected = independent_totals(FOCUS_SAMPLE)
    assert store_totals(db) == expected
    # The sample's published totals: BilledCost 20.52, EffectiveCost 14.98 (USD).
    billed = sum(v[0] for v in expected.values())
    effective = sum(v[1] for v in expected.values())
    assert billed.quantize(Decimal("0.01")) == Decimal("20.52")
    assert effective.quantize(Decimal("0.01")) == Decimal("14.98")


def test_sample_quirks_are_normalized(db):
    api.import_files([FOCUS_SAMPLE], db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        nulls = conn.execute(
            "SELECT count(*) FROM cost WHERE AvailabilityZone = 'NULL' OR PricingCategory = ''"
        ).fetchall()[0][0]
        first = conn.execute(
            "SELECT min(ChargePeriodStart), max(ChargePeriodEnd) FROM cost"
        ).fetchall()[0]
        tags = conn.execute(
            "SELECT count(*) FROM cost WHERE json_extract_string(Tags, '$.\" org\"') IS NOT NULL"
        ).fetchall()[0][0]
        columns = {r[0] for r in conn.execute("DESCRIBE cost").fetchall()}
    assert nulls == 0  # literal NULL and Oracle's "" both became SQL NULL
    assert str(first[0]) == "2024-09-01 00:00:00"
    # The key with a leading space survives as its own key, on every row that has it.
    assert tags == sum(1 for row in raw_rows() if " org" in json.loads(row["Tags"] or "{}"))
    assert tags > 0
    assert "Id" not in columns  # the non-spec column is not carried into the store


def test_reimporting_a_rewritten_file_replaces_instead_of_adding(db, tmp_path):
    export = tmp_path / "export.csv"
    shutil.copy(FOCUS_SAMPLE, export)
    api.import_files([export], db=db)
    [again] = api.import_files([export], db=db)
    assert again.replaced_rows == 1000
    assert store_totals(db) == independent_totals(FOCUS_SAMPLE)
    # The provider rewrites the export with half the rows: the store follows.
    lines = export.read_text(encoding="utf-8").splitlines(keepends=True)
    export.write_text("".join(lines[:501]), encoding="utf-8")
    [third] = api.import_files([export], db=db)
    assert third.rows == 500
    assert store_totals(db) == independent_totals(export)


def test_missing_mandatory_columns_are_named_and_nothing_cached_changes(db, tmp_path):
    api.import_files([FOCUS_SAMPLE], db=db)
    before = store_totals(db)
    broken = tmp_path / "broken.csv"
    with open(FOCUS_SAMPLE, newline="", encoding="utf-8") as src:
        reader = csv.DictReader(src)
        keep = [c for c in reader.fieldnames if c not in ("BillingCurrency", "ChargePeriodEnd")]
        with open(broken, "w", newline="", encoding="utf-8") as dst:
            writer = csv.DictWriter(dst, keep, extrasaction="ignore")
            writer.writeheader()
            for row in reader:
                writer.writerow(row)
    with pytest.raises(ImportFileError, match="ChargePeriodEnd"):
        api.import_files([broken], format="focus", db=db)
    assert store_totals(db) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\xff\xfe", "not"),
        (b"a,b,c\n1,2,3\n", "is not a FOCUS"),
    ],
)
def test_unreadable_or_foreign_files_are_refused(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        api.import_files([path], db=db)


def rewrite(path, change):
    """Copy the FOCUS sample to ``path`` with ``change(index, row)`` applied to each row."""
    with open(FOCUS_SAMPLE, newline="", encoding="utf-8") as src:
        reader = csv.DictReader(src)
        rows = list(reader)
        fields = reader.fieldnames
    with open(path, "w", newline="", encoding="utf-8") as dst:
        writer = csv.DictWriter(dst, fields)
        writer.writeheader()
        for index, row in enumerate(rows):
            change(index, row)
            writer.writerow(row)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("BilledCost", "lots", "lots"),
        ("ChargePeriodStart", "yesterday", "yesterday"),
        ("BilledCost", "1e40", "1e40"),
        ("ChargeCategory", "", "ChargeCategory"),
        ("Tags", "{not json", "json"),
    ],
)
def test_a_bad_cell_rolls_the_whole_file_back(db, tmp_path, column, value, message):
    api.import_files([FOCUS_SAMPLE], db=db)
    before = store_totals(db)
    path = tmp_path / "focus_sample_1000.csv"

    def spoil(index, row):
        if index == 500:
            row[column] = value

    rewrite(path, spoil)
    with pytest.raises(ImportFileError, match=message):
        api.import_files([path], db=db)
    assert store_totals(db) == before


def test_parquet_and_exponent_amounts(db, tmp_path):
    parquet = tmp_path / "sample.parquet"
    with duckdb.connect() as conn:
        conn.execute(
            f"COPY (SELECT * REPLACE (CAST(BilledCost AS VARCHAR) AS BilledCost)"
            f" FROM read_csv('{FOCUS_SAMPLE}', all_varchar=true, nullstr=['NULL']))"
            f" TO '{parquet}' (FORMAT parquet)"
        )
    [result] = api.import_files([parquet], db=db)
    assert result.rows == 1000
    assert store_totals(db) == independent_totals(FOCUS_SAMPLE)
    exp = tmp_path / "exp.csv"
    lines = FOCUS_SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    exp.write_text(lines[0] + lines[1].replace("0.00000080000", "8e-07", 1), encoding="utf-8")
    api.import_files([exp], db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        value = conn.execute(
            "SELECT BilledCost FROM cost WHERE x_scope LIKE '%exp.csv'"
        ).fetchall()[0][0]
    assert value == Decimal("0.0000008")
