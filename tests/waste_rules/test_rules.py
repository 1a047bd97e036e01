"""Each waste rule on normalized model fixtures (no store, no cloud mock)."""

from __future__ import annotations

from datetime import timedelta

from cloudspy.models import resource as m
from cloudspy.models.resource import Resource
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.waste_rules.base import WasteContext
from cloudspy.waste_rules.rules import (
    idle_load_balancer,
    idle_vm,
    old_snapshot,
    stopped_vm,
    unassociated_ip,
    unattached_disk,
)
from tests.waste_rules.conftest import NOW, usage, vm


def test_idle_vm_trusted_advisor_needs_four_low_days_of_fourteen(ctx):
    ctx.usage["i-1"] = usage([50.0] * 11 + [5.0, 5.0, 5.0])
    assert idle_vm.evaluate(vm(), ctx) is None
    ctx.usage["i-1"] = usage([50.0] * 10 + [5.0, 5.0, 5.0, 10.0])
    finding = idle_vm.evaluate(vm(), ctx)
    assert finding is not None
    assert finding.evidence["low_days"][-1] == "2026-11-24"
    assert len(finding.evidence["low_days"]) == 4
    assert "4 of 14 days" in finding.reason
    assert finding.priced[0].resource_id == "i-1"


def test_idle_vm_network_above_5_mb_is_not_a_low_day(ctx):
    ctx.usage["i-1"] = usage([1.0] * 14, [6.0] * 14)
    assert idle_vm.evaluate(vm(), ctx) is None
    ctx.usage["i-1"] = usage([1.0] * 14, [None] * 14)  # no network data: not low
    assert idle_vm.evaluate(vm(), ctx) is None


def test_idle_vm_only_reads_the_last_window_days(ctx):
    # Idle long ago, busy in the last 14 days.
    ctx.usage["i-1"] = usage([1.0] * 16 + [60.0] * 14)
    assert idle_vm.evaluate(vm(), ctx) is None


def test_idle_vm_steampipe_reference_uses_the_30_day_average():
    settings = WasteSettings(idle_vm_reference="steampipe")
    ctx = WasteContext(now=NOW, settings=settings)
    ctx.usage["i-1"] = usage([19.0] * 30, [500.0] * 30)
    finding = idle_vm.evaluate(vm(), ctx)
    assert finding is not None and "average CPU 19.0 %" in finding.reason
    ctx.usage["i-1"] = usage([21.0] * 30)
    assert idle_vm.evaluate(vm(), ctx) is None
    ctx.usage["i-1"] = usage([1.0] * 5)  # too little history for a 30-day average
    assert idle_vm.evaluate(vm(), ctx) is None


def test_idle_vm_thresholds_are_configurable():
    settings = WasteSettings(idle_cpu_percent=2.0)
    ctx = WasteContext(now=NOW, settings=settings)
    ctx.usage["i-1"] = usage([3.0] * 14)
    assert idle_vm.evaluate(vm(), ctx) is None
    ctx.usage["i-1"] = usage([1.5] * 14)
    assert idle_vm.evaluate(vm(), ctx).evidence["cpu_threshold_percent"] == 2.0


def test_idle_vm_ignores_stopped_vms_and_vms_without_metrics(ctx):
    ctx.usage["i-1"] = usage([1.0] * 14)
    assert idle_vm.evaluate(vm(power=m.STOPPED), ctx) is None
    assert idle_vm.evaluate(vm("i-2"), ctx) is None


def _disk(rid: str, attached_to: str | None, attached: bool | None) -> Resource:
    return Resource(
        "aws", "1", "us-east-1", rid, m.DISK, attached_to=attached_to, attached=attached, size_gb=10
    )


def test_stopped_vm_is_priced_by_its_disks_and_addresses(ctx):
    disk = _disk("vol-1", "i-1", True)
    ip = Resource("aws", "1", "us-east-1", "eip-1", m.IP, attached_to="i-1", attached=True)
    ctx.attachments["i-1"] = [disk, ip]
    finding = stopped_vm.evaluate(vm(power=m.STOPPED), ctx)
    assert finding is not None
    assert [r.resource_id for r in finding.priced] == ["vol-1", "eip-1"]
    assert "vol-1" in finding.reason and "eip-1" in finding.reason


def test_stopped_vm_without_anything_billed_is_no_finding(ctx):
    assert stopped_vm.evaluate(vm(power=m.STOPPED), ctx) is None
    ctx.attachments["i-1"] = [_disk("vol-1", "i-1", True)]
    assert stopped_vm.evaluate(vm(power=m.RUNNING), ctx) is None


def test_stopped_but_billed_vm_includes_its_compute(ctx):
    machine = vm(power=m.STOPPED_BILLED)
    finding = stopped_vm.evaluate(machine, ctx)
    assert finding is not None and finding.priced == [machine]
    assert "not deallocated" in finding.reason


def test_unattached_disk_only_when_known_unattached(ctx):
    assert unattached_disk.evaluate(_disk("vol-1", None, False), ctx) is not None
    assert unattached_disk.evaluate(_disk("vol-2", "i-1", True), ctx) is None
    assert unattached_disk.evaluate(_disk("vol-3", None, None), ctx) is None


def test_unassociated_ip(ctx):
    free = Resource("gcp", "p", "us-central1", "a-1", m.IP, attached=False, state="IN_USE")
    used = Resource("gcp", "p", "us-central1", "a-2", m.IP, attached=True, state="RESERVED")
    assert unassociated_ip.evaluate(free, ctx) is not None
    assert unassociated_ip.evaluate(used, ctx) is None


def test_old_snapshot_threshold_is_exclusive_and_configurable(ctx):
    snap = Resource("aws", "1", "us-east-1", "snap-1", m.SNAPSHOT, size_gb=8)
    snap.created_at = NOW - timedelta(days=90)
    assert old_snapshot.evaluate(snap, ctx) is None
    snap.created_at = NOW - timedelta(days=91)
    finding = old_snapshot.evaluate(snap, ctx)
    assert finding is not None and finding.evidence["age_days"] == 91
    strict = WasteContext(now=NOW, settings=WasteSettings(snapshot_max_age_days=30))
    snap.created_at = NOW - timedelta(days=31)
    assert old_snapshot.evaluate(snap, strict) is not None
    snap.created_at = None
    assert old_snapshot.evaluate(snap, ctx) is None


def test_load_balancer_without_targets(ctx):
    lb = Resource("aws", "1", "us-east-1", "arn:lb", m.LOAD_BALANCER, type="application")
    assert idle_load_balancer.evaluate(lb, ctx) is None  # unknown target count
    lb.target_count = 2
    assert idle_load_balancer.evaluate(lb, ctx) is None
    lb.target_count = 0
    assert idle_load_balancer.evaluate(lb, ctx).evidence["target_count"] == 0
