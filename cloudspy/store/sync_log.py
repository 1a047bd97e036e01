"""The ``sync_run`` table: the integration log behind ``cloudspy history``.

A run is recorded as ``running`` before any API is called and finished after
its rows are stored. A process killed in between leaves ``running`` behind;
:func:`list_runs` reports such a run as ``interrupted`` once its PID is gone.
"""

from __future__ import annotations

import json
import os
import sys
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cloudspy.clock import utc_now

if TYPE_CHECKING:
    import duckdb


def _now() -> datetime:
    return utc_now()


def new_run_id() -> str:
    """A unique id for a sync run (recorded on the days it wrote in ``cost_coverage``)."""
    return uuid.uuid4().hex[:16]


def start_run(
    conn: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    provider: str,
    source: str,
    scope: str,
    what: str,
    window: tuple[date, date] | None,
) -> None:
    """Record a run as ``running`` (its own short transaction)."""
    conn.execute(
        "INSERT INTO sync_run (id, provider, source, scope, what, window_start, window_end,"
        " started_at, status, pid, command) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)",
        [
            run_id,
            provider,
            source,
            scope,
            what,
            window[0] if window else None,
            window[1] if window else None,
            _now(),
            os.getpid(),
            " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:500],
        ],
    )


def finish_run(
    conn: duckdb.DuckDBPyConnection,
    run_id: str,
    *,
    status: str,
    rows: int = 0,
    api_calls: int = 0,
    api_cost: Decimal | None = None,
    api_cost_currency: str | None = None,
    quota: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    """Mark a run ``ok``, ``failed`` or ``partial`` with what it did and cost.

    The error is scrubbed of secrets first: history shows it, exports may carry it (#7).
    """
    from cloudspy.redaction import scrub

    error = scrub(error) if error else None
    conn.execute(
        "UPDATE sync_run SET finished_at = ?, status = ?, rows_written = ?, api_calls = ?,"
        " api_cost = ?, api_cost_currency = ?, quota_used = ?, error = ? WHERE id = ?",
        [
            _now(),
            status,
            rows,
            api_calls,
            api_cost,
            api_cost_currency,
            json.dumps(quota) if quota else None,
            error[:2000] if error else None,
            run_id,
        ],
    )


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this PID still runs on this machine."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def list_runs(conn: duckdb.DuckDBPyConnection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest runs first, with ``running`` turned into ``interrupted`` for dead PIDs.

    Runs started in the same instant (a coarse clock, or ``CLOUDSPY_NOW`` pinning
    it) keep the order they were recorded in: ``rowid`` breaks the tie.
    """
    cursor = conn.execute(
        "SELECT id, provider, source, scope, what, window_start, window_end, started_at,"
        " finished_at, status, rows_written, api_calls, api_cost, api_cost_currency,"
        " quota_used, error, pid FROM sync_run ORDER BY started_at DESC, rowid DESC LIMIT ?",
        [limit],
    )
    names = [d[0] for d in cursor.description]
    runs = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    for run in runs:
        if run["status"] == "running" and not pid_alive(run["pid"]):
            run["status"] = "interrupted"
        run["quota_used"] = json.loads(run["quota_used"]) if run["quota_used"] else None
    return runs
