"""GCP inventory → waste rules, and end to end through ``cloudspy gcp sync`` (#4)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal

from cloudspy.models.waste_settings import WasteSettings
from cloudspy.providers.gcp.inventory import GcpInventorySource
from cloudspy.providers.inventory_source import MetricWindow
from cloudspy.waste_rules.base import WasteContext
from cloudspy.waste_rules.engine import attachments_of, evaluate_rules
from cloudspy.waste_rules.registry import select_rules
from tests.providers.gcp.conftest import anonymous_adc  # noqa: F401 (fixture)
from tests.providers.gcp.inventory.conftest import PROJECT

WINDOW = MetricWindow(datetime(2021, 3, 18, 18), datetime(2021, 4, 1, 19))


def findings(resources):
    ctx = WasteContext(
        now=datetime(2021, 4, 2), settings=WasteSettings(), attachments=attachments_of(resources)
    )
    rules = select_rules(["unattached-disk", "unassociated-ip", "stopped-vm"])
    out: dict[str, set[str]] = {}
    for rule, finding in evaluate_rules(rules, resources, ctx):
        out.setdefault(rule.meta.id, set()).add(finding.resource.name)
    return out, {
        f.resource.name: sorted(r.name for r in f.priced)
        for rule, f in evaluate_rules(rules, resources, ctx)
        if rule.meta.id == "stopped-vm"
    }


def test_rules_find_the_recorded_waste_and_nothing_attached(gcp, endpoints, anonymous):
    source = GcpInventorySource(PROJECT, credentials=anonymous)
    resources = [r for p in source.collect(PROJECT, WINDOW, lambda _: None) for r in p.resources]
    found, stopped = findings(resources)
    assert found["unattached-disk"] == {"drone-upgrade"}  # the only disk without `users`
    assert found["unassociated-ip"] == {
        "c7n-address-default-59ea",
        "c7n-lb-ext-bad-calebsyring-35ba",
    }
    # TERMINATED VMs whose disks still bill; the RUNNING ones are not findings.
    assert stopped == {"custodian-dev": ["custodian-dev"], "drone": ["drone", "drone-11-1"]}


def write_config(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(text)
    return str(path)


def test_gcp_sync_no_costs_then_resources_and_waste(
    cli,
    tmp_path,
    gcp,
    endpoints,
    anonymous_adc,  # noqa: F811
):
    gcp.denied.add("locked-project")
    config = write_config(tmp_path, '[gcp]\nprojects = ["cloud-custodian", "locked-project"]\n')
    db = str(tmp_path / "cache.duckdb")
    synced = cli("--db", db, "--config", config, "gcp", "sync", "--no-costs")
    assert synced.exit_code == 3, synced.output  # one project failed; the other was stored
    assert "gcp:inventory:cloud-custodian: inventory ok, 14 resource(s)" in synced.stdout
    assert "gcp:inventory:locked-project: inventory FAILED" in synced.stdout
    assert "compute.instances.list" in synced.stdout
    assert not any("/projects/locked-project/" in p and "timeSeries" in p for p in gcp.paths())

    listed = cli(
        "--db", db, "--config", config, "resources", "--provider", "gcp", "--format", "json"
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)["resources"]
    kinds = sorted((r["kind"], r["name"]) for r in rows)
    assert ("vm", "c7n-jenkins") in kinds and ("disk", "drone-upgrade") in kinds
    vm = next(r for r in rows if r["name"] == "custodian-dev" and r["kind"] == "vm")
    assert vm["power_state"] == "stopped"

    waste = cli("--db", db, "--config", config, "waste", "--provider", "gcp", "--format", "json")
    assert waste.exit_code == 0, waste.output
    body = json.loads(waste.stdout)
    by_rule = {}
    for finding in body["findings"]:
        by_rule.setdefault(finding["rule"], set()).add(finding["name"])
    assert by_rule["unattached-disk"] == {"drone-upgrade"}
    assert by_rule["unassociated-ip"] == {
        "c7n-address-default-59ea",
        "c7n-lb-ext-bad-calebsyring-35ba",
    }
    disk = next(f for f in body["findings"] if f["rule"] == "unattached-disk")
    # The real disk is in us-east1; the shipped table prices pd-standard in us-central1
    # only, and another region's price is not this one's (#14): unpriced, saying why.
    assert (disk["monthly_savings"], disk["currency"]) == (None, None)
    assert (
        "pd-standard in us-central1 only, and this resource is in us-east1" in (disk["price_basis"])
    )
    address = next(f for f in body["findings"] if f["rule"] == "unassociated-ip")
    # External IPs have one price in all regions, so they stay priced.
    assert (Decimal(address["monthly_savings"]), address["currency"]) == (Decimal("7.3"), "USD")
    # Snapshots (global, #14): the 2025-01-10 one is old; it bills its 50 GiB stored,
    # not its disk's 200 GiB, and the shipped table has no price for it in `global`.
    assert by_rule["old-snapshot"] == {"nightly-db-2025-01-10"}
    snapshot = next(f for f in body["findings"] if f["rule"] == "old-snapshot")
    assert snapshot["evidence"]["size_gb"] == 50
    assert snapshot["monthly_savings"] is None and "global" in snapshot["price_basis"]


def test_gcp_sync_no_costs_without_projects_is_a_usage_error(cli, tmp_path):
    config = write_config(tmp_path, "[gcp]\n")
    result = cli(
        "--db", str(tmp_path / "c.duckdb"), "--config", config, "gcp", "sync", "--no-costs"
    )
    assert result.exit_code == 2
    assert "no GCP project is given for inventory" in result.stderr


def test_bad_inventory_project_is_a_usage_error(cli, tmp_path):
    result = cli(
        "--db",
        str(tmp_path / "c.duckdb"),
        "gcp",
        "sync",
        "--no-costs",
        "--inventory-project",
        "Bad_Project",
    )
    assert result.exit_code == 2
    assert "--inventory-project" in result.stderr and "not a GCP project id" in result.stderr


def test_both_parts_skipped_is_a_usage_error(cli, tmp_path):
    result = cli("--db", str(tmp_path / "c.duckdb"), "gcp", "sync", "--no-costs", "--no-resources")
    assert result.exit_code == 2


def test_top_level_sync_collects_configured_projects(cli, tmp_path, gcp, endpoints, anonymous_adc):  # noqa: F811
    config = write_config(tmp_path, '[gcp]\nprojects = ["cloud-custodian"]\n')
    db = str(tmp_path / "cache.duckdb")
    synced = cli("--db", db, "--config", config, "sync", "--no-costs", "--provider", "gcp")
    assert synced.exit_code == 0, synced.output
    assert "gcp:inventory:cloud-custodian: inventory ok, 14 resource(s)" in synced.stdout


def test_stored_cpu_is_percent(cli, tmp_path, gcp, endpoints, anonymous_adc):  # noqa: F811
    import duckdb

    from tests.providers.gcp.inventory.conftest import CPU_SERIES, INSTANCE_METRICS, flight

    gcp.lists[(PROJECT, "instances")] = [flight(INSTANCE_METRICS)]
    gcp.series["cpu"] = [flight(CPU_SERIES)]
    db = tmp_path / "cache.duckdb"
    synced = cli("--db", str(db), "gcp", "sync", "--no-costs", "--inventory-project", PROJECT)
    assert synced.exit_code == 0, synced.output
    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT resource_id, metric, value, unit, region FROM metric"
        ).fetchall()
    [(resource_id, metric, value, unit, region)] = rows
    assert resource_id.endswith("/instances/iap-test-webapp")
    assert (metric, unit, region) == ("cpu_percent", "Percent", "us-east4")
    assert abs(value - 0.34935695658400334) < 1e-12
