"""Cloud Monitoring ``timeSeries.list``: hourly CPU, network and memory of a project's VMs.

Three listings per project cover every instance: CPU utilization aligned to the
hourly mean, bytes received plus sent aligned to the hourly sum, and the Ops
Agent's memory in use (``agent.googleapis.com/memory/percent_used``, state
``used``) aligned to the hourly mean, which only VMs running the agent report. GCP
reports CPU as a 0–1 fraction; it is stored as percent (×100) like AWS and
Azure. A listing with no data has no ``timeSeries`` key at all.

google-cloud-monitoring ships only a gRPC transport, so the v3 REST endpoint is
called through google-auth's ``AuthorizedSession`` with the same credentials,
retries and error mapping as the other Google clients (and one endpoint
override works for Private Service Connect).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
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

DEFAULT_ENDPOINT = "https://monitoring.googleapis.com"
CPU_METRIC = "compute.googleapis.com/instance/cpu/utilization"
NETWORK_METRICS = (
    "compute.googleapis.com/instance/network/received_bytes_count",
    "compute.googleapis.com/instance/network/sent_bytes_count",
)
# Memory in use, 0–100, as the Ops Agent in the VM reports it (state "used"); the
# hypervisor cannot see it, so VMs without the agent have no series.
MEMORY_METRIC = "agent.googleapis.com/memory/percent_used"
PAGE_SIZE = 10000
_FRACTION = re.compile(r"(\.\d{6})\d+")


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def list_filter(metric_types: Iterable[str], extra: str = "") -> str:
    """The Monitoring filter for these metric types on Compute Engine instances."""
    types = list(metric_types)
    if len(types) == 1:
        wanted = f'metric.type = "{types[0]}"'
    else:
        wanted = "metric.type = one_of(" + ", ".join(f'"{t}"' for t in types) + ")"
    return f'{wanted} AND resource.type = "gce_instance"{extra}'


def hour_of(end_time: str) -> datetime:
    """The UTC hour a point describes: the hour its interval ends in (end exclusive)."""
    end = datetime.fromisoformat(_FRACTION.sub(r"\1", end_time))
    end = end.astimezone(UTC).replace(tzinfo=None) if end.tzinfo else end
    return (end - timedelta(microseconds=1)).replace(minute=0, second=0, microsecond=0)


def _value(point: dict[str, Any]) -> float | None:
    value = point.get("value") or {}
    for key in ("doubleValue", "int64Value"):
        if value.get(key) is not None:
            return float(value[key])  # int64 arrives as a JSON string
    return None


def _vm_of(series: dict[str, Any], by_id: dict[str, str], by_name: dict[tuple, str]) -> str | None:
    labels = (series.get("resource") or {}).get("labels") or {}
    instance_id = labels.get("instance_id")
    if instance_id and instance_id in by_id:
        return by_id[instance_id]
    name = ((series.get("metric") or {}).get("labels") or {}).get("instance_name")
    return by_name.get((labels.get("zone"), name))


def samples_of(
    pages: Iterable[dict[str, Any]], vms: list[Resource], metric: str
) -> list[MetricSample]:
    """timeSeries pages → samples of the known VMs (series of unknown VMs are dropped).

    ``metric`` is CPU (fraction → percent), memory (already percent) or network
    (received + sent summed per hour).
    """
    by_id = {str((vm.raw or {}).get("id")): vm.resource_id for vm in vms}
    by_name = {(vm.zone, vm.name): vm.resource_id for vm in vms}
    totals: dict[tuple[str, datetime], float] = defaultdict(float)
    percents: list[MetricSample] = []  # CPU and memory: one sample an hour
    for page in pages:
        for series in page.get("timeSeries") or []:
            vm = _vm_of(series, by_id, by_name)
            if vm is None:
                continue
            for point in series.get("points") or []:
                value = _value(point)
                end = (point.get("interval") or {}).get("endTime")
                if value is None or not end:
                    continue
                hour = hour_of(end)
                if metric == NETWORK_BYTES:
                    totals[(vm, hour)] += value
                else:
                    percent = value * 100 if metric == CPU_PERCENT else value
                    percents.append(MetricSample(vm, metric, hour, percent, METRIC_UNITS[metric]))
    if metric != NETWORK_BYTES:
        return percents
    return [
        MetricSample(vm, NETWORK_BYTES, hour, value, METRIC_UNITS[NETWORK_BYTES])
        for (vm, hour), value in totals.items()
    ]


def list_pages(
    reader: Any, session: Any, base: str, params: dict[str, str]
) -> list[dict[str, Any]]:
    """Every page of one ``timeSeries.list`` (``nextPageToken`` followed here)."""
    from google.api_core import exceptions as gexc

    from cloudspy.providers.base import http_timeout

    url = f"{base}/v3/projects/{reader.project}/timeSeries"
    request = dict(params)
    pages: list[dict[str, Any]] = []

    def get() -> dict[str, Any]:
        response = session.get(url, params=request, timeout=http_timeout())
        if response.status_code >= 400:
            raise gexc.from_http_response(response)
        body = response.json()
        if not isinstance(body, dict):
            raise ValueError("the timeSeries answer is not a JSON object")
        return body

    while True:
        page = reader.call(get, what=f"read the utilization of project {reader.project}")
        pages.append(page)
        token = page.get("nextPageToken")
        if not token:
            return pages
        request["pageToken"] = token


def fetch_vm_metrics(reader: Any, vms: list[Resource], window: MetricWindow) -> list[MetricSample]:
    """Hourly CPU percent and network bytes of the project's VMs over the window."""
    from google.auth.transport.requests import AuthorizedSession

    from cloudspy.providers.gcp.session import endpoint

    base = endpoint("monitoring", reader.settings) or DEFAULT_ENDPOINT
    session = AuthorizedSession(reader.credentials)
    common = {
        "interval.startTime": _stamp(window.start),
        "interval.endTime": _stamp(window.end),
        "aggregation.alignmentPeriod": "3600s",
        "aggregation.crossSeriesReducer": "REDUCE_NONE",
        "view": "FULL",
        "pageSize": str(PAGE_SIZE),
    }
    cpu = list_pages(
        reader,
        session,
        base,
        {
            **common,
            "filter": list_filter([CPU_METRIC]),
            "aggregation.perSeriesAligner": "ALIGN_MEAN",
        },
    )
    network = list_pages(
        reader,
        session,
        base,
        {
            **common,
            "filter": list_filter(NETWORK_METRICS),
            "aggregation.perSeriesAligner": "ALIGN_SUM",
        },
    )
    memory = list_pages(
        reader,
        session,
        base,
        {
            **common,
            "filter": list_filter([MEMORY_METRIC], ' AND metric.labels.state = "used"'),
            "aggregation.perSeriesAligner": "ALIGN_MEAN",
        },
    )
    return (
        samples_of(cpu, vms, CPU_PERCENT)
        + samples_of(network, vms, NETWORK_BYTES)
        + samples_of(memory, vms, MEMORY_PERCENT)
    )
