"""`cloudspy export --format csv|json|parquet`: totals, neutralization, atomic writes (#6)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cloudspy import api
from tests.exporting.hostile import HOSTILE_NAME, HOSTILE_SERVICE, store_totals

TODAY = date(2026, 11, 25)
WINDOW = ("2026-10-26", "2026-11-25")  # --last 30d before TODAY


def _sums(conn: duckdb.DuckDBPyConnection, source: str) -> dict[str, Decimal]:
    rows = conn.execute(
        f"SELECT BillingCurrency, sum(CAST(BilledCost AS DECIMAL(38, 16))) FROM {source} GROUP BY 1"
    ).fetchall()
    return {r[0]: r[1] for r in rows}


@pytest.mark.parametrize("fmt, name", [("csv", "x.csv"), ("parquet", "x.parquet")])
def test_row_exports_carry_the_store_totals(hostile_db: Path, tmp_path: Path, fmt, name) -> None:
    out = tmp_path / name
    result = api.export(fmt, out, last="30d", db=hostile_db, today=TODAY)
    expected = store_totals(hostile_db, *WINDOW)
    assert result.rows == sum(count for _, count in expected.values())
    assert {t.currency: t.cost for t in result.totals} == {c: v[0] for c, v in expected.items()}
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    types = ", types={'BilledCost': 'VARCHAR'}" if fmt == "csv" else ""
    source = f"{reader}('{out}'{types})"
    assert _sums(duckdb.connect(), source) == {c: v[0] for c, v in expected.items()}


def test_json_export_is_one_array_with_money_as_strings(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    api.export("json", out, last="30d", db=hostile_db, today=TODAY)
    rows = json.loads(out.read_text())
    expected = store_totals(hostile_db, *WINDOW)
    totals: dict[str, Decimal] = {}
    for row in rows:
        assert isinstance(row["BilledCost"], str)
        totals[row["BillingCurrency"]] = totals.get(row["BillingCurrency"], 0) + Decimal(
            row["BilledCost"]
        )
    assert totals == {c: v[0] for c, v in expected.items()}
    hostile = [r for r in rows if r["ResourceName"] == HOSTILE_NAME]
    assert hostile and hostile[0]["ChargePeriodStart"] == "2026-11-20T00:00:00Z"
    assert hostile[0]["Tags"]["env"] == "prod"


def test_csv_neutralizes_formula_cells_but_not_numbers(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    api.export("csv", out, last="90d", db=hostile_db, today=TODAY)
    with out.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    hostile = next(r for r in rows if r["ResourceName"] == HOSTILE_NAME)
    assert hostile["ServiceName"] == "'" + HOSTILE_SERVICE
    assert hostile["ResourceId"] == "'-i-hostile"
    assert hostile["RegionId"].startswith("'+evil")
    for row in rows:
        for key, value in row.items():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), (key, value)
            if value.startswith("-"):
                Decimal(value)  # only our own negative numbers (credits) keep a leading minus
    assert any(r["BilledCost"].startswith("-") for r in rows)  # a credit stays a number


def test_filters_are_those_of_costs(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    result = api.export("parquet", out, last="30d", provider=["azure"], db=hostile_db, today=TODAY)
    assert [t.currency for t in result.totals] == ["EUR"]
    costs = api.costs(last="30d", provider=["azure"], db=hostile_db, today=TODAY)
    assert result.totals[0].cost == costs.totals[0].cost


def test_a_failed_export_keeps_the_old_file(hostile_db: Path, tmp_path: Path, monkeypatch) -> None:
    import cloudspy.exporting.rows as rows

    out = tmp_path / "x.csv"
    out.write_text("last week's export\n")

    def half_then_fail(conn, selection, fmt, temporary, target):
        temporary.write_text("half a fi")
        raise duckdb.IOException("No space left on device")

    monkeypatch.setattr(rows, "export_rows", half_then_fail)
    from cloudspy.reporting.atomic import OutputError

    # A DuckDB write failure is one clear error (#7), and the old file stays.
    with pytest.raises(OutputError, match="No space left on device"):
        api.export("csv", out, last="30d", db=hostile_db, today=TODAY)
    assert out.read_text() == "last week's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv"]


def test_bad_inputs_exit_with_one_line(cli, hostile_db: Path, tmp_path: Path) -> None:
    bad = cli("--db", hostile_db, "export", "--format", "xlsx", "--out", tmp_path / "x")
    assert bad.exit_code == 2 and "unknown --format 'xlsx'" in bad.stderr
    nowhere = cli("--db", hostile_db, "export", "-f", "csv", "--out", tmp_path / "no" / "x.csv")
    assert nowhere.exit_code == 3 and "does not exist" in nowhere.stderr
    assert "Traceback" not in nowhere.stderr
    missing = cli("--db", tmp_path / "none.duckdb", "export", "-f", "csv", "-o", tmp_path / "x")
    assert missing.exit_code == 3 and "no cache" in missing.stderr
    period = cli("--db", hostile_db, "export", "-f", "csv", "-o", tmp_path / "x", "--last", "x")
    assert period.exit_code == 2


def test_cli_export_reports_what_it_wrote(cli, hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.csv"
    result = cli("--db", hostile_db, "export", "--format", "csv", "--out", out, "--last", "7d")
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stderr and str(out) in result.stderr
    assert out.read_text().startswith("ProviderName,")
