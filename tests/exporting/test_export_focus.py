"""`cloudspy export --format focus`: FOCUS 1.2 names, types and values, read back (#6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from cloudspy import api
from cloudspy.exporting.focus import CHARGE_CATEGORIES, SERVICE_CATEGORIES
from tests.exporting.hostile import store_totals

TODAY = date(2026, 11, 25)
WINDOW = ("2026-10-01", "2026-11-01")
# The FOCUS 1.2 columns every conformant dataset carries (Mandatory).
MANDATORY = {
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "ContractedCost",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
}


@pytest.fixture(scope="module", params=["focus.csv", "focus.parquet"])
def focus_file(request, hostile_db: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("focus") / request.param
    api.export("focus", out, since=WINDOW[0], until=WINDOW[1], db=hostile_db, today=TODAY)
    return out


def _read(path: Path) -> str:
    if path.suffix == ".parquet":
        return f"read_parquet('{path}')"
    return f"read_csv('{path}', types={{'BilledCost': 'DECIMAL(38, 16)'}})"


def test_plain_duckdb_reads_the_store_totals(focus_file: Path, hostile_db: Path) -> None:
    conn = duckdb.connect()
    got = dict(
        conn.execute(
            f"SELECT BillingCurrency, sum(BilledCost) FROM {_read(focus_file)} GROUP BY 1"
        ).fetchall()
    )
    assert got == {c: v[0] for c, v in store_totals(hostile_db, *WINDOW).items()}


def test_columns_types_and_values_conform(focus_file: Path) -> None:
    conn = duckdb.connect()
    described = conn.execute(f"DESCRIBE SELECT * FROM {_read(focus_file)}").fetchall()
    types = {row[0]: row[1] for row in described}
    assert set(types) >= MANDATORY
    custom = [c for c in types if c not in MANDATORY and c.startswith("x_")]
    assert custom == ["x_CloudSpySource", "x_CloudSpyEstimated"]
    assert types["BilledCost"].startswith("DECIMAL")
    assert types["ChargePeriodStart"].startswith("TIMESTAMP")
    categories = {
        r[0]
        for r in conn.execute(f"SELECT DISTINCT ChargeCategory FROM {_read(focus_file)}").fetchall()
    }
    assert categories <= set(CHARGE_CATEGORIES) and {"Usage", "Credit"} <= categories
    services = {
        r[0]
        for r in conn.execute(
            f"SELECT DISTINCT ServiceCategory FROM {_read(focus_file)}"
        ).fetchall()
    }
    assert services <= set(SERVICE_CATEGORIES)
    nulls = conn.execute(
        f"SELECT count(*) FILTER (WHERE BillingPeriodStart IS NULL OR ContractedCost IS NULL"
        f" OR EffectiveCost IS NULL OR ListCost IS NULL) FROM {_read(focus_file)}"
    ).fetchall()[0][0]
    assert nulls == 0


def test_csv_times_are_iso_8601_utc(tmp_path: Path, hostile_db: Path) -> None:
    out = tmp_path / "f.csv"
    api.export("focus", out, since="2026-11-20", until="2026-11-21", db=hostile_db, today=TODAY)
    first = out.read_text().splitlines()[1]
    assert "2026-11-20T00:00:00Z" in first and "2026-11-21T00:00:00Z" in first


def test_cloudspy_import_reads_it_back(cli, focus_file: Path, hostile_db: Path, tmp_path) -> None:
    fresh = tmp_path / "fresh.duckdb"
    result = cli("--db", fresh, "import", focus_file)
    assert result.exit_code == 0, result.stderr
    imported = store_totals(fresh, *WINDOW)
    original = store_totals(hostile_db, *WINDOW)
    assert imported == original
    report = api.costs(since=WINDOW[0], until=WINDOW[1], by=["provider"], db=fresh)
    assert {t.currency: t.cost for t in report.totals} == {c: v[0] for c, v in original.items()}
    assert all(isinstance(t.cost, Decimal) for t in report.totals)


def test_a_cur_exported_as_focus_carries_categories_quantities_and_unit_prices(tmp_path, cli):
    """#13 item 18: ServiceCategory was 'Other' on every row of a real CUR exported as FOCUS,
    and PricingQuantity, SkuPriceId and ListUnitPrice were empty where the CUR has them."""
    from tests.providers.files.cur2_fixture import make_rows, write_parquet

    plain = write_parquet(tmp_path / "plain.parquet", make_rows())
    cur = tmp_path / "cur.parquet"
    with duckdb.connect() as conn:  # the CUR 2.0 rate id column beside the fixture's
        conn.execute(
            f"COPY (SELECT *, 'rate-' || (row_number() OVER () % 7) AS pricing_rate_id"
            f" FROM read_parquet('{plain}')) TO '{cur}' (FORMAT parquet)"
        )
    db = tmp_path / "c.duckdb"
    assert cli("--db", db, "import", cur).exit_code == 0
    out = tmp_path / "focus.parquet"
    with duckdb.connect(str(db), read_only=True) as conn:
        first, last = conn.execute(
            "SELECT min(ChargePeriodStart)::DATE, max(ChargePeriodStart)::DATE + 1 FROM cost"
        ).fetchall()[0]
    api.export("focus", out, since=str(first), until=str(last), db=db)
    with duckdb.connect() as conn:
        categories = dict(
            conn.execute(
                f"SELECT ServiceName, list(DISTINCT ServiceCategory) FROM read_parquet('{out}')"
                " GROUP BY 1"
            ).fetchall()
        )
        usage = conn.execute(
            "SELECT count(*) FILTER (WHERE PricingQuantity IS NULL),"
            " count(*) FILTER (WHERE SkuPriceId IS NULL),"
            " max(abs(ListUnitPrice * PricingQuantity - ListCost))"
            f" FROM read_parquet('{out}') WHERE ChargeCategory = 'Usage' AND PricingQuantity <> 0"
        ).fetchall()[0]
        bad = conn.execute(
            f"SELECT count(*) FROM read_parquet('{out}') WHERE ServiceCategory NOT IN"
            f" ({', '.join(repr(c) for c in SERVICE_CATEGORIES)}) OR ChargeCategory NOT IN"
            f" ({', '.join(repr(c) for c in CHARGE_CATEGORIES)}) OR ServiceName IS NULL"
        ).fetchall()[0][0]
    assert categories == {
        "Amazon Elastic Compute Cloud": ["Compute"],
        "Amazon Simple Storage Service": ["Storage"],
        "Amazon Relational Database Service": ["Databases"],
    }
    assert usage[0] == 0 and usage[1] == 0
    assert usage[2] < Decimal("1e-12")  # ListUnitPrice × PricingQuantity = ListCost
    assert bad == 0


def test_the_category_of_a_service_name():
    from cloudspy.service_categories import category_of

    assert category_of("Amazon Elastic Compute Cloud - Compute") == "Compute"
    assert category_of("EC2 - Other") == "Compute"
    assert category_of("BigQuery") == "Analytics"
    assert category_of("Virtual Machines") == "Compute"
    assert category_of("Some New Database Service") == "Databases"  # keyword rule
    assert category_of("Tax") == "Other" and category_of(None) == "Other"
    assert all(c in SERVICE_CATEGORIES for c in __import__(
        "cloudspy.service_categories", fromlist=["KNOWN"]).KNOWN.values())  # fmt: skip
