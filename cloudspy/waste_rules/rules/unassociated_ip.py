"""A reserved public IP address that nothing uses still bills by the hour."""

from __future__ import annotations

from cloudspy.models.resource import IP, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

META = RuleMeta(
    id="unassociated-ip",
    order=40,
    title="Unassociated public IP address",
    providers=("aws", "gcp", "azure"),
    kind=IP,
    severity="low",
    why="A reserved public IP address bills by the hour whether or not it is in use "
    "(AWS Elastic IP without `AssociationId`; GCP address without `users`, whatever its "
    "status; Azure public IP with neither `ipConfiguration` nor `natGateway`). An address "
    "that bills nothing while unused (an Azure dynamic IP gives its address back) is not "
    "flagged.",
    fix="Release the address if nothing will use it again.",
    permissions={
        "aws": ("ec2:DescribeAddresses",),
        "gcp": ("compute.addresses.list",),
        "azure": ("Microsoft.Network/publicIPAddresses/read",),
    },
    reads=("resource.attached", "resource.state"),
)


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding when the address is known to be unassociated."""
    if resource.kind != IP or resource.attached is not False:
        return None
    if resource.monthly_cost == 0:
        return None  # an address that bills nothing while unused (Azure dynamic) is no waste
    return Finding(
        rule=META.id,
        resource=resource,
        reason="public IP address is not associated with any instance, interface or gateway",
        evidence={"state": resource.state, "address": resource.name},
        priced=[resource],
    )
