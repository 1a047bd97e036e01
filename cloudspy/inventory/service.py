"""The inventory side of the public API: sync, list, and the snapshot's age.

:mod:`cloudspy.api` re-exports these as ``sync_resources()`` and ``resources()``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from cloudspy.clock import utc_now
from cloudspy.config import Settings
from cloudspy.errors import NoDataError, UsageError
from cloudspy.models.inventory import InventorySyncResult, ResourceList, Snapshot
from cloudspy.pricing.price_lists import Alternatives
from cloudspy.providers.base import INVENTORY, Progress
from cloudspy.providers.inventory_source import InventorySource
from cloudspy.providers.registry import configured_with, provider_info
from cloudspy.store.inventory_queries import ResourceFilter, list_resources, snapshot_info


def provider_names(providers: Sequence[str]) -> list[str]:
    """CLI provider names (``aws``…) for what the user typed; unknown ones are usage errors."""
    return sorted({provider_info(p).name for p in providers})


def parse_tags(tags: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` filters as a dict; a malformed one is a usage error."""
    out: dict[str, str] = {}
    for item in tags:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--tag {item!r} is not KEY=VALUE")
        out[key.strip()] = value
    return out


def configured_inventory_sources(
    settings: Settings, providers: Sequence[str] = ()
) -> list[InventorySource]:
    """One inventory source per configured scope of every provider that has inventory."""
    wanted = set(provider_names(providers))
    sources: list[InventorySource] = []
    for _, provider in configured_with(INVENTORY, settings, wanted):
        sources.extend(provider.inventory_sources(settings))
    return sources


def sync_inventory_sources(
    db: Path,
    settings: Settings,
    sources: Sequence[InventorySource],
    progress: Progress,
    now: datetime | None = None,
    alternatives: Alternatives | None = None,
) -> list[InventorySyncResult]:
    """Collect, price and store inventory and utilization for ``sources``.

    ``alternatives`` names the products waste rules will compare each resource
    against; their list prices are fetched with the resources' own.
    """
    from datetime import timedelta

    from cloudspy.inventory.collect import sync_inventory

    return sync_inventory(
        db,
        sources,
        metric_days=settings.inventory.metric_days,
        workers=settings.inventory.workers,
        progress=progress,
        lock_timeout=settings.cache.lock_timeout_seconds,
        now=now,
        price_max_age=timedelta(days=settings.cache.price_max_age_days),
        alternatives=alternatives,
    )


def read_resources(
    db: Path,
    settings: Settings,
    filters: ResourceFilter,
    now: datetime | None = None,
) -> ResourceList:
    """The stored inventory with its snapshot age; an empty store is a NoDataError."""
    from cloudspy.store.connection import connect

    now = now or utc_now()
    with connect(db, read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        snap = snapshot_info(conn, filters.providers, now)
        if snap.oldest is None:
            raise no_inventory()
        rows = list_resources(conn, filters)
    return ResourceList(snapshot=snap, count=len(rows), rows=rows, warnings=snapshot_warnings(snap))


def no_inventory() -> NoDataError:
    """The error for a store without inventory."""
    return NoDataError(
        "the store holds no inventory yet",
        hint="run `cloudspy sync` (or `cloudspy aws sync`), or try `cloudspy demo`",
    )


def snapshot_warnings(snap: Snapshot) -> list[str]:
    """Warnings about regions whose last read was denied (their rows may be stale)."""
    if not snap.denied_regions:
        return []
    shown = ", ".join(snap.denied_regions[:5])
    more = f" and {len(snap.denied_regions) - 5} more" if len(snap.denied_regions) > 5 else ""
    return [f"skipped at the last sync (access denied or failed): {shown}{more}"]
