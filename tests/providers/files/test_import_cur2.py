"""CUR 2.0 import (#3 part 4): mapping, reconciliation per currency, bad input."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import duckdb
import pytest

from cloudspy import api
from cloudspy.errors import ImportFileError
from tests.providers.files.conftest import cached, store_totals
from tests.providers.files.cur2_fixture import (
    expected_totals,
    write_csv,
    write_legacy_csv,
    write_parquet,
)


@pytest.mark.parametrize("writer", [write_parquet, write_csv, write_legacy_csv])
def test_store_totals_equal_an_independent_decimal_sum_per_currency(db, tmp_path, cur_rows, writer):
    path = writer(tmp_path / f"cur.{'parquet' if writer is write_parquet else 'csv'}", cur_rows)
    [result] = api.import_files([path], db=db)
    assert result.format == "cur2"
    assert result.rows == len(cur_rows)
    assert result.currencies == ["EUR", "USD"]
    expected = expected_totals(cur_rows)
    # Exact: the fixture's amounts have 6 decimals, and doubles are read back exactly.
    assert store_totals(db) == expected
    assert {c: (b.quantize(Decimal("0.01")), e) for c, (b, e) in store_totals(db).items()} == {
        c: (b.quantize(Decimal("0.01")), e) for c, (b, e) in expected.items()
    }


def test_mixed_currencies_are_reported_apart(db, tmp_path, cur_rows):
    api.import_files([write_parquet(tmp_path / "cur.parquet", cur_rows)], db=db)
    report = api.costs(since="2025-09-01", until="2025-09-04", by=["provider"], db=db)
    totals = {t.currency: t.cost for t in report.totals}
    expected = expected_totals(cur_rows)
    assert set(totals) == {"EUR", "USD"}
    for currency, (billed, _) in expected.items():
        assert totals[currency].quantize(Decimal("0.01")) == billed.quantize(Decimal("0.01"))


def test_line_item_types_map_to_focus_charge_categories(db, tmp_path, cur_rows):
    api.import_files([write_parquet(tmp_path / "cur.parquet", cur_rows)], db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        got = dict(
            conn.execute(
                "SELECT DISTINCT split_part(ChargeDescription, ' ', 1), ChargeCategory FROM cost"
            ).fetchall()
        )
        tags = conn.execute(
            "SELECT count(*) FROM cost WHERE json_extract_string(Tags, '$.user_team') = 'web'"
        ).fetchall()[0][0]
        service = conn.execute("SELECT DISTINCT ServiceName FROM cost ORDER BY 1").fetchall()
    categories = got
    assert categories["Usage"] == "Usage"
    assert categories["Tax"] == "Tax"
    assert categories["Credit"] == "Credit"
    assert categories["Refund"] == "Credit"
    assert categories["RIFee"] == "Purchase"
    assert categories["SavingsPlanRecurringFee"] == "Purchase"
    assert categories["SavingsPlanNegation"] == "Usage"
    assert tags == sum(1 for r in cur_rows if r["resource_tags"].get("user_team") == "web")
    assert [s[0] for s in service] == [
        "Amazon Elastic Compute Cloud",
        "Amazon Relational Database Service",
        "Amazon Simple Storage Service",
    ]


def test_reimport_replaces_and_coverage_records_what_the_file_answers(db, tmp_path, cur_rows):
    path = write_parquet(tmp_path / "cur.parquet", cur_rows)
    api.import_files([path], db=db)
    write_parquet(path, cur_rows[:100])
    [again] = api.import_files([path], db=db)
    assert (again.rows, again.replaced_rows) == (100, len(cur_rows))
    assert store_totals(db) == expected_totals(cur_rows[:100])
    with duckdb.connect(str(db), read_only=True) as conn:
        metrics = conn.execute("SELECT DISTINCT metrics FROM cost_coverage").fetchall()
        runs = Counter(r[0] for r in conn.execute("SELECT source FROM sync_run").fetchall())
    assert metrics == [(["billed", "effective", "list"],)]
    assert runs == {"cur2-file": 2}


def test_a_cur_without_amortization_columns_does_not_claim_effective_cost(db, tmp_path, cur_rows):
    path = write_parquet(tmp_path / "cur.parquet", cur_rows, drop=("reservation_effective_cost",))
    api.import_files([path], db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        metrics = conn.execute("SELECT DISTINCT metrics FROM cost_coverage").fetchall()
    assert metrics == [(["billed", "list"],)]


def test_missing_columns_are_named_in_one_line_and_nothing_cached_is_lost(
    db, tmp_path, cur_rows, cli
):
    api.import_files([write_parquet(tmp_path / "good.parquet", cur_rows)], db=db)
    before = cached(db)
    broken = write_parquet(
        tmp_path / "broken.parquet",
        cur_rows,
        drop=("line_item_currency_code", "bill_payer_account_id"),
    )
    with pytest.raises(ImportFileError, match="line_item_currency_code") as info:
        api.import_files([broken], db=db)
    assert "bill_payer_account_id" in info.value.message
    result = cli("--db", db, "import", "--format", "cur2", broken)
    assert result.exit_code == 3
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "bill_payer_account_id, line_item_currency_code" in lines[0]
    assert cached(db) == before


def test_a_non_date_usage_start_is_refused_with_nothing_lost(db, tmp_path, cur_rows, cli):
    api.import_files([write_parquet(tmp_path / "good.parquet", cur_rows)], db=db)
    before = cached(db)
    path = write_csv(tmp_path / "bad.csv", cur_rows)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[5] = lines[5].replace("2025-09-01T", "yesterdayT", 1)
    path.write_text("".join(lines), encoding="utf-8")
    result = cli("--db", db, "import", path)
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "yesterday" in result.stderr
    assert cached(db) == before


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_a_truncated_file_is_refused_with_nothing_lost(db, tmp_path, cur_rows, cli, suffix):
    api.import_files([write_parquet(tmp_path / "good.parquet", cur_rows)], db=db)
    before = cached(db)
    writer = write_parquet if suffix == "parquet" else write_csv
    path = writer(tmp_path / f"cut.{suffix}", cur_rows)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 - 25])  # mid-row
    result = cli("--db", db, "import", path)
    assert result.exit_code == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr
    assert cached(db) == before


def test_the_cli_reports_the_format_and_currencies(db, tmp_path, cur_rows, cli):
    path = write_parquet(tmp_path / "cur.parquet", cur_rows)
    result = cli("--db", db, "import", path)
    assert result.exit_code == 0, result.stderr
    assert f"{path}: {len(cur_rows)} cur2 rows (AWS; EUR, USD; 2025-09-01 … 2025-09-03)" in (
        result.stdout
    )
    history = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    assert history[0]["source"] == "cur2-file"
    assert history[0]["rows_written"] == len(cur_rows)


def test_data_transfer_stays_with_the_service_that_caused_it(db, tmp_path, cur_rows, cli):
    """#13 item 11: one ServiceName rule for CE, Athena and files (the product's name).

    A real June 2022 CUR moved 5,572 data-transfer lines ($4,454.53, 4.4 % of the bill)
    out of S3 and EC2 into "AWS Data Transfer", because `product_servicename` was read
    first; Cost Explorer's SERVICE keeps them with the product code's service.
    """
    import csv

    plain = write_csv(tmp_path / "plain.csv", cur_rows)
    with plain.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:]
    product = header.index("product")
    header += ["product_product_name", "product_servicename"]
    moved = Decimal(0)
    for i, line in enumerate(body):
        name = json.loads(line[product])["product_name"]
        egress = i % 5 == 0  # every fifth line is data transfer out of its service
        line += [name, "AWS Data Transfer" if egress else name]
        if egress and cur_rows[i]["line_item_line_item_type"] == "Usage":
            moved += Decimal(str(cur_rows[i]["line_item_unblended_cost"]))
    flat = tmp_path / "flat.csv"
    with flat.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *body])
    assert moved > 0
    api.import_files([flat], db=db)
    with duckdb.connect(str(db), read_only=True) as conn:
        services = {r[0] for r in conn.execute("SELECT DISTINCT ServiceName FROM cost").fetchall()}
    assert "AWS Data Transfer" not in services
    assert services == {json.loads(line[product])["product_name"] for line in body}
