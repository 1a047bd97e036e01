"""Snapshots kept long past their use bill for their stored size."""

from __future__ import annotations

from cloudspy.models.resource import SNAPSHOT, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

META = RuleMeta(
    id="old-snapshot",
    order=50,
    title="Old snapshot",
    providers=("aws", "gcp", "azure"),
    kind=SNAPSHOT,
    severity="low",
    why="Snapshots older than the retention threshold (90 days unless "
    "`[waste] snapshot_max_age_days` says otherwise) are rarely restored but bill "
    "for their stored size every month.",
    fix="Delete the snapshot, or move retention to a lifecycle policy (e.g. Amazon Data "
    "Lifecycle Manager, GCP snapshot schedules) that expires old ones.",
    permissions={
        "aws": ("ec2:DescribeSnapshots",),
        "gcp": ("compute.snapshots.list",),
        "azure": ("Microsoft.Compute/snapshots/read",),
    },
    reads=("resource.created_at", "resource.size_gb"),
)


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding when the snapshot is older than the configured age."""
    if resource.kind != SNAPSHOT or resource.created_at is None:
        return None
    age_days = (ctx.now - resource.created_at).days
    limit = ctx.settings.snapshot_max_age_days
    if age_days <= limit:
        return None
    return Finding(
        rule=META.id,
        resource=resource,
        reason=f"snapshot is {age_days} days old (threshold {limit} days)",
        evidence={
            "created_at": resource.created_at.isoformat(),
            "age_days": age_days,
            "threshold_days": limit,
            "size_gb": resource.size_gb,
        },
        priced=[resource],
    )
