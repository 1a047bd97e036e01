"""Azure inventory through the real azure-mgmt clients against replayed recordings (#4)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from cloudspy.models import resource as m
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.providers.azure.inventory import AzureInventorySource
from cloudspy.providers.inventory_source import AccessDenied, MetricWindow
from cloudspy.waste_rules.base import WasteContext
from cloudspy.waste_rules.engine import attachments_of, evaluate_rules
from cloudspy.waste_rules.registry import select_rules
from tests.providers.azure.inventory.conftest import (
    SUBSCRIPTION,
    cassette,
    load,
    recorded_view,
    spec,
    with_power,
)

WINDOW = MetricWindow(datetime(2019, 5, 1), datetime(2019, 5, 3))
VM_ID = (
    f"/subscriptions/{SUBSCRIPTION}/resourcegroups/test_vm/providers/microsoft.compute/"
    "virtualmachines/cctestvm"
)


def collect(connector, sub: str = SUBSCRIPTION, progress=None):
    source = AzureInventorySource(sub, connector, sleep=lambda _: None)
    return source.collect(sub, WINDOW, progress or (lambda _: None))


def resources(parts):
    return [r for part in parts for r in part.resources]


def named(parts, kind, name):
    return next(r for r in resources(parts) if r.kind == kind and r.name == name)


def findings(rows):
    ctx = WasteContext(
        now=datetime(2026, 1, 1), settings=WasteSettings(), attachments=attachments_of(rows)
    )
    rules = select_rules(["unattached-disk", "unassociated-ip", "stopped-vm"])
    return [(rule.meta.id, f) for rule, f in evaluate_rules(rules, rows, ctx)]


def test_vm_power_state_comes_from_the_instance_view(arm, connector):
    parts = collect(connector)
    vm = named(parts, m.VM, "cctestvm")
    assert vm.resource_id == VM_ID
    assert (vm.state, vm.power_state) == ("running", m.RUNNING)
    assert (vm.region, vm.type) == ("southcentralus", "Standard_A1_v2")
    assert vm.tags["testtag"] == "testvalue"
    views = arm.paths("view")
    assert [p for p, _ in views] == [
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/TEST_VM/providers/Microsoft.Compute/"
        "virtualMachines/cctestvm/instanceView"
    ]


@pytest.mark.parametrize(
    ("word", "power"),
    [("deallocated", m.DEALLOCATED), ("stopped", m.STOPPED_BILLED), ("starting", m.TRANSITIONING)],
)
def test_other_power_states(arm, connector, word, power):
    arm.views["cctestvm"] = with_power(recorded_view(), word)
    assert named(collect(connector), m.VM, "cctestvm").power_state == power


def test_spec_instance_view_example_is_running(arm, connector):
    arm.views["cctestvm"] = spec("compute_2024-11-01_VirtualMachine_Get_InstanceView.json")
    assert named(collect(connector), m.VM, "cctestvm").power_state == m.RUNNING


def test_disk_states_and_waste(arm, connector):
    arm.lists[(SUBSCRIPTION, "disks")] = [
        cassette("DiskTest.test_find_by_name.json"),
        cassette("ModifyDiskTypeTests.skip-unsupported-disk-state.json"),
    ]
    parts = collect(connector)
    disks = {r.name: r for r in resources(parts) if r.kind == m.DISK}
    unattached = {n for n, d in disks.items() if d.attached is False}
    assert unattached == {
        "cctestvm_disk2_a9097edcfa664ff48c8e88e87d72003e",
        "cctestvm_OsDisk_1_81338ced63fa4855b8a5f3e2bab5213c",
        "disk1",
    }
    reserved = disks["kkkk"]
    assert (reserved.state, reserved.attached, reserved.type, reserved.size_gb) == (
        "Reserved",
        True,
        "Premium_LRS",
        4.0,
    )
    attached = disks["cctestvm_disk2_977a393608a8458f960a28f8000151d7"]
    assert attached.attached_to == VM_ID  # managedBy's casing differs from the VM's id
    found = {f.resource.name for rule, f in findings(resources(parts)) if rule == "unattached-disk"}
    assert found == unattached


def test_public_ips_only_the_unassociated_one_is_waste(arm, connector):
    parts = collect(connector)
    ips = {r.name: r for r in resources(parts) if r.kind == m.IP}
    assert len(ips) == 5
    assert ips["myPublicIP"].attached_to == VM_ID  # its NIC belongs to the VM
    assert ips["cctestloadbalancer_public_ip"].attached_to.endswith(
        "/loadbalancers/cctestloadbalancer"
    )
    assert ips["myPublicIP-unassociated"].attached is False
    found = {f.resource.name for rule, f in findings(resources(parts)) if rule == "unassociated-ip"}
    assert found == {"myPublicIP-unassociated"}


def test_spec_public_ip_example_is_associated(arm, connector):
    arm.lists[(SUBSCRIPTION, "ips")] = [spec("network_2024-07-01_PublicIpAddressListAll.json")]
    ips = [r for r in resources(collect(connector)) if r.kind == m.IP]
    assert {(r.name, r.attached, r.type) for r in ips} == {
        ("testDNS-ip", True, "Basic"),
        ("ip01", True, "Basic"),
        ("ip02", True, "Basic"),
    }


def test_deallocated_vm_with_billed_disks_and_ip_is_found(arm, connector):
    arm.views["cctestvm"] = with_power(recorded_view(), "deallocated")
    rows = resources(collect(connector))
    stopped = [f for rule, f in findings(rows) if rule == "stopped-vm"]
    assert len(stopped) == 1
    assert sorted(r.name for r in stopped[0].priced) == [
        "cctestvm_OsDisk_1_a9f308a2eb4a47d288b5ea13757ebfe2",
        "cctestvm_disk2_977a393608a8458f960a28f8000151d7",
        "myPublicIP",
    ]


def test_stopped_not_deallocated_vm_bills_its_compute_too(arm, connector):
    arm.views["cctestvm"] = with_power(recorded_view(), "stopped")
    stopped = [f for rule, f in findings(resources(collect(connector))) if rule == "stopped-vm"]
    assert "cctestvm" in {r.name for r in stopped[0].priced}


def test_paging_follows_next_link(arm, connector):
    example = spec("compute-DiskRP_2024-03-02_Disk_ListBySubscription.json")
    assert example["nextLink"].startswith("http://disksvchost:99/")  # replaced by the server's
    arm.lists[(SUBSCRIPTION, "disks")] = [cassette("DiskTest.test_find_by_name.json"), example]
    disks = [r for r in resources(collect(connector)) if r.kind == m.DISK]
    assert len(disks) == 4 + 3
    assert [a.get("page") for _, a in arm.paths("disks")] == [None, "1"]
    # The spec example has neither diskState nor managedBy: unattached.
    spec_disk = next(d for d in disks if d.name == "myManagedDisk1")
    assert (spec_disk.attached, spec_disk.size_gb) == (False, 200.0)


def test_empty_regions_are_replaced_too(arm, connector):
    regions = {p.region: p for p in collect(connector)}
    assert set(regions) == {"eastus", "southcentralus", "westus"}
    assert regions["westus"].resources == []


def test_cpu_memory_and_network_metrics(arm, connector):
    body = cassette("ArmResourceTest.test_metric_filter_find_average.json", 1)
    cpu = body["value"][0]
    cpu["timeseries"][0]["data"].append({"timeStamp": "2019-05-02T00:00:00Z"})  # no average
    # Available memory, as the platform metric reports it: stored as memory used.
    memory_points = [
        {"timeStamp": "2019-05-01T22:00:00Z", "average": 62.5},
        {"timeStamp": "2019-05-01T23:00:00Z"},  # no samples that hour
    ]
    body["value"].append(
        {
            **cpu,
            "name": {"value": "Available Memory Percentage", "localizedValue": "x"},
            "timeseries": [{"metadatavalues": [], "data": memory_points}],
        }
    )
    body["value"] += [
        {
            **cpu,
            "name": {"value": name, "localizedValue": name},
            "unit": "Bytes",
            "timeseries": [
                {
                    "metadatavalues": [],
                    "data": [{"timeStamp": "2019-05-01T23:00:00Z", "total": total}],
                }
            ],
        }
        for name, total in (("Network In Total", 1000.0), ("Network Out Total", 24.0))
    ]
    arm.metrics = body
    parts = collect(connector)
    samples = sorted((s.metric, s.ts, s.value, s.unit) for p in parts for s in p.metrics)
    assert samples == [
        (m.CPU_PERCENT, datetime(2019, 5, 1, 23, 59), pytest.approx(3.1704730617608408), "Percent"),
        (m.MEMORY_PERCENT, datetime(2019, 5, 1, 22), 37.5, "Percent"),
        (m.NETWORK_BYTES, datetime(2019, 5, 1, 23), 1024.0, "Bytes"),
    ]
    [(_path, query)] = arm.paths("metrics")
    assert query["interval"] == "PT1H"
    assert query["metricnames"] == (
        "Percentage CPU,Available Memory Percentage,Network In Total,Network Out Total"
    )
    assert query["aggregation"] == "Average,Total"
    assert query["timespan"] == "2019-05-01T00:00:00Z/2019-05-03T00:00:00Z"


def test_deallocated_vms_are_not_asked_for_metrics(arm, connector):
    arm.views["cctestvm"] = with_power(recorded_view(), "deallocated")
    collect(connector)
    assert arm.paths("metrics") == []


def test_denied_subscription_raises_access_denied(arm, connector):
    arm.denied.add("11111111-1111-1111-1111-111111111111")
    with pytest.raises(AccessDenied, match="AuthorizationFailed"):
        collect(connector, "11111111-1111-1111-1111-111111111111")


def test_denied_metrics_keep_the_inventory(arm, connector):
    arm.denied_routes.add("metrics")
    said: list[str] = []
    parts = collect(connector, progress=said.append)
    assert resources(parts)
    assert all(p.metrics_since is None for p in parts)
    assert any("utilization not readable" in line for line in said)


def test_throttling_is_retried(arm, connector, httpserver):
    from werkzeug import Response

    answered = []
    original = arm.handle

    def flaky(request):
        if request.path.endswith("/publicIPAddresses") and not answered:
            answered.append(1)
            return Response("{}", status=429, headers={"Retry-After": "1"})
        return original(request)

    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(flaky)
    assert any(r.kind == m.IP for r in resources(collect(connector)))
    assert answered == [1]


def test_a_vm_deleted_after_the_listing_is_skipped(arm, connector):
    arm.gone.add("cctestvm")
    rows = resources(collect(connector))
    assert not [r for r in rows if r.kind == m.VM]
    assert [r for r in rows if r.kind == m.DISK]


def test_failing_metrics_keep_the_inventory(arm, connector, httpserver):
    from werkzeug import Response

    original = arm.handle

    def broken_metrics(request):
        if "insights/metrics" in request.path.lower():
            return Response('{"error": {"code": "InternalServerError"}}', status=500)
        return original(request)

    httpserver.clear()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(broken_metrics)
    said: list[str] = []
    parts = collect(connector, progress=said.append)
    assert named(parts, m.VM, "cctestvm").power_state == m.RUNNING
    assert all(p.metrics == [] and p.metrics_since is None for p in parts)
    assert any("InternalServerError" in line for line in said)


def _windows(listing):
    """The recorded VM listing with cctestvm on a SQL Server marketplace image."""
    for vm in listing["value"]:
        vm["properties"]["storageProfile"]["osDisk"]["osType"] = "Windows"
        vm["properties"]["storageProfile"]["imageReference"] = {
            "publisher": "MicrosoftSQLServer", "offer": "sql2019-ws2019", "sku": "standard",
        }  # fmt: skip
    return listing


def test_sql_server_licences_come_from_the_sql_vm_resources(arm, connector):
    """A VM's SQL Server licence is on its SQL virtual machine resource: PAYG Standard
    bills the Standard licence; without a readable listing the VM says so."""
    arm.lists[(SUBSCRIPTION, "vms")] = [_windows(cassette("VMTest.virtual_machine_instance.json"))]
    arm.lists[(SUBSCRIPTION, "sqlvms")] = [load("sql-virtual-machines-list.json")]
    vm = named(collect(connector), m.VM, "cctestvm")
    assert vm.platform == "Windows+SQL Standard"
    # Only what pricing reads is kept of the SQL VM resource.
    assert vm.raw["sqlVirtualMachine"] == {
        "sqlServerLicenseType": "PAYG", "sqlImageSku": "Standard",
        "sqlImageOffer": "SQL2019-WS2019", "sqlManagement": "Full",
    }  # fmt: skip
    [(_path, query)] = arm.paths("sqlvms")
    assert query["api-version"] == "2022-02-01"


def test_without_a_sql_vm_resource_the_image_edition_bills(arm, connector):
    arm.lists[(SUBSCRIPTION, "vms")] = [_windows(cassette("VMTest.virtual_machine_instance.json"))]
    assert named(collect(connector), m.VM, "cctestvm").platform == "Windows+SQL Standard"


def test_sql_vms_denied_leave_sql_images_unpriced_and_the_rest_collected(arm, connector):
    arm.lists[(SUBSCRIPTION, "vms")] = [_windows(cassette("VMTest.virtual_machine_instance.json"))]
    arm.denied_routes.add("sqlvms")
    said: list[str] = []
    parts = collect(connector, progress=said.append)
    assert named(parts, m.VM, "cctestvm").platform == "Windows+SQL Server"
    assert any(r.kind == m.DISK for r in resources(parts))
    assert any("SQL Server licences not read" in line for line in said)


def rhel_on_nc4as_t4(arm):
    """cctestvm as a pay-as-you-go RHEL VM of a size whose name hides its vCPUs."""
    listing = cassette("VMTest.virtual_machine_instance.json")
    props = listing["value"][0]["properties"]
    props["hardwareProfile"]["vmSize"] = "Standard_NC4as_T4_v3"
    props["storageProfile"]["imageReference"] = {"publisher": "RedHat", "offer": "RHEL"}
    arm.lists[(SUBSCRIPTION, "vms")] = [listing]


def test_vm_sizes_are_read_per_region_for_the_vcpus_names_do_not_give(arm, connector):
    rhel_on_nc4as_t4(arm)
    vm = named(collect(connector), m.VM, "cctestvm")
    assert vm.raw["sizeCapabilities"] == {"vCPUs": "4", "MemoryGB": "28", "vCPUsAvailable": "4"}
    [(_path, query)] = arm.paths("skus")
    assert query["$filter"] == "location eq 'southcentralus'"


def test_vm_sizes_are_not_read_when_no_licence_needs_them(arm, connector):
    """The listing is large: a Linux VM on the same size, or a licensed one whose size
    name gives its vCPUs, does not ask for it."""
    listing = cassette("VMTest.virtual_machine_instance.json")
    listing["value"][0]["properties"]["hardwareProfile"]["vmSize"] = "Standard_NC4as_T4_v3"
    arm.lists[(SUBSCRIPTION, "vms")] = [listing]
    collect(connector)
    assert arm.paths("skus") == []
    rhel_on_nc4as_t4(arm)
    listing = arm.lists[(SUBSCRIPTION, "vms")][0]
    listing["value"][0]["properties"]["hardwareProfile"]["vmSize"] = "Standard_DS13_v2"
    collect(connector)  # a DS13_v2 has its published 8 vCPUs
    assert arm.paths("skus") == []


def test_vm_sizes_denied_are_said_and_the_rest_collected(arm, connector):
    rhel_on_nc4as_t4(arm)
    arm.denied_routes.add("skus")
    said: list[str] = []
    vm = named(collect(connector, progress=said.append), m.VM, "cctestvm")
    assert "sizeCapabilities" not in vm.raw
    assert any("VM sizes not read" in line for line in said)
