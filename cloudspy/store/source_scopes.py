"""Freshness decided from the store alone: which scopes an identity covers, and their coverage.

``cloudspy costs`` refreshes the cache when days of the window are missing or
estimated days are older than the configured age. Asking which account a set
of credentials belongs to takes an SDK import and an API call (STS for AWS);
the answer is remembered in ``source_scope`` after a sync, keyed by a digest of
the config file and the ambient identity (no secret), so later runs check
``cost_coverage`` without either (#12).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cloudspy.periods import Window

if TYPE_CHECKING:
    import duckdb


def remembered_scopes(conn: duckdb.DuckDBPyConnection, key: str) -> tuple[list[str], float] | None:
    """The scopes recorded for ``key`` and their maximum age of estimates, or None."""
    rows = conn.execute(
        "SELECT scopes, max_age_hours FROM source_scope WHERE key = ?", [key]
    ).fetchall()
    return (list(rows[0][0]), float(rows[0][1])) if rows else None


def remember_scopes(
    conn: duckdb.DuckDBPyConnection,
    key: str,
    scopes: Sequence[str],
    *,
    max_age_hours: float,
    description: str,
    now: datetime,
) -> None:
    """Record (or replace) the scopes that ``key`` covers."""
    conn.execute(
        "INSERT OR REPLACE INTO source_scope VALUES (?, ?, ?, ?, ?)",
        [key, sorted(set(scopes)), max_age_hours, description, now],
    )


def stale_scopes(
    conn: duckdb.DuckDBPyConnection,
    scopes: Sequence[str],
    window: Window,
    *,
    max_age: timedelta,
    now: datetime,
) -> list[str]:
    """The scopes that miss days of ``window`` or hold estimates fetched longer ago than
    ``max_age``, in one query."""
    if not scopes:
        return []
    rows = conn.execute(
        "SELECT s.scope, count(DISTINCT c.day), min(c.fetched_at) FILTER (WHERE c.estimated)"
        " FROM unnest(?::VARCHAR[]) AS s(scope)"
        " LEFT JOIN cost_coverage c ON c.x_scope = s.scope AND c.day >= ? AND c.day < ?"
        " GROUP BY s.scope",
        [list(scopes), window.start, window.end],
    ).fetchall()
    return sorted(
        scope
        for scope, days, oldest in rows
        if days < window.days or (oldest is not None and now - oldest > max_age)
    )
