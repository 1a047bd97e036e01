"""``cloudspy prices``: list the cached list prices, or fetch them again and reprice
the stored inventory with them (#14)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from cloudspy.config import Settings
from cloudspy.models.price_listing import CachedPrice, PriceListing
from cloudspy.pricing.price_lists import Alternatives
from cloudspy.providers.base import Progress
from cloudspy.providers.inventory_source import InventorySource


def _listing(db: Path, providers: Sequence[str], timeout: float) -> list[CachedPrice]:
    from cloudspy.store.connection import connect
    from cloudspy.store.price_cache import cached_prices

    if not db.exists():
        return []
    with connect(db, read_only=True, timeout=timeout) as conn:
        cached = cached_prices(conn, providers or None)
    return [
        CachedPrice(
            provider=key.provider,
            kind=key.kind,
            region=key.region,
            sku=key.sku,
            variant=key.variant,
            unit=price.unit,
            tier_start=price.tier_start,
            price=price.price,
            currency=price.currency,
            source=price.source,
            effective=price.effective,
            fetched_at=price.fetched_at,
            detail=price.detail,
        )
        for key, prices in sorted(cached.items())
        for price in prices
    ]


def cached_price_listing(db: Path, settings: Settings, providers: Sequence[str]) -> PriceListing:
    """The cached prices of ``providers`` (all when empty); no API call."""
    return PriceListing(prices=_listing(db, providers, settings.cache.lock_timeout_seconds))


def refresh_prices(
    db: Path,
    settings: Settings,
    sources: Sequence[InventorySource],
    providers: Sequence[str],
    progress: Progress,
    alternatives: Alternatives | None = None,
) -> PriceListing:
    """Fetch every price the stored inventory needs again, reprice it, and list the cache.

    Each provider's price list is reached with the credentials of its first source
    in ``sources`` (the configured or detected inventory sources).
    """
    from cloudspy.pricing.price_lists import price_resources
    from cloudspy.providers.registry import platform_of
    from cloudspy.store.connection import connect
    from cloudspy.store.inventory_queries import ResourceFilter, load_resources
    from cloudspy.store.inventory_writes import update_prices

    timeout = settings.cache.lock_timeout_seconds
    lists = {}
    for source in sources:
        price_list = source.price_list()
        if price_list is not None and price_list.provider not in lists:
            lists[price_list.provider] = price_list
    resources = []
    if db.exists() and lists:
        with connect(db, read_only=True, timeout=timeout) as conn:
            resources = load_resources(conn, ResourceFilter(providers=sorted(lists)), with_raw=True)
    for resource in resources:
        # Every stored figure is an estimate (no collector sets one): price afresh.
        resource.monthly_cost = resource.currency = resource.price_basis = None
        # A platform an earlier CloudSpy wrote (one it could not price then) is read
        # again from the stored payload, so a refresh prices a VM as a sync would.
        resource.platform = platform_of(resource) or resource.platform
    outcome = price_resources(
        db,
        resources,
        lists,
        extra=[alt for r in resources for alt in alternatives(r)] if alternatives else (),
        max_age=timedelta(days=settings.cache.price_max_age_days),
        refresh=True,
        lock_timeout=timeout,
        progress=progress,
    )
    repriced = 0
    if resources:
        with connect(db, read_only=False, timeout=timeout) as conn:
            repriced = update_prices(conn, resources)
    return PriceListing(
        prices=_listing(db, providers, timeout),
        requests=outcome.requests,
        repriced=repriced,
        errors=outcome.errors,
    )
