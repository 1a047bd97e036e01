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
from collections.abc import Iterator
from contextlib import contextmanager
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


def error_text(exc: BaseException) -> str:
    """How a run's failure reads in ``history``: a CloudSpy error's one line, else its type."""
    one_line = getattr(exc, "one_line", None)
    return str(one_line()) if callable(one_line) else f"{type(exc).__name__}: {exc}"


class Run:
    """One ``sync_run`` row, written the way every run is (#16): ``running`` in a short
    write of its own before any API call, then finished once, ``ok`` in the same
    transaction as its rows (:meth:`finish` with the caller's connection) or
    ``failed`` with the error and the API calls it had made (:meth:`fail`). A run
    written only on its caller's connection (a file import, the demo) needs no ``db``."""

    def __init__(
        self,
        db: Path | None,
        *,
        provider: str,
        source: str,
        scope: str,
        what: str,
        window: tuple[date, date] | None = None,
        lock_timeout: float = 15.0,
        run_id: str | None = None,
    ) -> None:
        self.db = db
        self.id = run_id or new_run_id()
        self.lock_timeout = lock_timeout
        self.finished = False
        self._row = {
            "provider": provider,
            "source": source,
            "scope": scope,
            "what": what,
            "window": window,
        }

    def _connect(self) -> Any:
        from cloudspy.store.connection import connect

        if self.db is None:
            raise TypeError("this run is written on its caller's connection only")
        return connect(self.db, read_only=False, timeout=self.lock_timeout)

    def start(self, conn: duckdb.DuckDBPyConnection | None = None) -> Run:
        """Record the run as ``running`` (on ``conn``, else in a short write of its own)."""
        if conn is None:
            with self._connect() as own:
                return self.start(own)
        start_run(conn, run_id=self.id, **self._row)
        return self

    def finish(self, conn: duckdb.DuckDBPyConnection | None = None, **outcome: Any) -> None:
        """Finish the run (``status`` and the counts of :func:`finish_run`)."""
        if conn is None:
            with self._connect() as own:
                self.finish(own, **outcome)
                return
        finish_run(conn, self.id, **outcome)
        self.finished = True

    def fail(self, exc: BaseException, api_calls: int | None = None) -> None:
        """Finish the run as ``failed`` with ``exc``'s text and the calls already made
        (``api_calls``, else the error's own ``api_calls`` when it carries them)."""
        calls = api_calls if api_calls is not None else int(getattr(exc, "api_calls", 0) or 0)
        self.finish(status="failed", api_calls=calls, error=error_text(exc))


@contextmanager
def recorded(run: Run) -> Iterator[Run]:
    """Start ``run``; if the block raises before finishing it, record the failure and
    re-raise (a lock timeout is re-raised unrecorded: recording needs the same lock)."""
    from cloudspy.errors import StoreLockedError

    run.start()
    try:
        yield run
    except StoreLockedError:
        raise
    except BaseException as exc:
        if not run.finished:
            run.fail(exc)
        raise
