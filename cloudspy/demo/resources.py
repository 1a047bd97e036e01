"""The demo's running resources and 30 days of hourly utilization (AWS, GCP and Azure).

The imaginary company of :mod:`cloudspy.demo` runs busy web servers, a staging
box and a dev VM used only in office hours, an idle batch VM on each cloud,
a stopped VM that still pays for its disk and address, unattached disks, an
orphan address per cloud, a year-old snapshot and a load balancer without
targets — so ``resources``, ``waste`` and ``schedule`` all have something to
show. VM ids match the demo cost rows, so their savings come from actual cost.
The resources are data (``resources.json``); this module dates them and draws
their utilization.
"""

from __future__ import annotations

import json
import math
import random
from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, MetricSample, Resource

METRIC_DAYS = 30
SEED = 4242


def _data() -> dict[str, Any]:
    text = files(__package__).joinpath("resources.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _resources(now: datetime) -> list[Resource]:
    """The demo resources as they were at ``now`` (``*_days_ago`` fields become times)."""
    out = []
    for entry in _data()["resources"]:
        fields = {}
        for key, value in entry.items():
            if key.endswith("_days_ago"):
                fields[key.removesuffix("_days_ago")] = now - timedelta(days=value)
            else:
                fields[key] = value
        out.append(Resource(**fields))
    return out


# How each running VM uses its CPU: busy, office hours (local UTC), or idle; in the
# order the seeded random numbers are drawn.
PATTERNS: dict[str, str] = dict(_data()["utilization"])


def _cpu(pattern: str, ts: datetime, rng: random.Random) -> tuple[float, float]:
    """(CPU percent, network bytes) of one hour."""
    if pattern == "busy":
        wave = 45 + 15 * math.sin((ts.hour - 9) / 24 * 2 * math.pi)
        return min(98.0, wave + rng.uniform(-8, 8)), rng.uniform(2e8, 9e8)
    if pattern == "steady-low":
        return rng.uniform(8, 18), rng.uniform(1e8, 4e8)
    if pattern == "office":
        working = ts.weekday() < 5 and 8 <= ts.hour < 18
        if working:
            return rng.uniform(25, 70), rng.uniform(5e7, 3e8)
        # Backups and agents keep some traffic flowing off-hours (> 5 MB a day).
        return rng.uniform(0.2, 2.5), rng.uniform(5e5, 2e6)
    return rng.uniform(0.3, 3.0), rng.uniform(1e4, 1.5e5)


def demo_metrics(end: datetime) -> list[MetricSample]:
    """Hourly CPU and network of the running demo VMs for the 30 days before ``end``."""
    rng = random.Random(SEED)  # noqa: S311 - a sample, not a secret
    out = []
    for rid, pattern in PATTERNS.items():
        for hour in range(METRIC_DAYS * 24):
            ts = end - timedelta(hours=METRIC_DAYS * 24 - hour)
            cpu, net = _cpu(pattern, ts, rng)
            out.append(MetricSample(rid, m.CPU_PERCENT, ts, round(cpu, 3), "Percent"))
            out.append(MetricSample(rid, m.NETWORK_BYTES, ts, round(net), "Bytes"))
    return out


def load_demo_inventory(db: Path, today: date) -> dict[str, int]:
    """Store the demo inventory (snapshot taken at ``today`` 00:00 UTC) and its metrics."""
    from cloudspy.pricing.table import apply_estimates
    from cloudspy.store.connection import connect
    from cloudspy.store.inventory_writes import forget_scopes, replace_scope
    from cloudspy.store.sync_log import new_run_id

    now = datetime(today.year, today.month, today.day)
    resources = _resources(now)
    apply_estimates(resources)
    metrics = demo_metrics(now)
    regions: dict[tuple[str, str, str], Collected] = {}
    for r in resources:
        key = (r.provider, r.account, r.region)
        regions.setdefault(key, Collected(region=r.region, resources=[])).resources.append(r)
    region_of = {r.resource_id: (r.provider, r.account, r.region) for r in resources}
    for sample in metrics:
        part = regions[region_of[sample.resource_id]]
        part.metrics.append(sample)
        part.metrics_since = now - timedelta(days=METRIC_DAYS)
    scopes: dict[tuple[str, str], list[Collected]] = {}
    for (provider, account, _), part in sorted(regions.items()):
        scopes.setdefault((provider, account), []).append(part)
    run_id = new_run_id()
    with connect(db, read_only=False) as conn:
        forget_scopes(conn, "demo:")
        for (provider, account), parts in scopes.items():
            replace_scope(
                conn,
                scope=f"demo:{provider}:{account}",
                provider=provider,
                account=account,
                collected=parts,
                denied={},
                snapshot_at=now,
                run_id=run_id,
            )
    return {"resources": len(resources), "samples": len(metrics)}
