"""Run the waste rules over the stored inventory and price every finding.

A finding's saving is the monthly cost of the resources it names: their actual
billed cost over the last 30 days, scaled to a month from the days the cache
covers, when the ``cost`` table has charges for their resource ids (CUR or FOCUS
data with resource ids), otherwise the list-price estimate stored with the
resource. Each finding's basis starts with which it used ("actual:" or "list:").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from cloudspy.models.prices import states_upper_bound
from cloudspy.models.resource import DISK, IP, VM, Resource
from cloudspy.models.waste import MoneyTotal, ScheduleSuggestion, WasteFinding
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.pricing.price_book import PriceBook
from cloudspy.providers.registry import price_reads_payload
from cloudspy.store.inventory_queries import (
    ActualCost,
    ResourceFilter,
    actual_costs,
    daily_usage,
    load_payloads,
    load_resources,
)
from cloudspy.store.price_cache import cached_prices
from cloudspy.waste_rules.base import Finding, WasteContext
from cloudspy.waste_rules.registry import Rule

if TYPE_CHECKING:
    import duckdb

ACTUAL_DAYS = 30


def _needs(rules: list[Rule]) -> list[str]:
    kinds = {r.meta.kind for r in rules}
    if VM in kinds:
        kinds |= {DISK, IP}  # a stopped VM's attachments
    return sorted(kinds)


def evaluate_rules(
    rules: list[Rule], resources: list[Resource], ctx: WasteContext
) -> list[tuple[Rule, Finding]]:
    """Every (rule, finding) pair over ``resources`` (pure; no store access)."""
    by_kind: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        by_kind[resource.kind].append(resource)
    out = []
    for rule in rules:
        for resource in by_kind.get(rule.meta.kind, ()):
            finding = rule.evaluate(resource, ctx)
            if finding is not None:
                out.append((rule, finding))
    return out


def _again_with_payloads(
    conn: duckdb.DuckDBPyConnection, pairs: list[tuple[Rule, Finding]], ctx: WasteContext
) -> list[tuple[Rule, Finding]]:
    """The findings of rules that priced a cheaper equivalent, evaluated again with the
    resource's stored payload: what a price leaves out (a GCP VM's Marketplace licence)
    is read there. Resources load without payloads (100,000 of them stay fast); only
    these few are read."""
    priced = [
        f.resource
        for _, f in pairs
        if f.savings is not None and f.resource.raw is None and price_reads_payload(f.resource)
    ]
    payloads = load_payloads(conn, priced)
    if not payloads:
        return pairs
    out = []
    for rule, finding in pairs:
        res = finding.resource
        raw = payloads.get((res.provider, res.account, res.resource_id))
        if finding.savings is None or raw is None:
            out.append((rule, finding))
            continue
        # What the full evaluation does not confirm is not reported.
        again = rule.evaluate(replace(res, raw=raw), ctx)
        if again is not None:
            out.append((rule, again))
    return out


def attachments_of(resources: list[Resource]) -> dict[str, list[Resource]]:
    """What is attached to each resource id (disks and addresses of a VM)."""
    out: dict[str, list[Resource]] = defaultdict(list)
    for resource in resources:
        if resource.attached_to:
            out[resource.attached_to].append(resource)
    return out


def _beside(resource: Resource) -> str:
    """The list price shown beside an actual cost, when both are known (#14): what the
    resource would cost at list, so a discount or an odd bill stands out."""
    if resource.monthly_cost is None or not resource.currency:
        return ""
    listed = f"{resource.monthly_cost:.4f} {resource.currency} per month"
    return (
        f" (list: {listed}: {resource.price_basis})"
        if resource.price_basis
        else f" (list: {listed})"
    )


class _Priced(NamedTuple):
    amount: Decimal | None
    currency: str | None
    basis: str
    source: str | None
    upper_bound: bool = False


def _price(finding: Finding, actual: dict[str, ActualCost]) -> _Priced:
    """The finding's monthly saving, currency, basis, and price source: ``actual`` (the
    resource's billed cost in the cache), ``list`` (a list price), ``actual+list``
    (some of each), or None when unpriced; and whether the amount is an upper bound
    (a list price whose basis says what it sizes bounds the bill from above)."""
    if finding.savings is not None:  # the rule priced its own difference
        saved = finding.savings
        source = "list" if saved.amount is not None else None
        return _Priced(saved.amount, saved.currency, saved.basis, source)
    if len(finding.priced) == 1:
        only = finding.priced[0]
        known = actual.get(only.resource_id)
        has_actual = known is not None and known.monthly is not None
        if not has_actual and only.monthly_cost is not None and only.currency:
            basis = f"list: {only.price_basis or ''}".strip()
            bound = states_upper_bound(only.price_basis)
            return _Priced(only.monthly_cost, only.currency, basis, "list", bound)
    amounts: dict[str, Decimal] = defaultdict(Decimal)
    bounded: set[str] = set()  # the currencies whose sum holds an upper bound
    bases: list[str] = []
    missing: list[str] = []
    sources: set[str] = set()
    for resource in finding.priced:
        cost = actual.get(resource.resource_id)
        monthly = cost.monthly if cost is not None else None
        if cost is not None and monthly is not None:
            # Scaled to a month from the days the cache covers (#13): two cached days of
            # a disk are not its monthly cost.
            amounts[cost.currency] += monthly
            sources.add("actual")
            bases.append(
                f"{resource.resource_id}: actual: billed {cost.amount:.4f} {cost.currency} "
                f"over the {cost.covered_days} day(s) the cache covers since "
                f"{max(cost.start, cost.end - timedelta(days=cost.covered_days))}, "
                f"{monthly:.4f} per month at that rate{_beside(resource)}"
            )
        elif resource.monthly_cost is not None and resource.currency:
            amounts[resource.currency] += resource.monthly_cost
            sources.add("list")
            bases.append(f"{resource.resource_id}: list: {resource.price_basis}")
            if states_upper_bound(resource.price_basis):
                bounded.add(resource.currency)
        else:
            missing.append(resource.resource_id)
    if missing:
        bases.append(
            f"no actual cost and no list price known for {', '.join(missing)} "
            f"(type {finding.resource.type or 'unknown'}): not included"
        )
        # The table's own reason (e.g. its price is for another region) says what to fix.
        bases.extend(
            r.price_basis
            for r in finding.priced
            if r.resource_id in missing and r.price_basis and r.price_basis.startswith("unpriced")
        )
    if not amounts:
        return _Priced(None, None, "; ".join(bases), None)
    currency = max(amounts, key=lambda c: amounts[c])
    if len(amounts) > 1:
        others = ", ".join(f"{v:.2f} {c}" for c, v in amounts.items() if c != currency)
        bases.append(f"also {others} in another currency, not added")
    source = "+".join(sorted(sources))
    # A sum leaving out an unpriced resource bounds nothing from above.
    bound = currency in bounded and not missing
    return _Priced(amounts[currency], currency, "; ".join(bases), source, bound)


def find_waste(
    conn: duckdb.DuckDBPyConnection,
    rules: list[Rule],
    settings: WasteSettings,
    *,
    now: datetime,
    providers: list[str],
    regions: list[str],
) -> list[WasteFinding]:
    """Findings of ``rules`` over the stored inventory, priced, largest saving first."""
    import gc

    # Hundreds of thousands of short-lived objects and no reference cycles: the cyclic
    # collector would only rescan them (a third of the run time at 100,000 resources).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _find_waste(conn, rules, settings, now=now, providers=providers, regions=regions)
    finally:
        if gc_was_enabled:
            gc.enable()


def _find_waste(
    conn: duckdb.DuckDBPyConnection,
    rules: list[Rule],
    settings: WasteSettings,
    *,
    now: datetime,
    providers: list[str],
    regions: list[str],
) -> list[WasteFinding]:
    resources = load_resources(
        conn, ResourceFilter(providers=providers, regions=regions, kinds=_needs(rules))
    )
    today = now.date()
    usage = {}
    if any(r.meta.kind == VM for r in rules):
        # idle-vm and rightsizing each keep the days of their own window.
        window = max(int(settings.idle("idle_window_days")), settings.rightsizing_window_days)
        usage = daily_usage(
            conn,
            today - timedelta(days=window),
            today,
            p95_since=today - timedelta(days=settings.rightsizing_window_days),
        )
    ctx = WasteContext(
        now=now,
        settings=settings,
        usage=usage,
        attachments=attachments_of(resources),
        prices=PriceBook(cached_prices(conn, providers or None)),
    )
    pairs = _again_with_payloads(conn, evaluate_rules(rules, resources, ctx), ctx)
    ids = sorted({r.resource_id for _, f in pairs for r in f.priced})
    actual = actual_costs(conn, ids, today - timedelta(days=ACTUAL_DAYS), today)
    out = []
    for rule, finding in pairs:
        amount, currency, basis, source, upper_bound = _price(finding, actual)
        res = finding.resource
        out.append(
            WasteFinding(
                rule=rule.meta.id,
                title=rule.meta.title,
                severity=rule.meta.severity,
                provider=res.provider,
                account=res.account,
                region=res.region,
                kind=res.kind,
                resource_id=res.resource_id,
                name=res.name,
                reason=finding.reason,
                evidence=finding.evidence,
                monthly_savings=amount,
                currency=currency,
                price_basis=basis,
                price_source=source,
                upper_bound=upper_bound,
            )
        )
    out.sort(key=lambda f: (-(f.monthly_savings or Decimal(0)), f.rule, f.resource_id))
    return out


def totals(findings: Sequence[WasteFinding | ScheduleSuggestion]) -> list[MoneyTotal]:
    """The monthly saving per currency (never summed across currencies)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    counts: dict[str, int] = defaultdict(int)
    bounded: set[str] = set()  # a total holding an upper bound is one too
    for f in findings:
        if f.monthly_savings is not None and f.currency:
            sums[f.currency] += f.monthly_savings
            counts[f.currency] += 1
            if getattr(f, "upper_bound", False):
                bounded.add(f.currency)
    return [
        MoneyTotal(
            currency=c, monthly_savings=sums[c], findings=counts[c], upper_bound=c in bounded
        )
        for c in sorted(sums)
    ]
