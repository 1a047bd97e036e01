"""Every Azure request the inventory code makes is a declared action; the example is generated (#4)."""

from __future__ import annotations

import json

from cloudspy.models import resource as m
from cloudspy.providers.azure import permissions
from cloudspy.waste_rules.registry import all_rules
from tests import paths
from tests.providers.azure.inventory.test_azure_inventory import collect, rhel_on_nc4as_t4

EXAMPLE = paths.EXAMPLES / "azure-role.json"
# The RBAC action each replayed ARM route needs (Azure's resource provider operations list).
ROUTE_ACTIONS = {
    "vms": "Microsoft.Compute/virtualMachines/read",
    "view": "Microsoft.Compute/virtualMachines/instanceView/read",
    "disks": "Microsoft.Compute/disks/read",
    "snapshots": "Microsoft.Compute/snapshots/read",
    "ips": "Microsoft.Network/publicIPAddresses/read",
    "locations": "Microsoft.Resources/subscriptions/locations/read",
    "metrics": "Microsoft.Insights/metrics/read",
    "sqlvms": "Microsoft.SqlVirtualMachine/sqlVirtualMachines/read",
    "skus": "Microsoft.Compute/skus/read",
}


def test_every_request_is_declared_and_nothing_more(arm, connector):
    rhel_on_nc4as_t4(arm)  # a VM whose licence needs its region's VM sizes read
    collect(connector)
    used = {ROUTE_ACTIONS[route] for route in ROUTE_ACTIONS if arm.paths(route)}
    assert len(arm.requests) == sum(len(arm.paths(route)) for route in ROUTE_ACTIONS)
    assert used == set(permissions.INVENTORY_PERMISSIONS)


def test_rules_need_only_declared_actions():
    declared = set(permissions.declared())
    # The kinds this collector produces.
    for rule in (r for r in all_rules() if r.meta.kind in (m.VM, m.DISK, m.IP, m.SNAPSHOT)):
        assert set(rule.meta.permissions.get("azure", ())) <= declared, rule.meta.id


def test_example_role_is_the_generated_output(cli):
    result = cli("permissions", "--provider", "azure")
    assert result.exit_code == 0, result.output
    assert result.stdout == EXAMPLE.read_text(), "regenerate examples/azure-role.json"
    role = json.loads(result.stdout)
    assert role["IsCustom"] is True and "Microsoft.CostManagement/query/action" in role["Actions"]
    assert not [a for a in role["Actions"] if not a.endswith(("/read", "/query/action"))]
