"""Every Google Cloud IAM permission CloudSpy's GCP code needs, and the custom role built from them.

The cost half (BigQuery export, Cloud Billing) is declared beside its code in
:mod:`cloudspy.providers.gcp.session`; the inventory half is declared here. A
test maps every request the code makes against the replay server to its
permission and fails when one is not declared.
"""

from __future__ import annotations

from typing import Any

from cloudspy.providers.gcp.session import PERMISSIONS as COST_PERMISSIONS

INVENTORY_PERMISSIONS = {
    "compute.instances.list": "inventory: VM instances and their status (aggregatedList)",
    "compute.disks.list": "inventory: persistent disks and their users (aggregatedList)",
    "compute.addresses.list": "inventory: reserved addresses and their users (aggregatedList)",
    "compute.snapshots.list": "inventory: disk snapshots, their age and stored size",
    "monitoring.timeSeries.list": "utilization: hourly CPU and network of VM instances",
}
ROLE_ID = "cloudspyReader"
FORMAT = "gcp-custom-role"


def declared() -> dict[str, str]:
    """Every declared permission with the reason CloudSpy needs it."""
    return {**COST_PERMISSIONS, **INVENTORY_PERMISSIONS}


def policy_document() -> dict[str, Any]:
    """A custom role definition (``gcloud iam roles create cloudspyReader --file ROLE.json``)."""
    return {
        "title": "CloudSpy reader",
        "description": "Read-only access for CloudSpy: billing export, billing accounts, "
        "Compute Engine inventory and Cloud Monitoring utilization.",
        "stage": "GA",
        "includedPermissions": sorted(declared()),
    }
