"""Real AWS responses (Cloud Custodian placebo recordings) through the normalizer and rules."""

from __future__ import annotations

from datetime import datetime

import pytest

from cloudspy.models import resource as m
from cloudspy.providers.aws.inventory import (
    normalize_addresses,
    normalize_instances,
    normalize_volumes,
)
from cloudspy.waste_rules.rules import stopped_vm, unassociated_ip, unattached_disk
from tests.waste_rules.placebo import load

VOLUMES = {
    "test_ebs_fault_tolerant": ({"vol-c5eaa459", "vol-abdb8d37"}, set()),
    "test_ebs_instance_filter": ({"vol-2b047792", "vol-466f46ff"}, {"vol-96c7ee2f"}),
    "test_ebs_metrics_percent_filter": ({"vol-07197f6445e4e8681"}, set()),
}
ADDRESSES = {
    ("test_eip_used_by", "ec2.DescribeAddresses_1"): (
        {"eipalloc-0c2e1da5c1bb166f5"},
        {"eipalloc-089b40a986b3b2954", "eipalloc-0fd809411832cfc28"},
    ),
    ("test_release_detached_vpc", "ec2.DescribeAddresses_1"): (
        {"eipalloc-38192131", "eipalloc-bbaf95b2"},
        set(),
    ),
    ("test_norelease_attached_nif", "ec2.DescribeAddresses_2"): (
        {"eipalloc-c92129c0"},
        {"eipalloc-983b3391"},
    ),
    ("test_address_disassociate_exception", "ec2.DescribeAddresses_2"): (
        {"eipalloc-064c7be63c6334ade"},
        {"eipalloc-0597dd9ddfcc9754d", "eipalloc-01a0fe3d323ee5a8c"},
    ),
}


@pytest.mark.parametrize("test", sorted(VOLUMES))
def test_unattached_volumes_are_found_and_attached_ones_not(test, ctx):
    volumes = normalize_volumes([load(test, "ec2.DescribeVolumes_1")], "123", "us-east-1")
    found = {v.resource_id for v in volumes if unattached_disk.evaluate(v, ctx)}
    free, used = VOLUMES[test]
    assert found == free
    assert {v.resource_id for v in volumes} == free | used
    for volume in volumes:
        if volume.resource_id in used:
            assert volume.attached is True and volume.attached_to.startswith("i-")


@pytest.mark.parametrize(("test", "name"), sorted(ADDRESSES))
def test_unassociated_addresses_are_found_and_associated_ones_not(test, name, ctx):
    addresses = normalize_addresses(load(test, name), "123", "us-west-2")
    found = {a.resource_id for a in addresses if unassociated_ip.evaluate(a, ctx)}
    free, used = ADDRESSES[(test, name)]
    assert found == free
    assert {a.resource_id for a in addresses} == free | used


def test_an_address_on_an_interface_only_is_associated(ctx):
    addresses = normalize_addresses(
        load("test_norelease_attached_nif", "ec2.DescribeAddresses_2"), "1", "us-east-1"
    )
    eni = next(a for a in addresses if a.resource_id == "eipalloc-983b3391")
    assert eni.attached is True and eni.attached_to == "eni-adc35510"


def test_stopped_instance_time_comes_from_the_transition_reason(ctx):
    vms = normalize_instances(
        [load("test_ec2_offhours_filter", "ec2.DescribeInstances_1")], "1", "us-east-1"
    )
    by_id = {v.resource_id: v for v in vms}
    stopped = by_id["i-089464f91893b707e"]
    assert stopped.power_state == m.STOPPED
    assert stopped.state_since == datetime(2020, 2, 11, 16, 59, 18)
    assert by_id["i-07c27e1f49b65196b"].power_state == m.RUNNING
    assert by_id["i-07c27e1f49b65196b"].state_since is None
    # Nothing attached is known from DescribeInstances alone: no finding without a reason.
    assert stopped_vm.evaluate(stopped, ctx) is None
    ctx.attachments[stopped.resource_id] = normalize_volumes(
        [
            {
                "Volumes": [
                    {
                        "VolumeId": "vol-x",
                        "State": "in-use",
                        "Size": 8,
                        "VolumeType": "gp2",
                        "Attachments": [{"InstanceId": stopped.resource_id}],
                    }
                ]
            }
        ],
        "1",
        "us-east-1",
    )
    finding = stopped_vm.evaluate(stopped, ctx)
    assert finding is not None and finding.evidence["stopped_since"] == "2020-02-11T16:59:18"


def test_running_instance_keeps_type_zone_and_tags():
    (inst,) = normalize_instances(
        [load("test_ec2_metric", "ec2.DescribeInstances_1")], "1", "us-west-2"
    )
    assert (inst.type, inst.power_state) == ("m3.medium", m.RUNNING)
    assert (inst.zone, inst.name) == ("us-west-2a", "C7n Test")
    assert inst.raw["InstanceId"] == inst.resource_id
