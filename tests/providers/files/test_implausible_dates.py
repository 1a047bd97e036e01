"""Dates that are not ISO 8601, or not plausible, are refused with the row and value (#13 item 3).

The FOCUS specification's own example files write `4/1/25`; DuckDB's text cast
reads that as the year 4 without an error, so such a file used to import with
exit 0 into years 0001–0012. Now: exit 3, one line naming the column, the row
and the value, and nothing stored (an earlier import of another file is kept).
"""

from __future__ import annotations

import duckdb
import pytest

HEADER = (
    "BillingAccountId,ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,"
    "BillingCurrency,ProviderName,ChargeCategory,ServiceName\n"
)
GOOD = "A,2025-04-01T00:00:00Z,2025-04-02T00:00:00Z,1.5,1.5,1.5,USD,AWS,Usage,EC2\n"


def _file(tmp_path, name: str, *rows: str):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _rows(db) -> int:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT count(*) FROM cost").fetchall()[0][0]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "A,4/1/25,4/2/25,1.5,1.5,1.5,USD,AWS,Usage,EC2\n",
            "row 2: ChargePeriodStart '4/1/25' is not an ISO 8601 date",
        ),
        (
            "A,2025-04-01,01.04.2025,1.5,1.5,1.5,USD,AWS,Usage,EC2\n",
            "row 2: ChargePeriodEnd '01.04.2025' is not an ISO 8601 date",
        ),
        (
            "A,1999-12-31,2000-01-01,1.5,1.5,1.5,USD,AWS,Usage,EC2\n",
            "row 2: the charge period 1999-12-31 00:00:00 – 2000-01-01 00:00:00 is not plausible",
        ),
        (
            "A,2101-01-01,2101-01-02,1.5,1.5,1.5,USD,AWS,Usage,EC2\n",
            "is not plausible",
        ),
        (
            "A,2025-04-03,2025-04-02,1.5,1.5,1.5,USD,AWS,Usage,EC2\n",
            "row 2: the charge period 2025-04-03 00:00:00 – 2025-04-02 00:00:00 is not plausible",
        ),
    ],
)
def test_a_bad_date_is_exit_3_naming_the_row_and_nothing_is_stored(
    cli, db, tmp_path, row, expected
):
    kept = _file(tmp_path, "kept.csv", GOOD)
    assert cli("--db", db, "import", kept).exit_code == 0
    bad = _file(tmp_path, "bad.csv", GOOD, row)
    result = cli("--db", db, "import", bad)
    assert result.exit_code == 3
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert _rows(db) == 1  # the earlier file's row, and nothing of the refused one


@pytest.mark.parametrize(
    "stamp",
    ["2025-04-01", "2025-04-01 00:00:00", "2025-04-01T00:00:00Z", "2025-04-01T02:00:00+02:00",
     "2025-04-01T00:00:00.000Z"],
)  # fmt: skip
def test_iso_8601_spellings_import(cli, db, tmp_path, stamp):
    row = f"A,{stamp},2025-04-02T00:00:00Z,1.5,1.5,1.5,USD,AWS,Usage,EC2\n"
    result = cli("--db", db, "import", _file(tmp_path, "ok.csv", row))
    assert result.exit_code == 0, result.stderr
    with duckdb.connect(str(db), read_only=True) as conn:
        [(start,)] = conn.execute("SELECT ChargePeriodStart FROM cost").fetchall()
    assert start.isoformat() == "2025-04-01T00:00:00"
