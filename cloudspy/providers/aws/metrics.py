"""CloudWatch ``GetMetricData``: hourly CPU, network and memory of EC2 instances, batched.

One request carries up to 500 metric queries (AWS's limit); per instance four:
``CPUUtilization`` Average (percent), ``NetworkIn`` / ``NetworkOut`` Sum (bytes),
summed per hour into the normalized ``network_bytes``, and the CloudWatch agent's
``CWAgent`` ``mem_used_percent`` Average, which only instances running the agent
report (memory is invisible to the hypervisor).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from cloudspy.models.resource import (
    CPU_PERCENT,
    MEMORY_PERCENT,
    METRIC_UNITS,
    NETWORK_BYTES,
    MetricSample,
)
from cloudspy.providers.inventory_source import MetricWindow

MAX_QUERIES = 500
PERIOD = 3600
_PER_VM = (
    ("c", "AWS/EC2", "CPUUtilization", "Average"),
    ("i", "AWS/EC2", "NetworkIn", "Sum"),
    ("o", "AWS/EC2", "NetworkOut", "Sum"),
    # Memory is seen only by the CloudWatch agent in the instance, published under
    # CWAgent and aggregated by InstanceId (the agent wizard's default); without an
    # agent the query returns nothing. Each query is one more metric CloudWatch bills.
    ("m", "CWAgent", "mem_used_percent", "Average"),
)


def metric_queries(instance_ids: list[str]) -> list[dict[str, Any]]:
    """The GetMetricData queries for the instances (ids ``c0``, ``i0``, ``o0``, ``m0`` …)."""
    out = []
    for index, instance in enumerate(instance_ids):
        for prefix, namespace, name, stat in _PER_VM:
            out.append(
                {
                    "Id": f"{prefix}{index}",
                    "MetricStat": {
                        "Metric": {
                            "Namespace": namespace,
                            "MetricName": name,
                            "Dimensions": [{"Name": "InstanceId", "Value": instance}],
                        },
                        "Period": PERIOD,
                        "Stat": stat,
                    },
                    "ReturnData": True,
                }
            )
    return out


def _naive(ts: datetime) -> datetime:
    from datetime import UTC

    return ts.astimezone(UTC).replace(tzinfo=None) if ts.tzinfo else ts


def samples_of(results: list[dict[str, Any]], instance_ids: list[str]) -> list[MetricSample]:
    """MetricDataResults (all pages) → normalized samples; network in and out are summed."""
    percents: list[MetricSample] = []  # CPU and memory: one sample an hour
    kinds = {"c": CPU_PERCENT, "m": MEMORY_PERCENT}
    network: dict[tuple[str, datetime], float] = defaultdict(float)
    for result in results:
        prefix, index = result["Id"][0], int(result["Id"][1:])
        instance = instance_ids[index]
        for ts, value in zip(
            result.get("Timestamps") or [], result.get("Values") or [], strict=False
        ):
            when = _naive(ts)
            if prefix in kinds:
                metric = kinds[prefix]
                sample = MetricSample(instance, metric, when, float(value), METRIC_UNITS[metric])
                percents.append(sample)
            else:
                network[(instance, when)] += float(value)
    net = [
        MetricSample(instance, NETWORK_BYTES, when, value, METRIC_UNITS[NETWORK_BYTES])
        for (instance, when), value in network.items()
    ]
    return percents + net


def fetch_vm_metrics(
    reader: Any, instance_ids: list[str], window: MetricWindow
) -> list[MetricSample]:
    """Hourly samples of the instances over the window, ≤ 500 queries per request."""
    if not instance_ids:
        return []
    ids = list(dict.fromkeys(instance_ids))
    per_call = MAX_QUERIES // len(_PER_VM)
    samples: list[MetricSample] = []
    for first in range(0, len(ids), per_call):
        batch = ids[first : first + per_call]
        results: list[dict[str, Any]] = []
        for page in reader.pages(
            "cloudwatch",
            "get_metric_data",
            "NextToken",
            MetricDataQueries=metric_queries(batch),
            StartTime=window.start,
            EndTime=window.end,
            ScanBy="TimestampAscending",
        ):
            results.extend(page.get("MetricDataResults") or [])
        samples.extend(samples_of(results, batch))
    return samples
