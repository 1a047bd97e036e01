"""Price resources from the providers' price lists, cached in the store (#14).

For the resources a sync collected: each provider's price list names the
product a resource is billed as (:class:`~cloudspy.models.prices.PriceKey`);
keys the cache lacks, or holds for longer than the configured age, are fetched
once each (in parallel, no store connection open meanwhile), stored with the
date they were fetched and the provider's effective date, and counted in
``history``. A price list that cannot be reached leaves the cached prices in use
(said in the basis); with none cached, the shipped table answers only for its
own region and date, and otherwise the resource is unpriced with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cloudspy.clock import utc_now
from cloudspy.errors import CloudSpyError
from cloudspy.models import prices as p
from cloudspy.models.resource import Resource
from cloudspy.pricing.table import Estimate, assign, noted, priced
from cloudspy.providers.inventory_source import PriceList
from cloudspy.providers.registry import included_performance, price_key, price_note

DEFAULT_MAX_AGE = timedelta(days=7)
# What a resource could be instead (waste rules' cheaper equivalents): priced too.
Alternatives = Callable[[Resource], list[Resource]]


@dataclass
class PricingOutcome:
    """What pricing a sync's resources took: requests per provider and what failed."""

    requests: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _silent(_: str) -> None:
    return None


def _date(moment: datetime) -> str:
    return moment.date().isoformat()


def _tiered(quantity: Decimal, tiers: Sequence[p.ListPrice]) -> Decimal:
    """``quantity`` units billed through ``tiers`` (sorted by ``tier_start``)."""
    total = Decimal(0)
    for index, tier in enumerate(tiers):
        end = tiers[index + 1].tier_start if index + 1 < len(tiers) else None
        upper = quantity if end is None else min(quantity, end)
        if upper > tier.tier_start and tier.price is not None:
            total += (upper - tier.tier_start) * tier.price
    return total


def _number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except ArithmeticError:
        return None


def monthly_from(resource: Resource, prices: Sequence[p.ListPrice]) -> tuple[Decimal, str] | str:
    """The monthly amount of ``resource`` from its product's prices and how it was
    computed, or why these prices cannot give one."""
    by_unit: dict[str, list[p.ListPrice]] = {}
    for price in prices:
        by_unit.setdefault(price.unit, []).append(price)
    if p.NONE in by_unit:
        return f"unpriced: {by_unit[p.NONE][0].detail}"
    if p.HOUR in by_unit:
        hourly = by_unit[p.HOUR][0]
        assert hourly.price is not None
        licences = [(x.price, x.detail) for x in by_unit.get(p.LICENCE_HOUR, []) if x.price]
        rate = hourly.price + sum((price for price, _ in licences), Decimal(0))
        how = f"{rate.normalize():f} {hourly.currency}/hour × 730 hours"
        if licences:
            # What the licence adds to the machine, so the split is not only in the cache.
            parts = " + ".join(f"{price.normalize():f} {what}" for price, what in licences)
            how += f" (machine {hourly.price.normalize():f} + licence {parts})"
        return rate * p.HOURS_PER_MONTH, how
    if p.MONTH in by_unit:
        monthly = by_unit[p.MONTH][0]
        assert monthly.price is not None
        return monthly.price, f"{monthly.price.normalize():f} {monthly.currency}/month"
    if p.GB_MONTH not in by_unit:
        return "unpriced: the price list gives no unit CloudSpy can bill this resource by"
    if resource.size_gb is None:
        return "unpriced: priced per GB-month and the size is unknown"
    size = Decimal(str(resource.size_gb))
    tiers = by_unit[p.GB_MONTH]
    per_gb = tiers[-1]  # the price beyond any free or cheaper first tier
    assert per_gb.price is not None
    amount = _tiered(size, tiers)
    free = f" (first {tiers[1].tier_start.normalize():f} GB tiered)" if len(tiers) > 1 else ""
    parts = [
        f"{per_gb.price.normalize():f} {per_gb.currency}/GB-month × {size.normalize():f} GB{free}"
    ]
    extra = _performance(resource, by_unit)
    if isinstance(extra, str):
        return extra
    for billed_amount, part in extra:
        amount += billed_amount
        parts.append(part)
    return amount, " + ".join(parts)


def _performance(
    resource: Resource, by_unit: Mapping[str, list[p.ListPrice]]
) -> list[tuple[Decimal, str]] | str:
    """What a disk's provisioned IOPS and throughput add above what its capacity price
    includes (the provider says how much, per disk type), or why it cannot be priced."""
    included = included_performance(resource.provider, resource.type or "") or {}
    extras = (
        (p.IOPS_MONTH, _number(resource.iops), "IOPS"),
        (p.MIBPS_MONTH, _number(resource.throughput_mibps), "MiB/s"),
    )
    out: list[tuple[Decimal, str]] = []
    for unit, provisioned, label in extras:
        if unit not in included:
            continue  # this type bills no such performance
        if provisioned is None and included[unit]:
            continue  # not reported: the included baseline is what such a disk gets
        if provisioned is None:
            return f"unpriced: {resource.type} bills provisioned {label}, which is unknown"
        billed = max(Decimal(0), provisioned - included[unit])
        if billed and unit not in by_unit:
            # Never price the storage alone when the disk also bills performance.
            return f"unpriced: the price list gives no {label} price for {resource.type}"
        if billed:
            cost = _tiered(billed, by_unit[unit])
            out.append((cost, f"{billed.normalize():f} {label} billed ({cost.normalize():f})"))
    return out


def estimate_from(
    resource: Resource, prices: Sequence[p.ListPrice], *, stale_note: str = ""
) -> Estimate | str:
    """An :class:`Estimate` of ``resource`` from its cached prices, citing the source and dates."""
    found = monthly_from(resource, prices)
    first = prices[0]
    fetched = f"fetched {_date(first.fetched_at)}"
    if isinstance(found, str):
        return f"{found} ({first.source}, {fetched}){stale_note}"
    amount, how = found
    note = price_note(resource)
    how += f" ({note})" if note else ""
    effective = f"effective {first.effective.isoformat()}, " if first.effective else ""
    what = f"{first.key.sku} {first.key.variant}".strip()
    basis = (
        f"list price of {what} in {first.key.region}: {how} "
        f"({first.source}, {effective}{fetched}){stale_note}"
    )
    return Estimate(amount, first.currency, basis)


def cached_or_table(
    resource: Resource,
    key: p.PriceKey | None,
    cache: Mapping[p.PriceKey, Sequence[p.ListPrice]],
    *,
    why: str | None = None,
    stale_note: str = "",
) -> Estimate | str:
    """``resource`` priced from its cached price-list entry, else from the shipped table
    (its own region only); ``why`` says why the list had nothing, for the basis."""
    if key is not None and key in cache:
        found = estimate_from(resource, cache[key], stale_note=stale_note)
        if isinstance(found, Estimate):
            return found
        # The list has no such product (or no usable unit): the shipped table,
        # labelled with its own date, still answers for its own region.
        table = priced(resource)
        if isinstance(table, Estimate):
            return noted(resource, table)
        return f"{found}; {table.removeprefix('unpriced: ')}"
    table = priced(resource)
    if isinstance(table, str) and why:
        return f"{table} (price list: {why.removeprefix('unpriced: ')})"
    return table if isinstance(table, str) else noted(resource, table)


def _keys(
    resources: Sequence[Resource], lists: Mapping[str, PriceList]
) -> tuple[dict[int, p.PriceKey], dict[int, str]]:
    keys: dict[int, p.PriceKey] = {}
    reasons: dict[int, str] = {}
    for index, resource in enumerate(resources):
        if resource.monthly_cost is not None:
            continue  # the collector's own figure (actual cost) stands
        if resource.provider not in lists:
            continue
        # The registry's function for the provider: the PriceBook rules read asks the same.
        key = price_key(resource)
        if key is None:
            continue
        if isinstance(key, str):
            reasons[index] = key
        else:
            keys[index] = key
    return keys, reasons


def price_resources(
    db: Path,
    resources: Sequence[Resource],
    lists: Mapping[str, PriceList],
    *,
    extra: Sequence[Resource] = (),
    max_age: timedelta = DEFAULT_MAX_AGE,
    refresh: bool = False,
    lock_timeout: float = 15.0,
    progress: Callable[[str], None] = _silent,
) -> PricingOutcome:
    """Fill ``monthly_cost``/``price_basis`` of ``resources`` from the price lists.

    Resources whose provider has no price list here, or whose product cannot be
    looked up, fall back to the shipped table (its own region only). ``extra`` are
    products to fetch and cache without pricing anything (rules' alternatives).
    """
    from cloudspy.store.connection import connect
    from cloudspy.store.price_cache import cached_prices, fresh

    outcome = PricingOutcome()
    keys, reasons = _keys(resources, lists)
    extra_keys, _ = _keys(extra, lists)
    wanted_keys = {*keys.values(), *extra_keys.values()}
    with connect(db, read_only=False, timeout=lock_timeout) as conn:
        cache = cached_prices(conn, {key.provider for key in wanted_keys})
    since = utc_now() - max_age
    wanted = {
        key
        for key in wanted_keys
        if refresh or key not in cache or not all(fresh(x, since) for x in cache[key])
    }
    if wanted:
        fetched = _fetch(db, wanted, lists, outcome, lock_timeout=lock_timeout, progress=progress)
        cache.update(fetched)
    for index, resource in enumerate(resources):
        if resource.monthly_cost is not None:
            continue
        key = keys.get(index)
        why = reasons.get(index)
        note = ""
        if key is not None:
            why = outcome.errors.get(key.provider)
            if key in wanted and why:
                note = f"; cached, not refreshed: {outcome.errors[key.provider]}"
        assign(resource, cached_or_table(resource, key, cache, why=why, stale_note=note))
    return outcome


def _fetch(
    db: Path,
    wanted: set[p.PriceKey],
    lists: Mapping[str, PriceList],
    outcome: PricingOutcome,
    *,
    lock_timeout: float,
    progress: Callable[[str], None],
) -> dict[p.PriceKey, list[p.ListPrice]]:
    """Fetch ``wanted`` from each provider's list, store and record each fetch as a run."""
    from cloudspy.store.connection import connect
    from cloudspy.store.price_cache import store_prices
    from cloudspy.store.sync_log import Run, recorded

    out: dict[p.PriceKey, list[p.ListPrice]] = {}
    for provider in sorted({key.provider for key in wanted}):
        price_list = lists[provider]
        keys = sorted(key for key in wanted if key.provider == provider)
        run = Run(
            db,
            provider=provider,
            source="prices",
            scope=f"{provider}:prices",
            what="prices",
            lock_timeout=lock_timeout,
        )
        try:
            with recorded(run):
                fetched = price_list.fetch(keys, progress)
        except CloudSpyError as exc:
            outcome.errors[provider] = exc.one_line()
            progress(f"{price_list.source}: failed, using cached prices ({exc.one_line()})")
            continue
        outcome.requests[provider] = fetched.requests
        with connect(db, read_only=False, timeout=lock_timeout) as conn:
            rows = store_prices(conn, fetched.prices)
            run.finish(conn, status="ok", rows=rows, api_calls=fetched.requests)
        for price in fetched.prices:
            out.setdefault(price.key, []).append(price)
        progress(f"{price_list.source}: {len(keys)} product(s), {fetched.requests} request(s)")
    for prices in out.values():
        prices.sort(key=lambda x: (x.unit, x.tier_start))
    return out
