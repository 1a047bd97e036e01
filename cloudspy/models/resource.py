"""The normalized inventory model every provider's collector produces.

Provider packages translate their API payloads into :class:`Resource` and
:class:`MetricSample` (``providers/<name>/inventory.py``); everything after that
(the store, waste rules, schedules, renderers) reads only these fields and never
interprets a provider's own vocabulary. The meaning of each field, and how each
provider fills it, is documented in docs/inventory.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

# Resource kinds (the `kind` column).
VM = "vm"
DISK = "disk"
IP = "ip"
SNAPSHOT = "snapshot"
LOAD_BALANCER = "load_balancer"
KINDS = (VM, DISK, IP, SNAPSHOT, LOAD_BALANCER)

# Normalized VM power states (the `power_state` column); None for other kinds.
RUNNING = "running"
STOPPED = "stopped"  # halted, compute not billed (AWS stopped, GCP TERMINATED)
DEALLOCATED = "deallocated"  # Azure: halted and compute released
STOPPED_BILLED = "stopped_billed"  # Azure "stopped": halted but compute still billed
TRANSITIONING = "transitioning"  # pending, stopping, starting …
GONE = "terminated"  # terminated / deleted: bills nothing
POWER_STATES = (RUNNING, STOPPED, DEALLOCATED, STOPPED_BILLED, TRANSITIONING, GONE)

# Normalized utilization metric names (the `metric` column) and their units.
CPU_PERCENT = "cpu_percent"  # 0–100; GCP's 0–1 fraction is scaled by its collector
NETWORK_BYTES = "network_bytes"  # bytes in + out during the sample's hour
# 0–100 of the VM's memory in use, where an agent in the VM reports it (AWS: the
# CloudWatch agent's mem_used_percent); a cloud itself cannot see inside the VM.
MEMORY_PERCENT = "memory_percent"
METRIC_UNITS = {CPU_PERCENT: "Percent", NETWORK_BYTES: "Bytes", MEMORY_PERCENT: "Percent"}


@dataclass(slots=True)
class Resource:
    """One resource as every provider's collector normalizes it.

    ``attached`` is True when a disk is attached to a VM or an IP is associated
    with something that uses it, False when it is free, None when unknown or
    not applicable. ``target_count`` is the number of registered backends of a
    load balancer. ``state`` keeps the provider's own word; ``power_state`` is
    one of :data:`POWER_STATES` for VMs. ``monthly_cost`` comes with its
    ``currency`` and the ``price_basis`` that explains it. ``platform`` is the
    operating system and licence a VM is billed for (AWS ``PlatformDetails``:
    ``Linux/UNIX``, ``Windows``, ``Red Hat Enterprise Linux`` …; Azure ``Linux`` or
    ``Windows``), ``iops`` and ``throughput_mibps`` a disk's provisioned
    performance, as far as the provider says (#14: prices depend on them).
    """

    provider: str
    account: str
    region: str
    resource_id: str
    kind: str
    name: str | None = None
    zone: str | None = None
    state: str | None = None
    power_state: str | None = None
    type: str | None = None
    size_gb: float | None = None
    created_at: datetime | None = None
    state_since: datetime | None = None
    attached_to: str | None = None
    attached: bool | None = None
    target_count: int | None = None
    tags: dict[str, str] = field(default_factory=dict)
    monthly_cost: Decimal | None = None
    currency: str | None = None
    price_basis: str | None = None
    raw: dict[str, Any] | None = None
    platform: str | None = None
    iops: int | None = None
    throughput_mibps: int | None = None


@dataclass(frozen=True, slots=True)
class MetricSample:
    """One utilization sample (hourly unless the source only has coarser data)."""

    resource_id: str
    metric: str
    ts: datetime
    value: float
    unit: str


@dataclass(slots=True)
class DailyUsage:
    """A VM's utilization per UTC day, oldest first (what idle rules read).

    ``cpu_avg[i]`` and ``network_bytes[i]`` describe the day ``first_day +
    offsets[i]`` days (days without samples are absent); ``network_bytes`` is
    None for a day without network samples. ``peak_p95`` is the largest daily
    95th percentile of hourly CPU over the rightsizing window and ``p95_days`` the
    days of that window that have one (aggregated in SQL: rules need no more).
    """

    first_day: date
    offsets: list[int]
    cpu_avg: list[float]
    network_bytes: list[float | None]
    peak_p95: float | None = None
    p95_days: int = 0
    # The same for memory in use, where an agent reports it (None: not measured).
    memory_peak_p95: float | None = None
    memory_p95_days: int = 0

    def days(self) -> list[date]:
        """The calendar days of the samples."""
        return [self.first_day + timedelta(days=o) for o in self.offsets]


@dataclass
class Collected:
    """What one region of a scope holds now, and its utilization samples.

    ``metrics_since`` is the start of the utilization window read: stored samples
    of this region at or after it are replaced, older ones are kept.
    """

    region: str
    resources: list[Resource]
    metrics: list[MetricSample] = field(default_factory=list)
    metrics_since: datetime | None = None
    api_calls: int = 0
