"""Every Azure RBAC action CloudSpy's Azure code needs, and the custom role built from them.

The cost half is declared beside its code in :mod:`cloudspy.providers.azure.session`;
the inventory half is declared here. A test maps every request the code makes
against the replay server to its action and fails when one is not declared.
"""

from __future__ import annotations

from typing import Any

from cloudspy.providers.azure.session import PERMISSIONS as COST_PERMISSIONS

INVENTORY_PERMISSIONS = {
    "Microsoft.Resources/subscriptions/locations/read": "inventory: the subscription's regions "
    "(a region left empty replaces its earlier snapshot)",
    "Microsoft.Compute/virtualMachines/read": "inventory: virtual machines",
    "Microsoft.Compute/virtualMachines/instanceView/read": "inventory: each VM's power state",
    "Microsoft.Compute/disks/read": "inventory: managed disks and their disk state",
    "Microsoft.Compute/snapshots/read": "inventory: disk snapshots and their age",
    "Microsoft.Network/publicIPAddresses/read": "inventory: public IPs and their associations",
    "Microsoft.Insights/metrics/read": "utilization: hourly CPU, memory and network of VMs",
    "Microsoft.SqlVirtualMachine/sqlVirtualMachines/read": "prices: whether a VM's SQL "
    "Server licence is pay-as-you-go or Hybrid Benefit",
    "Microsoft.Compute/skus/read": "prices: the vCPUs of VM sizes whose name does not give "
    "them (a licence bills per vCPU)",
}
FORMAT = "azure-custom-role"
# Replaced by the subscriptions (or management group) the role is meant for.
EXAMPLE_SCOPE = "/subscriptions/00000000-0000-0000-0000-000000000000"


def declared() -> dict[str, str]:
    """Every declared action with the reason CloudSpy needs it."""
    return {**COST_PERMISSIONS, **INVENTORY_PERMISSIONS}


def policy_document() -> dict[str, Any]:
    """A custom role definition (``az role definition create --role-definition ROLE.json``)."""
    return {
        "Name": "CloudSpy Reader",
        "IsCustom": True,
        "Description": "Read-only access for CloudSpy: Cost Management queries, inventory "
        "of VMs, disks and public IPs, and Azure Monitor metrics.",
        "Actions": sorted(declared()),
        "NotActions": [],
        "DataActions": [],
        "NotDataActions": [],
        "AssignableScopes": [EXAMPLE_SCOPE],
    }
