"""Azure Monitor ``metrics.list``: hourly CPU, memory and network of VMs, one request per VM.

One request reads four platform metrics of a VM at ``PT1H``: ``Percentage CPU``
(Average, percent), ``Available Memory Percentage`` (Average, percent of the
guest's memory still available, stored as memory used: 100 minus it) and
``Network In Total`` / ``Network Out Total`` (Total, bytes), summed per hour
into the normalized ``network_bytes``. A data point without its aggregation key
had no samples in that hour and is no sample. Platform metrics need no agent in
the guest; a VM that reports no memory data is judged by CPU alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from cloudspy.models.resource import (
    CPU_PERCENT,
    MEMORY_PERCENT,
    METRIC_UNITS,
    NETWORK_BYTES,
    MetricSample,
    Resource,
)
from cloudspy.providers.inventory_source import MetricWindow

CPU_METRIC = "Percentage CPU"
MEMORY_METRIC = "Available Memory Percentage"
NETWORK_METRICS = ("Network In Total", "Network Out Total")
METRIC_NAMES = ",".join((CPU_METRIC, MEMORY_METRIC, *NETWORK_METRICS))


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _hour(text: str) -> datetime:
    when = datetime.fromisoformat(text)
    return when.astimezone(UTC).replace(tzinfo=None) if when.tzinfo else when


def samples_of(body: dict[str, Any], resource_id: str) -> list[MetricSample]:
    """One ``metrics.list`` answer (REST shape) → CPU, memory and network samples of one VM."""
    percents: list[MetricSample] = []
    network: dict[datetime, float] = defaultdict(float)
    for metric in body.get("value") or []:
        name = (metric.get("name") or {}).get("value")
        for series in metric.get("timeseries") or []:
            for point in series.get("data") or []:
                stamp = point.get("timeStamp")
                average = point.get("average")
                if name in (CPU_METRIC, MEMORY_METRIC) and average is not None and stamp:
                    kind = CPU_PERCENT if name == CPU_METRIC else MEMORY_PERCENT
                    # Azure reports memory still available; rightsizing reads memory used.
                    value = float(average) if name == CPU_METRIC else 100.0 - float(average)
                    percents.append(
                        MetricSample(resource_id, kind, _hour(stamp), value, METRIC_UNITS[kind])
                    )
                elif name in NETWORK_METRICS and point.get("total") is not None and stamp:
                    network[_hour(stamp)] += float(point["total"])
    return percents + [
        MetricSample(resource_id, NETWORK_BYTES, hour, value, METRIC_UNITS[NETWORK_BYTES])
        for hour, value in network.items()
    ]


def fetch_vm_metrics(
    reader: Any, vms: Iterable[Resource], window: MetricWindow, parallel: int = 8
) -> list[MetricSample]:
    """Hourly samples of the VMs over the window, ``parallel`` requests at a time."""
    chosen = list(vms)
    if not chosen:
        return []
    monitor = reader.client("monitor")
    timespan = f"{_stamp(window.start)}/{_stamp(window.end)}"

    def one(vm: Resource) -> list[MetricSample]:
        # The original-case ARM id: the request path is built from it.
        arm_id = (vm.raw or {}).get("id") or vm.resource_id
        body = reader.one(
            lambda: monitor.metrics.list(
                arm_id,
                timespan=timespan,
                interval="PT1H",
                metricnames=METRIC_NAMES,
                aggregation="Average,Total",
            ),
            f"read the metrics of VM {vm.name}",
        )
        return samples_of(body, vm.resource_id) if body is not None else []

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        return [sample for samples in pool.map(one, chosen) for sample in samples]
