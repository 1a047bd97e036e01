"""The demo's running resources and 30 days of hourly utilization (AWS, GCP and Azure).

The imaginary company of :mod:`cloudspy.demo` runs busy web servers, a staging
box and a dev VM used only in office hours, an idle batch VM on each cloud,
a stopped VM that still pays for its disk and address, unattached disks, an
orphan address per cloud, a year-old snapshot and a load balancer without
targets — so ``resources``, ``waste`` and ``schedule`` all have something to
show. VM ids match the demo cost rows, so their savings come from actual cost.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from cloudspy.models import resource as m
from cloudspy.models.resource import MetricSample, Resource
from cloudspy.providers.inventory_source import Collected

METRIC_DAYS = 30
SEED = 4242
PROD, STG = "222222222222", "333333333333"
GCP_PROJECT = "acme-web-prod"
AZ_DEV = "9a8b7c6d-5e4f-4a3b-2c1d-0e1f2a3b4c5d"
_AZ_RG = "/subscriptions/9a8b7c6d/resourceGroups/rg-dev/providers"


def _vm(
    provider: str,
    account: str,
    region: str,
    rid: str,
    name: str,
    vm_type: str,
    power: str,
    state: str,
    **kw: Any,
) -> Resource:
    return Resource(
        provider,
        account,
        region,
        rid,
        m.VM,
        name=name,
        type=vm_type,
        power_state=power,
        state=state,
        **kw,
    )


def _resources(now: datetime) -> list[Resource]:
    ago = lambda days: now - timedelta(days=days)  # noqa: E731 - a tiny local shorthand
    aws_lb = "arn:aws:elasticloadbalancing:us-east-1:222222222222:loadbalancer/app/"
    return [
        _vm(
            "aws",
            PROD,
            "us-east-1",
            "i-0a1b2c3d4e5f60001",
            "web-1",
            "m5.2xlarge",
            m.RUNNING,
            "running",
            zone="us-east-1a",
            created_at=ago(400),
            tags={"team": "web"},
        ),
        _vm(
            "aws",
            PROD,
            "eu-west-1",
            "i-0a1b2c3d4e5f60002",
            "web-eu-1",
            "m5.xlarge",
            m.RUNNING,
            "running",
            zone="eu-west-1b",
            created_at=ago(300),
            tags={"team": "web"},
        ),
        _vm(
            "aws",
            STG,
            "us-east-1",
            "i-0f9e8d7c6b5a40003",
            "staging-web",
            "m5.large",
            m.RUNNING,
            "running",
            zone="us-east-1c",
            created_at=ago(200),
            tags={"team": "web", "env": "staging"},
        ),
        _vm(
            "aws",
            STG,
            "us-east-1",
            "i-0b7a7c4000000004",
            "staging-batch",
            "t3.large",
            m.RUNNING,
            "running",
            zone="us-east-1a",
            created_at=ago(150),
            tags={"team": "data"},
        ),
        # Rightsizing (#14): busy enough never to be idle, but its busiest hours stay
        # under 20 % of 8 vCPUs.
        _vm(
            "aws",
            PROD,
            "us-east-1",
            "i-0a1b2c3d4e5f6000b",
            "reports-api",
            "m5.2xlarge",
            m.RUNNING,
            "running",
            zone="us-east-1b",
            created_at=ago(320),
            tags={"team": "data"},
        ),
        # Previous generation (#14): a busy m4, cheaper as m6i.
        _vm(
            "aws",
            PROD,
            "us-east-1",
            "i-0a1b2c3d4e5f6000c",
            "legacy-worker",
            "m4.large",
            m.RUNNING,
            "running",
            zone="us-east-1c",
            created_at=ago(900),
            tags={"team": "data"},
        ),
        _vm(
            "aws",
            PROD,
            "us-east-1",
            "i-0d1e5e1000000005",
            "old-reporting",
            "m5.large",
            m.STOPPED,
            "stopped",
            zone="us-east-1b",
            created_at=ago(500),
            state_since=ago(75),
            tags={"team": "data"},
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "vol-0a1b2c3d4e5f00001",
            m.DISK,
            name="web-1-root",
            zone="us-east-1a",
            state="in-use",
            type="gp3",
            size_gb=100,
            created_at=ago(400),
            attached_to="i-0a1b2c3d4e5f60001",
            attached=True,
        ),
        # gp2 → gp3 (#14): an in-use gp2 volume.
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "vol-0a1b2c3d4e5f0000d",
            m.DISK,
            name="web-1-data",
            zone="us-east-1a",
            state="in-use",
            type="gp2",
            size_gb=300,
            created_at=ago(400),
            attached_to="i-0a1b2c3d4e5f60001",
            attached=True,
            tags={"team": "web"},
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "vol-0d1e5e1000000005",
            m.DISK,
            name="old-reporting-data",
            zone="us-east-1b",
            state="in-use",
            type="gp3",
            size_gb=200,
            created_at=ago(500),
            attached_to="i-0d1e5e1000000005",
            attached=True,
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "vol-0bac0000000000007",
            m.DISK,
            name="db-backup-old",
            zone="us-east-1a",
            state="available",
            type="gp2",
            size_gb=500,
            created_at=ago(220),
            attached=False,
            tags={"team": "data"},
        ),
        Resource(
            "aws",
            STG,
            "us-east-1",
            "vol-0e5700000000000a8",
            m.DISK,
            name=None,
            zone="us-east-1c",
            state="available",
            type="io1",
            size_gb=100,
            created_at=ago(45),
            attached=False,
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "snap-0a1d0000000000001",
            m.SNAPSHOT,
            name="pre-migration",
            state="completed",
            size_gb=100,
            created_at=ago(410),
            attached_to="vol-0a1b2c3d4e5f00001",
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "snap-0ecent0000000002",
            m.SNAPSHOT,
            name="nightly",
            state="completed",
            size_gb=100,
            created_at=ago(1),
            attached_to="vol-0a1b2c3d4e5f00001",
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "eipalloc-0web00000000001",
            m.IP,
            name="3.5.140.10",
            state="associated",
            type="vpc",
            attached_to="i-0a1b2c3d4e5f60001",
            attached=True,
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "eipalloc-0d1e5e100000005",
            m.IP,
            name="3.5.140.11",
            state="associated",
            type="vpc",
            attached_to="i-0d1e5e1000000005",
            attached=True,
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            "eipalloc-0f0f0f000000009",
            m.IP,
            name="3.5.140.12",
            state="unassociated",
            type="vpc",
            attached=False,
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            aws_lb + "web/50dc6c495c0c9188",
            m.LOAD_BALANCER,
            name="web",
            state="active",
            type="application",
            created_at=ago(400),
            target_count=3,
        ),
        Resource(
            "aws",
            PROD,
            "us-east-1",
            aws_lb + "legacy-api/6d0ecf831eec9f09",
            m.LOAD_BALANCER,
            name="legacy-api",
            state="active",
            type="application",
            created_at=ago(600),
            target_count=0,
        ),
        _vm(
            "gcp",
            GCP_PROJECT,
            "us-central1",
            "projects/acme-web-prod/zones/us-central1-a/instances/web-1",
            "web-1",
            "e2-standard-4",
            m.RUNNING,
            "RUNNING",
            zone="us-central1-a",
            created_at=ago(380),
            tags={"team": "web"},
        ),
        _vm(
            "gcp",
            GCP_PROJECT,
            "us-central1",
            "projects/acme-web-prod/zones/us-central1-b/instances/ci-runner",
            "ci-runner",
            "e2-standard-2",
            m.RUNNING,
            "RUNNING",
            zone="us-central1-b",
            created_at=ago(90),
            tags={"team": "platform"},
        ),
        _vm(
            "gcp",
            GCP_PROJECT,
            "us-central1",
            "projects/acme-web-prod/zones/us-central1-a/instances/legacy-cron",
            "legacy-cron",
            "e2-medium",
            m.RUNNING,
            "RUNNING",
            zone="us-central1-a",
            created_at=ago(700),
        ),
        Resource(
            "gcp",
            GCP_PROJECT,
            "us-central1",
            "projects/acme-web-prod/zones/us-central1-a/disks/old-data",
            m.DISK,
            name="old-data",
            zone="us-central1-a",
            state="READY",
            type="pd-ssd",
            size_gb=200,
            created_at=ago(260),
            attached=False,
        ),
        Resource(
            "gcp",
            GCP_PROJECT,
            "us-central1",
            "projects/acme-web-prod/regions/us-central1/addresses/old-ingress",
            m.IP,
            name="old-ingress",
            state="RESERVED",
            type="EXTERNAL",
            attached=False,
        ),
        _vm(
            "azure",
            AZ_DEV,
            "northeurope",
            f"{_AZ_RG}/Microsoft.Compute/virtualMachines/dev-box-1",
            "dev-box-1",
            "Standard_D4s_v3",
            m.RUNNING,
            "PowerState/running",
            created_at=ago(120),
            tags={"team": "ml"},
        ),
        _vm(
            "azure",
            AZ_DEV,
            "northeurope",
            f"{_AZ_RG}/Microsoft.Compute/virtualMachines/build-agent-2",
            "build-agent-2",
            "Standard_D2s_v3",
            m.DEALLOCATED,
            "PowerState/deallocated",
            created_at=ago(330),
        ),
        _vm(
            "azure",
            AZ_DEV,
            "northeurope",
            f"{_AZ_RG}/Microsoft.Compute/virtualMachines/test-runner",
            "test-runner",
            "Standard_B2s",
            m.RUNNING,
            "PowerState/running",
            created_at=ago(95),
        ),
        Resource(
            "azure",
            AZ_DEV,
            "northeurope",
            f"{_AZ_RG}/Microsoft.Compute/disks/build-agent-2-os",
            m.DISK,
            name="build-agent-2-os",
            state="Reserved",
            type="Premium_LRS",
            size_gb=128,
            created_at=ago(330),
            attached_to=f"{_AZ_RG}/Microsoft.Compute/virtualMachines/build-agent-2",
            attached=True,
        ),
        Resource(
            "azure",
            AZ_DEV,
            "northeurope",
            f"{_AZ_RG}/Microsoft.Compute/disks/scratch-01",
            m.DISK,
            name="scratch-01",
            state="Unattached",
            type="Standard_LRS",
            size_gb=256,
            created_at=ago(180),
            attached=False,
        ),
        Resource(
            "azure",
            AZ_DEV,
            "northeurope",
            f"{_AZ_RG}/Microsoft.Network/publicIPAddresses/old-gw-ip",
            m.IP,
            name="old-gw-ip",
            state="Succeeded",
            type="Standard",
            attached=False,
        ),
    ]


# How each running VM uses its CPU: busy, office hours (local UTC), or idle.
PATTERNS = {
    "i-0a1b2c3d4e5f60001": "busy",
    "i-0a1b2c3d4e5f60002": "busy",
    "i-0f9e8d7c6b5a40003": "office",
    "i-0b7a7c4000000004": "idle",
    "i-0a1b2c3d4e5f6000b": "steady-low",
    "i-0a1b2c3d4e5f6000c": "busy",
    "projects/acme-web-prod/zones/us-central1-a/instances/web-1": "busy",
    "projects/acme-web-prod/zones/us-central1-b/instances/ci-runner": "office",
    "projects/acme-web-prod/zones/us-central1-a/instances/legacy-cron": "idle",
    f"{_AZ_RG}/Microsoft.Compute/virtualMachines/dev-box-1": "office",
    f"{_AZ_RG}/Microsoft.Compute/virtualMachines/test-runner": "idle",
}


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
    from cloudspy.inventory.store import replace_scope
    from cloudspy.pricing.table import apply_estimates
    from cloudspy.store.connection import connect
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
        for table in ("resource", "metric", "metric_daily", "inventory_coverage"):
            conn.execute(f"DELETE FROM {table} WHERE scope LIKE 'demo:%'")
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
