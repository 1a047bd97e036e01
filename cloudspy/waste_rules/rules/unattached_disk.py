"""A disk attached to no VM still bills for its provisioned size."""

from __future__ import annotations

from cloudspy.models.resource import DISK, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

META = RuleMeta(
    id="unattached-disk",
    order=30,
    title="Unattached disk",
    providers=("aws", "gcp", "azure"),
    kind=DISK,
    severity="medium",
    why="A block-storage volume that no VM uses is billed for its full provisioned size "
    "every month (AWS volume state `available`; GCP disk without `users`; "
    "Azure disk state `Unattached`).",
    fix="Snapshot it if the data may be needed, then delete the disk.",
    permissions={
        "aws": ("ec2:DescribeVolumes",),
        "gcp": ("compute.disks.list",),
        "azure": ("Microsoft.Compute/disks/read",),
    },
    reads=("resource.attached", "resource.size_gb", "resource.type", "resource.state"),
)


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding when the disk is known to be unattached."""
    if resource.kind != DISK or resource.attached is not False:
        return None
    return Finding(
        rule=META.id,
        resource=resource,
        reason=f"disk is not attached to any VM (state {resource.state or 'unknown'})",
        evidence={"state": resource.state, "size_gb": resource.size_gb, "type": resource.type},
        priced=[resource],
    )
