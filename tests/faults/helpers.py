"""Assertions shared by the fault tests: one-line failures, an intact cache, the run log."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from cloudspy import api


def one_line_error(result: Any, *needles: str) -> str:
    """The CLI failed with exit 3 and exactly one ``cloudspy: error:`` line naming ``needles``."""
    assert result.exit_code == 3, (result.exit_code, result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("cloudspy: error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in errors[0], result.stderr
    for needle in needles:
        assert needle.lower() in errors[0].lower(), errors[0]
    return errors[0]


def cost_state(db: Path) -> dict[str, Any]:
    """What the cache holds: rows and totals per currency, and the covered days."""
    with duckdb.connect(str(db), read_only=True) as conn:
        totals = conn.execute(
            "SELECT BillingCurrency, count(*), sum(BilledCost), sum(EffectiveCost)"
            " FROM cost GROUP BY 1 ORDER BY 1"
        ).fetchall()
        days = conn.execute("SELECT count(DISTINCT day) FROM cost_coverage").fetchone()[0]
    return {"totals": totals, "days": days}


def last_run(db: Path) -> Any:
    """The newest ``sync_run`` row."""
    return api.history(limit=1, db=db)[0]


def runs(db: Path) -> list[Any]:
    """Every ``sync_run`` row, newest first."""
    return api.history(limit=100, db=db)


def assert_money(state: dict[str, Any], currency: str, billed: str) -> None:
    """The cache's BilledCost total in ``currency`` is exactly ``billed``."""
    found = {row[0]: row[2] for row in state["totals"]}
    assert found.get(currency) == Decimal(billed), state
