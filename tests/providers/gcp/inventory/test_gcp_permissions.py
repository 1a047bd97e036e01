"""Every GCP request the inventory code makes is a declared permission; the example is generated (#4)."""

from __future__ import annotations

import re

from cloudspy.models import resource as m
from cloudspy.providers.gcp import permissions
from cloudspy.waste_rules.registry import all_rules
from tests import paths
from tests.providers.gcp.inventory.test_gcp_inventory import collect

EXAMPLE = paths.EXAMPLES / "permissions-gcp.txt"
# The IAM permission each replayed REST route needs (Compute Engine / Monitoring docs).
ROUTE_PERMISSIONS = {
    r"/aggregated/instances$": "compute.instances.list",
    r"/aggregated/disks$": "compute.disks.list",
    r"/aggregated/addresses$": "compute.addresses.list",
    r"/global/snapshots$": "compute.snapshots.list",
    r"/timeSeries$": "monitoring.timeSeries.list",
}


def test_every_request_is_declared_and_nothing_more(gcp, endpoints, anonymous):
    collect(anonymous)
    used = set()
    for path in gcp.paths():
        [needed] = [p for pattern, p in ROUTE_PERMISSIONS.items() if re.search(pattern, path)]
        used.add(needed)
    assert used == set(permissions.INVENTORY_PERMISSIONS)


def test_rules_need_only_declared_permissions():
    declared = set(permissions.declared())
    # The kinds this collector produces (snapshots are not read for this provider yet).
    for rule in (r for r in all_rules() if r.meta.kind in (m.VM, m.DISK, m.IP)):
        assert set(rule.meta.permissions.get("gcp", ())) <= declared, rule.meta.id


def test_example_list_is_the_generated_output(cli):
    result = cli("permissions", "--provider", "gcp", "--format", "list")
    assert result.exit_code == 0, result.output
    assert result.stdout == EXAMPLE.read_text(), "regenerate examples/permissions-gcp.txt"
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert names == sorted(permissions.declared())
    assert all(n.endswith((".list", ".get", ".getData", ".create")) for n in names)


def test_role_document_lists_every_permission(cli):
    import json

    result = cli("permissions", "--provider", "gcp")
    role = json.loads(result.stdout)
    assert role["includedPermissions"] == sorted(permissions.declared())
    assert role["stage"] == "GA"
