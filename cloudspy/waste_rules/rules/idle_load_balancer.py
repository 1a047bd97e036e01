"""A load balancer with no registered targets bills its hourly charge for nothing."""

from __future__ import annotations

from cloudspy.models.resource import LOAD_BALANCER, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

META = RuleMeta(
    id="idle-load-balancer",
    order=60,
    title="Load balancer without targets",
    providers=("aws",),
    kind=LOAD_BALANCER,
    severity="medium",
    why="A load balancer bills a fixed hourly charge even when no target group of it "
    "has a registered target, so it cannot serve anything.",
    fix="Delete the load balancer, or register the targets it was meant to serve.",
    permissions={
        "aws": (
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
        ),
    },
    reads=("resource.target_count", "resource.type"),
)


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding when the load balancer is known to have no targets."""
    if resource.kind != LOAD_BALANCER or resource.target_count != 0:
        return None
    return Finding(
        rule=META.id,
        resource=resource,
        reason="load balancer has no registered targets in any target group",
        evidence={"target_count": 0, "type": resource.type, "state": resource.state},
        priced=[resource],
    )
