"""Which cost rows an export reads: a window, the ``costs`` filters, no double counting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cloudspy.periods import Window
from cloudspy.store.cost_queries import _OVERLAP_SQL, CostFilter, has_overlaps

if TYPE_CHECKING:
    import duckdb

# Spreadsheet formula injection (OWASP "CSV injection"): a cell starting with one of
# these runs as a formula. Plain numbers such as -12.5 are data and stay as they are.
_FORMULA_START = "^[=+\\-@\\t\\r]"
_PLAIN_NUMBER = "^-?[0-9]+(\\.[0-9]+)?$"


@dataclass
class RowSelection:
    """The rows of ``cost`` in ``window`` that pass ``filters``."""

    window: Window
    filters: CostFilter = field(default_factory=CostFilter)

    def where(self, conn: duckdb.DuckDBPyConnection) -> tuple[str, list[Any]]:
        """The ``WHERE`` clause and its parameters.

        Where an imported file and an API sync cover the same account and day,
        the lower-priority copy is left out, exactly as ``cloudspy costs`` does,
        so export totals equal the costs totals.
        """
        filter_sql, params = self.filters.sql()
        overlap = _OVERLAP_SQL if has_overlaps(conn, self.window.start, self.window.end) else ""
        sql = f"ChargePeriodStart >= ? AND ChargePeriodStart < ?{filter_sql}{overlap}"
        return sql, [self.window.start, self.window.end, *params]


def quote(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + name.replace('"', '""') + '"'


def neutralized(expression: str) -> str:
    """SQL that prefixes a quote to a text value a spreadsheet would run as a formula."""
    return (
        f"CASE WHEN regexp_matches({expression}, '{_FORMULA_START}')"
        f" AND NOT regexp_matches({expression}, '{_PLAIN_NUMBER}')"
        f" THEN '''' || {expression} ELSE {expression} END"
    )
