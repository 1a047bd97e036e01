"""GCP inventory through the real google-cloud-compute client against replayed recordings (#4)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from cloudspy.models import resource as m
from cloudspy.providers.gcp.inventory import GcpInventorySource, region_of
from cloudspy.providers.inventory_source import AccessDenied, MetricWindow
from tests.providers.gcp.inventory.conftest import (
    ADDRESSES_FORWARDING,
    ADDRESSES_OLD,
    CPU_SERIES,
    DISKS,
    DISKS_UNATTACHED,
    INSTANCE_METRICS,
    PROJECT,
    flight,
    merge_pages,
)

WINDOW = MetricWindow(datetime(2021, 3, 18, 18), datetime(2021, 4, 1, 19))


def collect(anonymous, project: str = PROJECT, progress=None):
    source = GcpInventorySource(project, credentials=anonymous, sleep=lambda _: None)
    return source.collect(project, WINDOW, progress or (lambda _: None))


def by_name(parts):
    """Resources by name; disks named like their VM come second as ``disk:<name>``."""
    out = {}
    for r in sorted((r for part in parts for r in part.resources), key=lambda r: r.kind != m.VM):
        out[r.name if r.name not in out else f"{r.kind}:{r.name}"] = r
    return out


def test_instances_disks_addresses_are_normalized(gcp, endpoints, anonymous):
    parts = collect(anonymous)
    rows = by_name(parts)
    jenkins = rows["c7n-jenkins"]
    assert jenkins.kind == m.VM
    assert (
        jenkins.resource_id == "projects/cloud-custodian/zones/us-central1-b/instances/c7n-jenkins"
    )
    assert (jenkins.region, jenkins.zone, jenkins.type) == (
        "us-central1",
        "us-central1-b",
        "n1-standard-1",
    )
    assert (jenkins.state, jenkins.power_state) == ("RUNNING", m.RUNNING)
    dev = rows["custodian-dev"]
    assert (dev.state, dev.power_state) == ("TERMINATED", m.STOPPED)  # GCP's word for stopped
    assert dev.created_at.isoformat() == "2017-05-01T12:34:32.859000-07:00"
    free = rows["drone-upgrade"]
    assert (free.kind, free.attached, free.attached_to) == (m.DISK, False, None)
    assert (free.size_gb, free.type, free.region) == (32.0, "pd-standard", "us-east1")
    extra = rows["drone-11-1"]
    assert extra.attached is True
    assert extra.attached_to == "projects/cloud-custodian/zones/us-central1-b/instances/drone"


def test_warning_only_scopes_are_empty_regions_and_internal_ranges_are_left_out(
    gcp, endpoints, anonymous
):
    parts = collect(anonymous)
    regions = {part.region: part for part in parts}
    # The address recording has 42 warning-only scopes: read, empty, replaced.
    assert {"asia-east1", "europe-west1", "global", "us-central1"} <= set(regions)
    assert regions["asia-east1"].resources == []
    names = {r.name for r in regions["global"].resources}
    assert "redis-ip-range" not in names  # INTERNAL / VPC_PEERING range: not a billed IP
    ips = [r for part in parts for r in part.resources if r.kind == m.IP]
    assert {(r.name, r.attached, r.state) for r in ips} == {
        ("c7n-address-default-59ea", False, "RESERVED"),
        ("c7n-lb-ext-bad-calebsyring-35ba", False, "RESERVED"),
    }


def test_an_out_of_range_id_is_a_malformed_response(gcp, endpoints, anonymous):
    from cloudspy.errors import ProviderError

    # The recording's scrubbed id 59867597489706565002 does not fit the API's uint64.
    gcp.lists[(PROJECT, "addresses")] = [flight(ADDRESSES_FORWARDING)]
    with pytest.raises(ProviderError, match=r"malformed response .* list the addresses"):
        collect(anonymous)


def test_address_with_users_is_in_use_whatever_its_status(gcp, endpoints, anonymous):
    body = flight(ADDRESSES_FORWARDING)
    for address in body["items"]["global"]["addresses"]:
        address["id"] = "5986759748970656500"  # into uint64 range (see the test above)
    # Two pages: the old recording (no addressType) follows by page token.
    gcp.lists[(PROJECT, "addresses")] = [body, flight(ADDRESSES_OLD)]
    rows = by_name(collect(anonymous))
    forwarding = rows["a5a3fzbrafckaoaf03ac394"]
    assert forwarding.state == "RESERVED" and forwarding.attached is True
    assert forwarding.attached_to.endswith("/forwardingRules/a5a3fzbrafckaoaf03ac394")
    assert rows["new1"].attached is False  # old recording: no addressType = EXTERNAL
    assert "google-managed-services-default" not in rows


def test_paging_follows_next_page_token(gcp, endpoints, anonymous):
    gcp.lists[(PROJECT, "disks")] = [flight(DISKS), flight(DISKS_UNATTACHED)]
    rows = by_name(collect(anonymous))
    assert {"drone-upgrade", "disk-1", "instance-1"} <= set(rows)
    disk_calls = [args for _, path, args in gcp.requests if path.endswith("/aggregated/disks")]
    assert [a.get("pageToken") for a in disk_calls] == [None, "page-1"]
    assert all(a["maxResults"] == "500" for a in disk_calls)


def test_cpu_fraction_is_stored_as_percent(gcp, endpoints, anonymous):
    gcp.lists[(PROJECT, "instances")] = [flight(INSTANCE_METRICS)]
    gcp.series["cpu"] = [flight(CPU_SERIES)]
    parts = collect(anonymous)
    samples = [s for part in parts for s in part.metrics]
    assert len(samples) == 1
    sample = samples[0]
    assert (
        sample.resource_id == "projects/cloud-custodian/zones/us-east4-c/instances/iap-test-webapp"
    )
    assert (sample.metric, sample.unit) == (m.CPU_PERCENT, "Percent")
    assert sample.value == pytest.approx(0.34935695658400334)  # 0.0034935… × 100
    assert sample.ts == datetime(2021, 4, 1, 18)
    assert [p.region for p in parts if p.metrics] == ["us-east4"]
    cpu_call = next(args for _, path, args in gcp.requests if "timeSeries" in path)
    assert cpu_call["aggregation.alignmentPeriod"] == "3600s"
    assert cpu_call["aggregation.perSeriesAligner"] == "ALIGN_MEAN"
    assert cpu_call["interval.startTime"] == "2021-03-18T18:00:00Z"


def test_network_bytes_sum_received_and_sent_and_no_timeseries_key_is_no_data(
    gcp, endpoints, anonymous
):
    gcp.lists[(PROJECT, "instances")] = [flight(INSTANCE_METRICS)]
    series = flight(CPU_SERIES)["timeSeries"][0]
    received = {
        **series,
        "metric": {
            **series["metric"],
            "type": "compute.googleapis.com/instance/network/received_bytes_count",
        },
        "metricKind": "DELTA",
        "valueType": "INT64",
        "points": [
            {
                "interval": {
                    "startTime": "2021-04-01T17:00:00Z",
                    "endTime": "2021-04-01T18:00:00Z",
                },
                "value": {"int64Value": "1000"},
            }
        ],
    }
    sent = {
        **received,
        "metric": {
            **received["metric"],
            "type": "compute.googleapis.com/instance/network/sent_bytes_count",
        },
        "points": [{**received["points"][0], "value": {"int64Value": "24"}}],
    }
    # Page 1 has the received series, page 2 the sent one: both are summed per hour.
    gcp.series["network"] = [
        {"timeSeries": [received], "unit": "By"},
        {"timeSeries": [sent], "unit": "By"},
    ]
    samples = [s for part in collect(anonymous) for s in part.metrics]
    assert [(s.metric, s.ts, s.value) for s in samples] == [
        (m.NETWORK_BYTES, datetime(2021, 4, 1, 17), 1024.0)
    ]  # and the CPU listing answered without `timeSeries`: no CPU samples


def test_a_denied_project_raises_access_denied(gcp, endpoints, anonymous):
    gcp.denied.add("locked-project")
    with pytest.raises(AccessDenied, match=r"compute\.instances\.list"):
        collect(anonymous, "locked-project")


def test_denied_monitoring_keeps_the_inventory(gcp, endpoints, anonymous):
    gcp.monitoring_denied = True
    said: list[str] = []
    parts = collect(anonymous, progress=said.append)
    assert sum(len(p.resources) for p in parts) > 0
    assert all(p.metrics_since is None and p.metrics == [] for p in parts)
    assert any("utilization not readable" in line for line in said)


def test_unreachable_scope_keeps_its_region_out(gcp, endpoints, anonymous):
    body = flight(DISKS)
    body["items"]["zones/us-east1-c"] = {
        "warning": {"code": "UNREACHABLE", "message": "zone us-east1-c is unreachable"}
    }
    gcp.lists[(PROJECT, "disks")] = [body]
    said: list[str] = []
    parts = collect(anonymous, progress=said.append)
    assert "us-east1" not in {p.region for p in parts}
    assert any("us-east1: not readable" in line for line in said)


def test_server_errors_are_retried_then_reported(gcp, endpoints, anonymous, httpserver):
    from cloudspy.errors import ProviderError

    gcp.lists[(PROJECT, "instances")] = [flight(INSTANCE_METRICS)]
    calls = []

    def broken(request):
        calls.append(request.path)
        from werkzeug import Response

        return Response("upstream down", status=503)

    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(broken)
    with pytest.raises(ProviderError, match="HTTP 503"):
        collect(anonymous)
    assert len(calls) == 6  # CloudSpy's retries, none by the client itself


def test_region_of_scopes():
    assert region_of("zones/us-east1-b") == "us-east1"
    assert region_of("regions/europe-west4") == "europe-west4"
    assert region_of("global") == "global"


def test_merge_pages_helper_keeps_every_item():
    merged = merge_pages(flight(DISKS), flight(DISKS_UNATTACHED))
    names = [d["name"] for scoped in merged["items"].values() for d in scoped.get("disks", [])]
    assert len(names) == 8


def test_memory_comes_from_the_ops_agent_where_it_runs(gcp, endpoints, anonymous):
    """The Ops Agent's memory/percent_used (state "used", already 0–100) is read with
    its own listing; the hypervisor cannot see memory, so other VMs have none."""
    gcp.lists[(PROJECT, "instances")] = [flight(INSTANCE_METRICS)]
    series = flight(CPU_SERIES)["timeSeries"][0]
    # Agent series name the VM by its numeric id (no instance_name metric label).
    page = flight(INSTANCE_METRICS)["items"]
    vm_id = next(i["id"] for scope in page.values() for i in scope.get("instances") or [])
    used = {
        **series,
        "resource": {"type": "gce_instance",
                     "labels": {**series["resource"]["labels"], "instance_id": vm_id}},
        "metric": {"type": "agent.googleapis.com/memory/percent_used",
                   "labels": {"state": "used"}},
        "points": [{"interval": {"startTime": "2021-04-01T17:00:00Z",
                                 "endTime": "2021-04-01T18:00:00Z"},
                    "value": {"doubleValue": 61.5}}],
    }  # fmt: skip
    gcp.series["memory"] = [{"timeSeries": [used]}]
    samples = [s for part in collect(anonymous) for s in part.metrics]
    memory = [(s.metric, s.ts, s.value, s.unit) for s in samples if s.metric == m.MEMORY_PERCENT]
    assert memory == [(m.MEMORY_PERCENT, datetime(2021, 4, 1, 17), 61.5, "Percent")]
    asked = [args["filter"] for _, path, args in gcp.requests if "timeSeries" in path]
    assert any('memory/percent_used" AND resource.type = "gce_instance" AND '
               'metric.labels.state = "used"' in f for f in asked)  # fmt: skip
