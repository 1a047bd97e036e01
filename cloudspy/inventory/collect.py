"""Inventory sync: read every partition of every source in parallel, then store per scope.

Partitions (AWS regions …) run on a bounded thread pool; a partition that denies
access is reported and skipped while the others are stored. No store connection
is open while a cloud API is called: collection first, then one short write
transaction per scope (:func:`cloudspy.store.inventory_writes.replace_scope`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cloudspy.clock import utc_now
from cloudspy.errors import CloudSpyError
from cloudspy.models.inventory import InventorySyncResult, RegionOutcome
from cloudspy.pricing.price_lists import Alternatives
from cloudspy.providers.base import Progress
from cloudspy.providers.inventory_source import (
    AccessDenied,
    Collected,
    InventorySource,
    MetricWindow,
)

DEFAULT_WORKERS = 24
DEFAULT_METRIC_DAYS = 30


def metric_window(days: int, now: datetime | None = None) -> MetricWindow:
    """The last ``days`` days up to the current whole hour (naive UTC)."""
    now = (now or utc_now()).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    return MetricWindow(now - timedelta(days=days), now)


def _silent(_: str) -> None:
    return None


def collect_source(
    source: InventorySource,
    window: MetricWindow,
    *,
    workers: int = DEFAULT_WORKERS,
    progress: Progress = _silent,
) -> tuple[list[Collected], list[RegionOutcome]]:
    """Run every partition of ``source``; return what came back and one outcome per region."""
    partitions = source.partitions()
    collected: list[Collected] = []
    outcomes: list[RegionOutcome] = []
    if not partitions:
        return collected, outcomes
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(partitions)))) as pool:
        futures = {pool.submit(source.collect, p, window, progress): p for p in partitions}
        for future in as_completed(futures):
            partition = futures[future]
            try:
                parts = future.result()
            except AccessDenied as exc:
                progress(f"{source.label} {partition}: access denied, skipped ({exc.message})")
                outcomes.append(RegionOutcome(region=partition, status="denied", error=exc.message))
                continue
            except CloudSpyError as exc:
                progress(f"{source.label} {partition}: failed, skipped ({exc.one_line()})")
                outcomes.append(
                    RegionOutcome(region=partition, status="failed", error=exc.one_line())
                )
                continue
            for part in parts:
                collected.append(part)
                outcomes.append(
                    RegionOutcome(
                        region=part.region,
                        status="ok",
                        resources=len(part.resources),
                        samples=len(part.metrics),
                    )
                )
                if part.resources:
                    progress(
                        f"{source.label} {part.region}: {len(part.resources)} resource(s), "
                        f"{len(part.metrics)} sample(s)"
                    )
    outcomes.sort(key=lambda o: o.region)
    return collected, outcomes


@dataclass
class InventorySync:
    """How every source of one inventory sync is read, priced and stored."""

    db: Path
    window: MetricWindow
    workers: int = DEFAULT_WORKERS
    progress: Progress = _silent
    lock_timeout: float = 15.0
    price_max_age: timedelta | None = None
    alternatives: Alternatives | None = None

    def failed(
        self, source: InventorySource, run_id: str, scope: str, account: str, exc: CloudSpyError
    ) -> InventorySyncResult:
        """A source that failed as a whole, said on the progress line."""
        self.progress(f"{source.label}: failed: {exc.one_line()}")
        return InventorySyncResult(
            run_id=run_id,
            provider=source.provider,
            scope=scope,
            account=account,
            status="failed",
            error=exc.one_line(),
        )

    def price(self, source: InventorySource, collected: list[Collected]) -> None:
        """Price what was collected (and the rules' alternatives) from the source's list."""
        from cloudspy.pricing.price_lists import DEFAULT_MAX_AGE, price_resources

        price_list = source.price_list()
        found = [resource for part in collected for resource in part.resources]
        alternatives = self.alternatives
        price_resources(
            self.db,
            found,
            {price_list.provider: price_list} if price_list is not None else {},
            extra=[alt for r in found for alt in alternatives(r)] if alternatives else (),
            max_age=self.price_max_age or DEFAULT_MAX_AGE,
            lock_timeout=self.lock_timeout,
            progress=self.progress,
        )

    def one(self, source: InventorySource) -> InventorySyncResult:
        """Read, price and store one source; its failure is a result, not an exception."""
        from cloudspy.store.connection import connect
        from cloudspy.store.inventory_writes import replace_scope
        from cloudspy.store.sync_log import Run, new_run_id, recorded

        started = time.monotonic()
        try:
            scope, account = source.scope(), source.account()
        except CloudSpyError as exc:
            return self.failed(source, new_run_id(), source.label, "", exc)
        window = (self.window.start.date(), self.window.end.date())
        run = Run(
            self.db,
            provider=source.provider,
            source="inventory",
            scope=scope,
            what="inventory",
            window=window,
            lock_timeout=self.lock_timeout,
        )
        try:
            with recorded(run):
                collected, outcomes = collect_source(
                    source, self.window, workers=self.workers, progress=self.progress
                )
        except CloudSpyError as exc:
            return self.failed(source, run.id, scope, account, exc)
        self.price(source, collected)
        skipped = {o.region: o.error or o.status for o in outcomes if o.status != "ok"}
        status = "ok" if not skipped else ("partial" if collected else "failed")
        error = "; ".join(f"{region}: {why}" for region, why in sorted(skipped.items()))
        calls = sum(part.api_calls for part in collected)
        with connect(self.db, read_only=False, timeout=self.lock_timeout) as conn:
            written = replace_scope(
                conn,
                scope=scope,
                provider=source.provider,
                account=account,
                collected=collected,
                denied=skipped,
                snapshot_at=utc_now(),
                run_id=run.id,
            )
            run.finish(conn, status=status, rows=written, api_calls=calls, error=error or None)
        samples = sum(len(part.metrics) for part in collected)
        self.progress(
            f"{source.label}: {written} resource(s), {samples} sample(s) from "
            f"{sum(o.status == 'ok' for o in outcomes)} region(s)"
            + (f", {len(skipped)} skipped" if skipped else "")
        )
        return InventorySyncResult(
            run_id=run.id,
            provider=source.provider,
            scope=scope,
            account=account,
            status=status,
            resources=written,
            samples=samples,
            api_calls=calls,
            seconds=round(time.monotonic() - started, 3),
            regions=outcomes,
            error=error or None,
        )


def sync_inventory(
    db: Path,
    sources: Sequence[InventorySource],
    *,
    metric_days: int = DEFAULT_METRIC_DAYS,
    workers: int = DEFAULT_WORKERS,
    progress: Progress = _silent,
    lock_timeout: float = 15.0,
    now: datetime | None = None,
    price_max_age: timedelta | None = None,
    alternatives: Alternatives | None = None,
) -> list[InventorySyncResult]:
    """Collect, price and store the inventory and utilization of every source.

    Resources are priced from the source's price list (cached in the store,
    fetched when older than ``price_max_age``) before they are stored. A source
    that fails as a whole (credentials, no region readable) comes back with
    ``status="failed"`` after the others were stored.
    """
    sync = InventorySync(
        db,
        metric_window(metric_days, now),
        workers=workers,
        progress=progress,
        lock_timeout=lock_timeout,
        price_max_age=price_max_age,
        alternatives=alternatives,
    )
    return [sync.one(source) for source in sources]
