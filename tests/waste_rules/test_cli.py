"""``cloudspy resources``, ``waste``, ``schedule`` and ``permissions`` over the demo store."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

from cloudspy import api
from cloudspy.config import Settings
from tests import paths

EXAMPLES = paths.EXAMPLES
DEMO_NOW = datetime(2026, 11, 25, 8)


def test_waste_json_is_sorted_by_saving_with_totals_per_currency(cli, demo_db):
    result = cli("--db", demo_db, "waste", "--format", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert set(doc) == {"snapshot", "rules", "totals", "findings", "warnings"}
    amounts = [Decimal(f["monthly_savings"]) for f in doc["findings"] if f["monthly_savings"]]
    assert amounts == sorted(amounts, reverse=True)
    priced = {f["currency"] for f in doc["findings"] if f["monthly_savings"] is not None}
    assert {t["currency"] for t in doc["totals"]} == priced
    for total in doc["totals"]:
        mine = [
            Decimal(f["monthly_savings"])
            for f in doc["findings"]
            if f["currency"] == total["currency"] and f["monthly_savings"]
        ]
        assert Decimal(total["monthly_savings"]) == sum(mine)
    for finding in doc["findings"]:
        assert finding["reason"] and finding["price_basis"]
        assert finding["price_source"] in ("actual", "list", "actual+list", None)
        assert (finding["price_source"] is None) == (finding["monthly_savings"] is None)
    # The demo's Azure estate is in northeurope; the shipped table prices eastus only,
    # so those findings are unpriced and say why rather than take eastus's price (#14).
    azure = [
        f for f in doc["findings"] if f["provider"] == "azure" and f["rule"] != "unassociated-ip"
    ]
    assert azure and all(f["monthly_savings"] is None and f["currency"] is None for f in azure)
    assert all(
        "in eastus only, and this resource is in northeurope" in f["price_basis"] for f in azure
    )
    assert "inventory snapshot taken" in result.stderr


def test_waste_csv_of_one_rule(cli, demo_db):
    result = cli("--db", demo_db, "waste", "--rule", "unattached-disk", "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["rule"] for r in rows} == {"unattached-disk"}
    assert {r["provider"] for r in rows} == {"aws", "gcp", "azure"}
    assert {r["resource_id"] for r in rows if r["provider"] == "aws"} == {
        "vol-0bac0000000000007",
        "vol-0e5700000000000a8",
    }


def test_fail_over_exits_1_only_when_the_total_exceeds_the_amount(cli, demo_db):
    over = cli("--db", demo_db, "waste", "--rule", "unattached-disk", "--fail-over", "10")
    assert over.exit_code == 1
    assert "exceeds --fail-over 10" in over.stderr
    under = cli("--db", demo_db, "waste", "--rule", "unattached-disk", "--fail-over", "10000")
    assert under.exit_code == 0
    euro = cli("--db", demo_db, "waste", "--rule", "old-snapshot", "--fail-over", "1 EUR")
    assert euro.exit_code == 0  # the only old snapshot is priced in USD
    # The old snapshot's price is an upper bound: the gate says so (#14).
    bound = cli("--db", demo_db, "waste", "--rule", "old-snapshot", "--fail-over", "1")
    assert bound.exit_code == 1
    assert "monthly waste of up to 5.00 USD (an upper bound) exceeds --fail-over 1" in (
        bound.stderr
    )


def test_bad_waste_inputs_are_usage_errors(cli, demo_db):
    for args, text in (
        (["--rule", "nope"], "unknown rule 'nope'"),
        (["--fail-over", "lots"], "--fail-over"),
        (["--min-monthly-savings", "x"], "is not a number"),
        (["--format", "xml"], "unknown --format"),
        (["--provider", "ibm"], "unknown provider"),
    ):
        result = cli("--db", demo_db, "waste", *args)
        assert result.exit_code == 2, (args, result.stderr)
        assert text in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1


def test_resources_filters(cli, demo_db):
    result = cli("--db", demo_db, "resources", "--provider", "gcp", "--kind", "vm", "-f", "json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["count"] == 3 and {r["kind"] for r in doc["resources"]} == {"vm"}
    tagged = json.loads(cli("--db", demo_db, "resources", "--tag", "team=web", "-f", "json").stdout)
    assert tagged["count"] > 0 and all(r["tags"]["team"] == "web" for r in tagged["resources"])
    stopped = json.loads(
        cli("--db", demo_db, "resources", "--state", "stopped", "-f", "json").stdout
    )
    assert [r["resource_id"] for r in stopped["resources"]] == ["i-0d1e5e1000000005"]
    table = cli("--db", demo_db, "resources", "--kind", "load_balancer")
    assert "legacy-api" in table.stdout
    for args, text in ((["--kind", "bucket"], "unknown --kind"), (["--tag", "team"], "KEY=VALUE")):
        bad = cli("--db", demo_db, "resources", *args)
        assert bad.exit_code == 2 and text in bad.stderr


def test_resources_without_a_store_is_a_runtime_error(cli, tmp_path):
    result = cli("--db", tmp_path / "none.duckdb", "resources")
    assert result.exit_code == 3 and "no cache" in result.stderr


def test_demo_waste_finds_each_kind_of_waste(demo_db):
    report = api.waste(db=demo_db, settings=Settings(), now=DEMO_NOW)
    found = {(f.rule, f.name) for f in report.findings}
    assert ("idle-vm", "staging-batch") in found
    assert ("idle-vm", "legacy-cron") in found
    assert ("idle-vm", "test-runner") in found
    assert ("stopped-vm", "old-reporting") in found
    assert ("stopped-vm", "build-agent-2") in found
    assert ("old-snapshot", "pre-migration") in found
    assert ("idle-load-balancer", "legacy-api") in found
    # #14's rules: an oversized VM, a previous-generation one, an in-use gp2 volume.
    assert ("rightsizing", "reports-api") in found
    assert ("previous-generation", "legacy-worker") in found
    assert ("gp2-to-gp3", "web-1-data") in found
    assert ("rightsizing", "web-1") not in found  # busy: its peak needs its size
    # Busy and office-hours VMs are not idle; the recent snapshot is not old.
    names = {name for rule, name in found if rule == "idle-vm"}
    assert not names & {"web-1", "web-eu-1", "staging-web", "ci-runner", "dev-box-1"}
    assert ("old-snapshot", "nightly") not in found


def test_demo_schedule_finds_the_office_hours_vms(demo_db):
    report = api.schedule(db=demo_db, settings=Settings(), now=DEMO_NOW, timezone="UTC")
    by_name = {s.name: s for s in report.suggestions}
    assert set(by_name) == {"staging-web", "ci-runner", "dev-box-1"}
    staging = by_name["staging-web"]
    assert staging.custodian_offhours == "off=[(M-F,18)];on=[(M-F,8)];tz=UTC"
    assert staging.hours_off_per_week == 168 - 5 * 10
    assert "actual billed cost" in staging.price_basis
    assert {t.currency for t in report.totals} == {"USD", "EUR"}


def test_schedule_bad_timezone(cli, demo_db):
    result = cli("--db", demo_db, "schedule", "--timezone", "Mars/Olympus")
    assert result.exit_code == 2 and "unknown --timezone" in result.stderr


def test_permissions_aws_matches_the_shipped_example(cli):
    result = cli("permissions", "--provider", "aws")
    assert result.exit_code == 0
    shipped = json.loads((EXAMPLES / "iam-policy-aws.json").read_text())
    assert json.loads(result.stdout) == shipped, (
        "examples/iam-policy-aws.json is stale: "
        "run `cloudspy permissions --provider aws > examples/iam-policy-aws.json`"
    )
    listing = cli("permissions", "--provider", "aws", "--format", "list")
    assert "cloudwatch:GetMetricData\tutilization" in listing.stdout


def test_permissions_of_unknown_or_undeclared_providers(cli):
    assert cli("permissions", "--provider", "ibm").exit_code == 2
    oracle = cli("permissions", "--provider", "oracle")
    assert oracle.exit_code == 3 and "declares no API permissions" in oracle.stderr


def test_the_table_shows_the_largest_findings_and_says_how_many_are_hidden(cli, demo_db):
    """100,000 resources made a 20-second table; the table now shows --top rows (50)."""
    full = json.loads(cli("--db", demo_db, "waste", "--format", "json").stdout)
    result = cli("--db", demo_db, "waste", "--top", "1")
    assert result.exit_code == 0
    assert f"{len(full['findings']) - 1} smaller finding(s) not shown" in result.stdout
    assert full["findings"][0]["resource_id"] in result.stdout
    everything = cli("--db", demo_db, "waste", "--top", "0")
    assert "not shown" not in everything.stdout
