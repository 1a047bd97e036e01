"""An in-use gp2 volume costs more than a gp3 volume that performs at least as well."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from cloudspy.models.resource import DISK, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, Savings, WasteContext, difference

# gp2 performance follows size (Amazon EBS volume types): 3 IOPS per GiB, at least
# 100 and at most 16,000; throughput up to 128 MiB/s at 170 GiB or less and up to
# 250 MiB/s above (between 170 and 334 GiB only while bursting; the gp3 volume is
# sized for the ceiling, so nothing gets slower).
GP2_IOPS_PER_GIB = 3
GP2_MIN_IOPS = 100
GP2_MAX_IOPS = 16_000
GP2_SMALL_GIB = 170
GP2_SMALL_MIBPS = 128
GP2_LARGE_MIBPS = 250
# gp3 includes this much whatever its size; more is provisioned and billed.
GP3_INCLUDED_IOPS = 3000
GP3_INCLUDED_MIBPS = 125

META = RuleMeta(
    id="gp2-to-gp3",
    order=70,
    title="gp2 volume that gp3 would serve for less",
    providers=("aws",),
    kind=DISK,
    severity="low",
    why="gp3 costs 20 % less per GB than gp2 and includes 3,000 IOPS and 125 MiB/s "
    "whatever its size; a gp2 volume's performance grows with its size instead. The "
    "saving is priced against a gp3 volume of the same size provisioned with at least "
    "the gp2 volume's baseline IOPS and maximum throughput, so nothing gets slower. "
    "Unattached volumes are left to `unattached-disk` (deleting saves more).",
    fix="Modify the volume to gp3 in place (`aws ec2 modify-volume --volume-type gp3 "
    "--iops N --throughput N`); no detach or downtime is needed.",
    permissions={"aws": ("ec2:DescribeVolumes",)},
    reads=("resource.type", "resource.size_gb", "resource.attached", "resource.region"),
    reference="Amazon EBS volume types (gp2 and gp3 performance): "
    "https://docs.aws.amazon.com/ebs/latest/userguide/general-purpose.html; "
    "Amazon EBS pricing: https://aws.amazon.com/ebs/pricing/",
)


def gp2_performance(size_gib: Decimal) -> tuple[int, int]:
    """A gp2 volume's baseline IOPS and maximum throughput (MiB/s) at ``size_gib``."""
    iops = min(max(int(size_gib * GP2_IOPS_PER_GIB), GP2_MIN_IOPS), GP2_MAX_IOPS)
    mibps = GP2_SMALL_MIBPS if size_gib <= GP2_SMALL_GIB else GP2_LARGE_MIBPS
    return iops, mibps


def gp3_equivalent(resource: Resource) -> Resource | None:
    """The gp3 volume of the same size that performs at least as well as the gp2
    volume ``resource`` (None when it is not a sized gp2 volume)."""
    if resource.kind != DISK or resource.type != "gp2" or resource.size_gb is None:
        return None
    iops, mibps = gp2_performance(Decimal(str(resource.size_gb)))
    return replace(
        resource,
        type="gp3",
        iops=max(iops, GP3_INCLUDED_IOPS),
        throughput_mibps=max(mibps, GP3_INCLUDED_MIBPS),
        monthly_cost=None,
        currency=None,
        price_basis=None,
    )


def alternatives(resource: Resource) -> list[Resource]:
    """The gp3 equivalent of an attached gp2 volume, whose price the rule compares."""
    gp3 = gp3_equivalent(resource) if resource.attached is True else None
    return [gp3] if gp3 is not None else []


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding for an attached gp2 volume whose gp3 equivalent lists for less."""
    if resource.kind != DISK or resource.type != "gp2" or resource.attached is not True:
        return None
    if resource.size_gb is None:
        return None
    size = Decimal(str(resource.size_gb))
    iops, mibps = gp2_performance(size)
    evidence = {
        "size_gb": resource.size_gb,
        "gp2_baseline_iops": iops,
        "gp2_max_throughput_mibps": mibps,
        "gp3_iops": max(iops, GP3_INCLUDED_IOPS),
        "gp3_throughput_mibps": max(mibps, GP3_INCLUDED_MIBPS),
    }
    reason = (
        f"gp2 volume of {size.normalize():f} GiB ({iops} IOPS, up to {mibps} MiB/s); "
        f"gp3 gives the same for less"
    )
    finding = Finding(rule=META.id, resource=resource, reason=reason, evidence=evidence)
    gp2 = ctx.prices.estimate(replace(resource, monthly_cost=None, price_basis=None))
    equivalent = gp3_equivalent(resource)
    assert equivalent is not None  # a sized gp2 volume, checked above
    gp3 = ctx.prices.estimate(equivalent)
    if isinstance(gp2, str) or isinstance(gp3, str):
        why = gp2 if isinstance(gp2, str) else f"gp3: {gp3}"
        finding.savings = Savings(None, None, why)
        return finding
    finding.savings = difference(("gp2", gp2), ("gp3", gp3))
    return finding if finding.savings is not None else None
