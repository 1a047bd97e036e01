"""Sync orchestration: plan from the cache, fetch with no connection open, store atomically.

For each cost source: read which days are cached (a short read), decide what
to fetch (:func:`~cloudspy.providers.base.plan_fetch`), record the run, call
the API, then replace exactly the fetched windows in one transaction. One
source failing is recorded and reported; the others still land.

Sources run in parallel threads (:func:`sync_sources`): the API calls overlap,
while every open of the cache goes through one process-wide lock, so the
threads take turns for their short writes instead of colliding on the file
(DuckDB refuses a second read-write open with another configuration).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cloudspy.clock import utc_now
from cloudspy.errors import NoDataError, StoreLockedError
from cloudspy.models.sync import SyncResult
from cloudspy.periods import Window, utc_today
from cloudspy.providers.base import CachedDay, CostSource, FetchedCosts, Progress, plan_fetch
from cloudspy.store.connection import connect
from cloudspy.store.cost_queries import cached_day_rows
from cloudspy.store.cost_writes import replace_costs, staged_rows
from cloudspy.store.sync_log import Run, error_text, new_run_id, recorded

if TYPE_CHECKING:
    import duckdb

MAX_PARALLEL_SOURCES = 4


def _silent(_: str) -> None:
    return None


@contextmanager
def _store_open(
    db: Path, *, read_only: bool, timeout: float
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cache connection held under the process-wide lock (one thread at a time).

    :func:`connect` itself queues the threads, within the one bounded wait.
    """
    with connect(db, read_only=read_only, timeout=timeout) as conn:
        yield conn


def cached_days(db: Path, scope: str, window: Window, timeout: float) -> dict[date, CachedDay]:
    """The days ``scope`` has cached in ``window`` (empty when there is no cache yet)."""
    try:
        with _store_open(db, read_only=True, timeout=timeout) as conn:
            rows = cached_day_rows(conn, scope, window.start, window.end)
    except NoDataError:
        return {}
    return {day: CachedDay(estimated, dims) for day, estimated, dims in rows}


def _store(
    conn: duckdb.DuckDBPyConnection,
    source: CostSource,
    scope: str,
    run_id: str,
    fetched: FetchedCosts,
) -> int:
    now = utc_now()
    rows = [
        # The source and run id are recorded per day in `cost_coverage`, not per row.
        {**row, "x_scope": scope}
        for row in fetched.rows
    ]
    coverage = [
        {
            "x_scope": scope,
            "x_source": source.source,
            "ProviderName": _provider_name(fetched, source),
            "BillingAccountId": account,
            "day": day,
            "dimensions": fetched.dimensions,
            "metrics": fetched.metrics,
            "estimated": estimated,
            "priority": source.priority,
            "x_sync_id": run_id,
            "fetched_at": now,
        }
        for day, (account, estimated) in sorted(fetched.days.items())
    ]
    with staged_rows(conn, rows, coverage):
        return replace_costs(conn, scope, [(w[0], w[1]) for w in fetched.ranges])


def _provider_name(fetched: FetchedCosts, source: CostSource) -> str:
    from cloudspy.providers.registry import provider_info

    for row in fetched.rows:
        return str(row["ProviderName"])
    return provider_info(source.provider).provider_name


def sync_source(
    db: Path,
    source: CostSource,
    window: Window,
    *,
    refresh: bool = False,
    today: date | None = None,
    progress: Progress = _silent,
    lock_timeout: float = 15.0,
) -> SyncResult:
    """Sync one source's costs for ``window``; failures are recorded, then raised.

    Three steps: plan (which days the cache lacks or may still change), fetch
    (recorded as a run), store (the rows and the run's outcome in one transaction).
    """
    run_id = new_run_id()
    scope, plan = _plan(db, source, window, run_id, today or utc_today(), refresh, lock_timeout)
    result = SyncResult(
        run_id=run_id,
        provider=source.provider,
        source=source.source,
        scope=scope,
        status="ok",
        window_start=window.start,
        window_end=window.end,
    )
    if not plan:
        progress(f"{source.label}: {window.days} day(s) already cached and final")
        result.status = "cached"
        return result
    run = Run(
        db,
        provider=source.provider,
        source=source.source,
        scope=scope,
        what="costs",
        window=(plan[0].start, plan[-1].end),
        lock_timeout=lock_timeout,
        run_id=run_id,
    )
    with recorded(run):  # a failed fetch is recorded with the calls it made, then raised
        progress(
            f"{source.label}: {scope}: fetching {sum(w.days for w in plan)} day(s); "
            f"{source.fetch_note(plan)}"
        )
        fetched = source.fetch(plan, progress)
    rows = _store_run(db, source, scope, run, fetched, lock_timeout)
    result.days_fetched = sum(w.days for w in plan)
    result.rows = rows
    result.api_calls = fetched.api_calls
    result.api_cost = fetched.api_cost
    result.api_cost_currency = fetched.api_cost_currency
    progress(
        f"{source.label}: {result.days_fetched} day(s), {rows} row(s), "
        f"{fetched.api_calls} API call(s)"
    )
    return result


def _plan(
    db: Path,
    source: CostSource,
    window: Window,
    run_id: str,
    today: date,
    refresh: bool,
    lock_timeout: float,
) -> tuple[str, list[Window]]:
    """The source's scope and the windows to fetch; a failure here (credentials, STS,
    before any cost call) is recorded in ``sync_run`` too, then raised."""
    try:
        scope = source.scope()
        cached = cached_days(db, scope, window, lock_timeout)
        plan = plan_fetch(
            window,
            cached,
            today=today,
            refresh=refresh,
            wanted_dimensions=source.wanted_dimensions(),
        )
    except StoreLockedError:
        # Recording the failure would wait for the same lock a second time.
        raise
    except Exception as exc:
        _record_early_failure(db, source, run_id, window, exc, lock_timeout)
        raise
    return scope, plan


def _store_run(
    db: Path, source: CostSource, scope: str, run: Run, fetched: FetchedCosts, timeout: float
) -> int:
    """Store the fetched rows and finish ``run`` as ok in the same transaction."""
    with _store_open(db, read_only=False, timeout=timeout) as conn:
        rows = _store(conn, source, scope, run.id, fetched)
        run.finish(
            conn,
            status="ok",
            rows=rows,
            api_calls=fetched.api_calls,
            api_cost=fetched.api_cost,
            api_cost_currency=fetched.api_cost_currency,
            quota=fetched.quota or None,
        )
    return rows


def _record_early_failure(
    db: Path, source: CostSource, run_id: str, window: Window, exc: Exception, timeout: float
) -> None:
    with _store_open(db, read_only=False, timeout=timeout) as conn:
        Run(
            db,
            provider=source.provider,
            source=source.source,
            scope=source.label,
            what="costs",
            window=(window.start, window.end),
            run_id=run_id,
        ).start(conn).finish(conn, status="failed", error=error_text(exc))


def sync_sources(
    db: Path,
    sources: Sequence[CostSource],
    window: Window,
    *,
    refresh: bool = False,
    today: date | None = None,
    progress: Progress = _silent,
    detail: bool = True,
    lock_timeout: float = 15.0,
    max_workers: int = MAX_PARALLEL_SOURCES,
) -> list[SyncResult]:
    """Sync several sources in parallel; each one's failure is recorded, not spread.

    Results come back in the order of ``sources``. ``progress`` gets every step
    when ``detail`` (a terminal), else one line per source (logs, CI). A lone
    source's failure is raised, as a single sync would.
    """
    say_lock = threading.Lock()

    def say(message: str) -> None:
        with say_lock:
            progress(message)

    def quiet(_: str) -> None:
        return None

    def one(source: CostSource) -> SyncResult:
        try:
            result = sync_source(
                db,
                source,
                window,
                refresh=refresh,
                today=today,
                progress=say if detail else quiet,
                lock_timeout=lock_timeout,
            )
        except Exception as exc:
            if len(sources) == 1:
                raise
            say(f"{source.label}: failed: {error_text(exc)}")
            return SyncResult(
                run_id="",
                provider=source.provider,
                source=source.source,
                scope=source.label,
                status="failed",
                error=error_text(exc),
            )
        if not detail:
            say(f"{source.label}: {result.status}, {result.rows} row(s), {result.api_calls} calls")
        return result

    if len(sources) == 1:
        return [one(sources[0])]
    workers = max(1, min(max_workers, len(sources)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="cloudspy-sync") as pool:
        return list(pool.map(one, sources))
