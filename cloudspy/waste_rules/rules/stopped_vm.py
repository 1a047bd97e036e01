"""A stopped VM bills no compute, but its disks and reserved addresses keep billing."""

from __future__ import annotations

from cloudspy.models.resource import DEALLOCATED, DISK, IP, STOPPED, STOPPED_BILLED, VM, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

META = RuleMeta(
    id="stopped-vm",
    order=20,
    title="Stopped VM with billed storage",
    providers=("aws", "gcp", "azure"),
    kind=VM,
    severity="medium",
    why="A stopped (GCP `TERMINATED`, Azure deallocated) VM costs no compute, but its "
    "disks bill for their size and its reserved public addresses (on AWS every public "
    "IPv4) bill by the hour. An Azure VM that is stopped but not deallocated also keeps "
    "billing compute.",
    fix="If the VM is not coming back, snapshot what matters and delete the VM with its "
    "disks and addresses; on Azure, deallocate rather than stop.",
    permissions={
        "aws": ("ec2:DescribeInstances", "ec2:DescribeVolumes", "ec2:DescribeAddresses"),
        "gcp": ("compute.instances.list", "compute.disks.list", "compute.addresses.list"),
        "azure": (
            "Microsoft.Compute/virtualMachines/read",
            "Microsoft.Compute/virtualMachines/instanceView/read",
            "Microsoft.Compute/disks/read",
            "Microsoft.Network/publicIPAddresses/read",
        ),
    },
    reads=("resource.power_state", "resource.state_since", "attached disks and addresses"),
)

_HALTED = (STOPPED, DEALLOCATED, STOPPED_BILLED)


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding when the VM is halted and something attached to it still bills."""
    if resource.kind != VM or resource.power_state not in _HALTED:
        return None
    billed = [r for r in ctx.attachments.get(resource.resource_id, []) if r.kind in (DISK, IP)]
    if resource.power_state == STOPPED_BILLED:
        billed = [resource, *billed]
    if not billed:
        return None
    since = resource.state_since.isoformat() if resource.state_since else None
    parts = [f"{r.kind} {r.resource_id}" for r in billed if r is not resource]
    reason = f"VM is {resource.power_state}"
    reason += f" since {since}" if since else ""
    reason += f" but still bills for {', '.join(parts)}" if parts else ""
    if resource.power_state == STOPPED_BILLED:
        reason += " and for its compute (stopped, not deallocated)"
    return Finding(
        rule=META.id,
        resource=resource,
        reason=reason,
        evidence={
            "state": resource.state,
            "power_state": resource.power_state,
            "stopped_since": since,
            "billed_resources": [r.resource_id for r in billed],
        },
        priced=billed,
    )
