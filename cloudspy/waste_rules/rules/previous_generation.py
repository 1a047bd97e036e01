"""A running VM of a previous instance generation costs more than its current equivalent."""

from __future__ import annotations

from dataclasses import replace

from cloudspy.models.resource import RUNNING, VM, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, Savings, WasteContext, difference
from cloudspy.waste_rules.rules import idle_vm, rightsizing

# Previous-generation family → the current family with the same vCPU and memory per
# size (Amazon EC2 previous-generation instances; the sizes keep their names).
CURRENT_FAMILY = {"m4": "m6i", "c4": "c6i", "r4": "r6i", "t2": "t3"}

META = RuleMeta(
    id="previous-generation",
    order=80,
    title="Previous-generation instance type",
    providers=("aws",),
    kind=VM,
    severity="low",
    why="Previous-generation instance types (m4, c4, r4, t2) list for more than the "
    "current type of the same size (m6i, c6i, r6i, t3), which has the same vCPUs and "
    "at least the memory, on a newer processor. The saving is the list-price difference "
    "of the same size in the same region. An idle instance is left to `idle-vm` (stopping "
    "it saves its whole price) and an oversized one to `rightsizing` (its saving would "
    "overlap this one), so no saving is counted twice.",
    fix="Stop the instance, change its type to the current one (check the AMI supports "
    "ENA and NVMe, as current types need), and start it again.",
    permissions={"aws": ("ec2:DescribeInstances",)},
    reads=(
        "resource.type",
        "resource.power_state",
        "resource.region",
        "idle-vm's metrics (an idle VM is idle-vm's finding)",
    ),
    reference="Amazon EC2 previous-generation instances: "
    "https://aws.amazon.com/ec2/previous-generation/; "
    "Amazon EC2 On-Demand pricing: https://aws.amazon.com/ec2/pricing/on-demand/",
)


def current_type(instance_type: str) -> str | None:
    """The current-generation type of the same size (``m4.large`` → ``m6i.large``)."""
    family, dot, size = instance_type.partition(".")
    target = CURRENT_FAMILY.get(family)
    return f"{target}.{size}" if target and dot and size else None


def current_equivalent(resource: Resource) -> Resource | None:
    """The same VM as its current-generation type (None when it is not previous-generation)."""
    target = current_type(resource.type) if resource.kind == VM and resource.type else None
    if target is None:
        return None
    return replace(resource, type=target, monthly_cost=None, currency=None, price_basis=None)


def alternatives(resource: Resource) -> list[Resource]:
    """The current-generation equivalent, whose price the rule compares."""
    current = current_equivalent(resource)
    return [current] if current is not None else []


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding for a running VM of a previous-generation type."""
    if resource.kind != VM or resource.power_state != RUNNING or not resource.type:
        return None
    target = current_type(resource.type)
    if target is None or idle_vm.evaluate(resource, ctx) is not None:
        return None  # not previous-generation, or idle-vm's finding (the larger saving)
    if rightsizing.evaluate(resource, ctx) is not None:
        return None  # rightsizing's finding: the two savings would overlap if summed
    finding = Finding(
        rule=META.id,
        resource=resource,
        reason=f"{resource.type} is a previous generation; {target} is the current equivalent",
        evidence={"type": resource.type, "current_type": target},
    )
    now = ctx.prices.estimate(replace(resource, monthly_cost=None, price_basis=None))
    equivalent = current_equivalent(resource)
    assert equivalent is not None  # a previous-generation type, checked above
    then = ctx.prices.estimate(equivalent)
    if isinstance(now, str) or isinstance(then, str):
        finding.savings = Savings(None, None, now if isinstance(now, str) else f"{target}: {then}")
        return finding
    finding.savings = difference((resource.type, now), (target, then))
    return finding if finding.savings is not None else None
