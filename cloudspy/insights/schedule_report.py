"""``cloudspy schedule``: off-hours suggestions for the stored VMs, priced per month."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from cloudspy.clock import utc_now
from cloudspy.config import Settings
from cloudspy.errors import UsageError
from cloudspy.insights.schedule import suggest_offhours
from cloudspy.inventory.service import no_inventory, provider_names, snapshot_warnings
from cloudspy.models.resource import RUNNING, VM, Resource
from cloudspy.models.waste import ScheduleReport, ScheduleSuggestion
from cloudspy.store.inventory_queries import (
    ResourceFilter,
    actual_costs,
    hourly_cpu,
    load_resources,
    snapshot_info,
)
from cloudspy.waste_rules.engine import totals

HOURS_PER_MONTH = Decimal(730)
LOOKBACK_DAYS = 28


def _zone(name: str):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown --timezone {name!r}", hint="use an IANA name such as Europe/Berlin or UTC"
        ) from None


def _hourly_price(vm: Resource, actual: dict) -> tuple[Decimal | None, str | None, str]:
    cost = actual.get(vm.resource_id)
    if cost is not None and cost.days:
        hourly = cost.amount / (Decimal(cost.days) * 24)
        basis = (
            f"actual billed cost {cost.amount:.4f} {cost.currency} over {cost.days} day(s) "
            f"with charges ({cost.start}–{cost.end}) ÷ 24 h per day"
        )
        return hourly, cost.currency, basis
    if vm.monthly_cost is not None and vm.currency:
        return vm.monthly_cost / HOURS_PER_MONTH, vm.currency, f"{vm.price_basis} ÷ 730 h"
    return None, None, f"no actual cost and no list price known for type {vm.type or 'unknown'}"


def build_schedule_report(
    db: Path,
    settings: Settings,
    *,
    timezone: str = "UTC",
    providers: Sequence[str] = (),
    regions: Sequence[str] = (),
    idle_cpu_percent: float = 5.0,
    now: datetime | None = None,
) -> ScheduleReport:
    """Suggest off-hours for every running VM whose idle hours recur weekly."""
    from cloudspy.store.connection import connect

    tz = _zone(timezone)
    if not 0 < idle_cpu_percent <= 100:
        raise UsageError("--idle-cpu must be between 0 and 100")
    names = provider_names(providers)
    now = now or utc_now()
    end = now.replace(minute=0, second=0, microsecond=0)
    start = end - timedelta(days=LOOKBACK_DAYS)
    with connect(db, read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        snap = snapshot_info(conn, names, now)
        if snap.oldest is None:
            raise no_inventory()
        vms = [
            vm
            for vm in load_resources(
                conn, ResourceFilter(providers=names, regions=list(regions), kinds=[VM])
            )
            if vm.power_state == RUNNING
        ]
        series = hourly_cpu(conn, [vm.resource_id for vm in vms], start, end)
        found = {}
        for vm in vms:
            if vm.resource_id in series:
                offhours = suggest_offhours(
                    series[vm.resource_id], tz, idle_cpu_percent=idle_cpu_percent
                )
                if offhours is not None:
                    found[vm.resource_id] = (vm, offhours)
        actual = actual_costs(conn, sorted(found), (end - timedelta(days=30)).date(), end.date())
    suggestions = []
    for vm, offhours in found.values():
        hourly, currency, basis = _hourly_price(vm, actual)
        hours = offhours.hours_saved_per_month()
        suggestions.append(
            ScheduleSuggestion(
                provider=vm.provider,
                account=vm.account,
                region=vm.region,
                resource_id=vm.resource_id,
                name=vm.name,
                timezone=timezone,
                pattern=offhours.pattern,
                off_hour=offhours.off_hour,
                on_hour=offhours.on_hour,
                hours_off_per_week=offhours.hours_off_per_week,
                hours_saved_per_month=hours,
                monthly_savings=None
                if hourly is None
                else (hourly * hours).quantize(Decimal("0.0001")),
                currency=currency,
                price_basis=f"{basis} × {hours} h off per month" if hourly is not None else basis,
                custodian_offhours=offhours.custodian_tag(timezone),
                weeks_observed=offhours.weeks_observed,
                idle_cpu_percent=idle_cpu_percent,
            )
        )
    suggestions.sort(key=lambda s: (-(s.monthly_savings or Decimal(0)), s.resource_id))
    return ScheduleReport(
        snapshot=snap,
        timezone=timezone,
        vms_analyzed=len(series),
        suggestions=suggestions,
        totals=totals(suggestions),
        warnings=snapshot_warnings(snap),
    )
