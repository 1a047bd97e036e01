"""Fixtures for the CUR 2.0 and Azure export import tests."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests import paths
from tests.providers.files.cur2_fixture import make_rows

AZURE = paths.FIXTURES / "azure"
AZURE_ACTUAL = AZURE / "EA_ActualCost_Small.csv"
AZURE_AMORTIZED = AZURE / "EA_AmortizedCost_Small.csv"


@pytest.fixture(scope="session")
def cur_rows() -> list[dict]:
    """The synthetic CUR 2.0 line items (see cur2_fixture.py)."""
    return make_rows()


def store_totals(db: Path, scope_like: str = "%") -> dict[str, tuple]:
    """Currency → (BilledCost, EffectiveCost) as summed by the store."""
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT BillingCurrency, sum(BilledCost), sum(EffectiveCost) FROM cost"
            " WHERE x_scope LIKE ? GROUP BY ALL",
            [scope_like],
        ).fetchall()
    return {currency: (billed, effective) for currency, billed, effective in rows}


def cached(db: Path) -> list[tuple]:
    """Every cost row, to prove a failed import changed nothing."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT * FROM cost ORDER BY ALL").fetchall()
