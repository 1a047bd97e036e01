"""The waste side of the public API (re-exported by :mod:`cloudspy.api` as ``waste()``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from cloudspy.clock import utc_now
from cloudspy.config import Settings
from cloudspy.errors import UsageError
from cloudspy.inventory.service import no_inventory, provider_names, snapshot_warnings
from cloudspy.models.waste import WasteReport
from cloudspy.store.inventory_queries import snapshot_info
from cloudspy.waste_rules.engine import find_waste, totals
from cloudspy.waste_rules.registry import select_rules


def build_waste_report(
    db: Path,
    settings: Settings,
    *,
    providers: Sequence[str] = (),
    regions: Sequence[str] = (),
    rules: Sequence[str] = (),
    min_monthly_savings: Decimal | None = None,
    now: datetime | None = None,
) -> WasteReport:
    """Priced findings from the store, largest first, with totals per currency."""
    from cloudspy.store.connection import connect

    if min_monthly_savings is not None and min_monthly_savings < 0:
        raise UsageError("--min-monthly-savings must not be negative")
    chosen = select_rules(list(rules))
    names = provider_names(providers)
    now = now or utc_now()
    with connect(db, read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        snap = snapshot_info(conn, names, now)
        if snap.oldest is None:
            raise no_inventory()
        findings = find_waste(
            conn, chosen, settings.waste, now=now, providers=names, regions=list(regions)
        )
    if min_monthly_savings is not None:
        findings = [
            f
            for f in findings
            if f.monthly_savings is not None and f.monthly_savings >= min_monthly_savings
        ]
    return WasteReport(
        snapshot=snap,
        rules=[r.meta.id for r in chosen],
        totals=totals(findings),
        findings=findings,
        warnings=snapshot_warnings(snap),
    )
