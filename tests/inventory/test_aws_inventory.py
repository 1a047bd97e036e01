"""AWS inventory and CloudWatch utilization through boto3 over HTTP against moto's server."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.clock import utc_now
from cloudspy.config import InventorySettings, Settings
from cloudspy.models import resource as m
from cloudspy.providers.aws.inventory import AwsInventorySource
from cloudspy.providers.aws.permissions import declared, iam_action
from cloudspy.providers.aws.settings import AwsAccount
from cloudspy.store.connection import connect
from tests.inventory.conftest import REGIONS


def _session():
    import boto3

    return boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )


def _source(session=None, regions=REGIONS, **account):
    return AwsInventorySource(AwsAccount(**account), list(regions), session=session or _session())


def _settings() -> Settings:
    return Settings(inventory=InventorySettings(metric_days=2))


def test_inventory_of_every_region_lands_in_the_store(db, moto_account):
    lines: list[str] = []
    (result,) = api.sync_resources(
        sources=[_source()], db=db, settings=_settings(), progress=lines.append
    )
    assert result.status == "ok", result
    assert result.scope == "aws:inventory:123456789012"
    assert {o.region for o in result.regions} == set(REGIONS)
    assert any("us-east-1" in line for line in lines)

    listing = api.resources(db=db, settings=Settings())
    by_id = {r.resource_id: r for r in listing.rows}
    assert by_id[moto_account.running].power_state == m.RUNNING
    assert by_id[moto_account.running].name == "web"
    assert by_id[moto_account.stopped].power_state == m.STOPPED
    assert by_id[moto_account.free_volume].state == "available"
    assert by_id[moto_account.free_volume_eu].region == "eu-west-1"
    assert by_id[moto_account.snapshot].kind == m.SNAPSHOT
    assert by_id[moto_account.used_eip].attached_to == moto_account.running
    assert by_id[moto_account.free_volume].monthly_cost is not None
    assert "gp3" in by_id[moto_account.free_volume].price_basis

    report = api.waste(db=db, settings=Settings())
    found = {(f.rule, f.resource_id) for f in report.findings}
    assert ("unattached-disk", moto_account.free_volume) in found
    assert ("unattached-disk", moto_account.free_volume_eu) in found
    assert ("unassociated-ip", moto_account.free_eip) in found
    assert ("idle-load-balancer", moto_account.lb_empty) in found
    assert ("unassociated-ip", moto_account.used_eip) not in found
    assert ("idle-load-balancer", moto_account.lb_used) not in found
    # moto gives each instance an 8 GiB gp2 root volume that is in use: the only rule
    # that applies is gp2-to-gp3 (0.80 gp2 − 0.76 gp3 with 128 MiB/s = 0.04 a month).
    roots = [r for r in listing.rows if r.kind == m.DISK and r.attached_to]
    assert roots and {r.type for r in roots} == {"gp2"}
    on_roots = [f for f in report.findings if f.resource_id in {r.resource_id for r in roots}]
    assert {f.rule for f in on_roots} == {"gp2-to-gp3"} and len(on_roots) == len(roots)
    home = [f for f in on_roots if f.region == "us-east-1"]
    assert home and all(f.monthly_savings == Decimal("0.04") for f in home)
    stopped = [f for f in report.findings if f.rule == "stopped-vm"]
    assert [f.resource_id for f in stopped] == [moto_account.stopped]


def test_cloudwatch_metrics_are_stored_hourly(db, moto_account):
    api.sync_resources(sources=[_source()], db=db, settings=_settings())
    with connect(db) as conn:
        rows = conn.execute(
            "SELECT metric, count(*), min(value), max(value) FROM metric WHERE resource_id = ?"
            " GROUP BY metric ORDER BY metric",
            [moto_account.running],
        ).fetchall()
    assert rows[0][0] == m.CPU_PERCENT and rows[0][1] == 6
    assert (rows[0][2], rows[0][3]) == (3.0, 8.0)
    # Memory, from the CloudWatch agent's CWAgent namespace (only agents report it).
    assert rows[1] == (m.MEMORY_PERCENT, 6, 41.0, 46.0)
    assert rows[2] == (m.NETWORK_BYTES, 6, 1500.0, 1500.0)


def test_a_denied_region_is_reported_and_skipped(db, moto_account):
    import botocore.exceptions

    session = _session()

    def deny_eu(request_signer, **_):
        if request_signer.region_name == "eu-west-1":
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "UnauthorizedOperation", "Message": "not here"}},
                "DescribeInstances",
            )

    session.events.register("before-call.ec2.DescribeInstances", deny_eu)
    (result,) = api.sync_resources(sources=[_source(session)], db=db, settings=_settings())
    assert result.status == "partial"
    outcome = {o.region: o for o in result.regions}
    assert outcome["eu-west-1"].status == "denied"
    assert "not here" in outcome["eu-west-1"].error
    assert outcome["us-east-1"].status == "ok"
    listing = api.resources(db=db, settings=Settings())
    assert {r.region for r in listing.rows} == {"us-east-1"}
    assert listing.snapshot.denied_regions == ["aws:inventory:123456789012 eu-west-1"]


def test_every_api_operation_called_is_declared(db, moto_account):
    session = _session()
    called: set[str] = set()

    def record(model, **_):
        called.add(iam_action(model.service_model.signing_name, model.name))

    session.events.register("before-call.*.*", record)
    api.sync_resources(sources=[_source(session)], db=db, settings=_settings())
    assert "cloudwatch:GetMetricData" in called
    assert "elasticloadbalancing:DescribeTargetHealth" in called
    undeclared = called - set(declared())
    assert not undeclared, f"called but not declared in permissions: {sorted(undeclared)}"


def test_member_accounts_through_assumed_roles(db, moto_account):
    sources = [
        _source(session=None, role_arn="arn:aws:iam::111111111111:role/cloudspy-read"),
        _source(session=None, role_arn="arn:aws:iam::222222222222:role/cloudspy-read"),
    ]
    for source in sources:
        source.session = None  # built from the role: STS AssumeRole against moto
    results = api.sync_resources(sources=sources, db=db, settings=_settings())
    assert [r.status for r in results] == ["ok", "ok"]
    assert {r.account for r in results} == {"111111111111", "222222222222"}


def test_no_configured_account_is_a_usage_error(db):
    from cloudspy.errors import UsageError

    with pytest.raises(UsageError, match="no cloud account with inventory"):
        api.sync_resources(db=db, settings=Settings())


def test_cli_aws_sync_no_costs(cli, db, moto_account, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[inventory]\nregions = ["us-east-1"]\nmetric_days = 1\n')
    result = cli("--db", db, "--config", config, "aws", "sync", "--no-costs")
    assert result.exit_code == 0, result.stderr
    assert "aws:inventory:123456789012: inventory ok" in result.stdout
    listing = cli("--db", db, "resources", "--kind", "disk", "--state", "available", "-f", "json")
    assert moto_account.free_volume in listing.stdout
    assert moto_account.free_volume_eu not in listing.stdout
    both = cli("--db", db, "aws", "sync", "--no-costs", "--no-resources")
    assert both.exit_code == 2


def test_snapshot_age_is_reported(db, moto_account):
    api.sync_resources(sources=[_source()], db=db, settings=_settings())
    listing = api.resources(db=db, settings=Settings())
    assert listing.snapshot.age_hours is not None and listing.snapshot.age_hours < 1
    assert listing.snapshot.oldest <= utc_now()  # stamped by CloudSpy's (pinned) clock


def test_waste_with_no_config_reads_the_inventory_first_then_answers_from_the_cache(
    moto_account, cli, db
):
    """#12: `cloudspy waste` right after install, with only AWS keys in the environment."""
    import json

    first = cli("--db", db, "waste", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert "no config: using AWS keys from AWS_ACCESS_KEY_ID" in first.stderr
    assert "no inventory cached yet" in first.stderr
    found = {f["resource_id"] for f in json.loads(first.stdout)["findings"]}
    assert moto_account.free_volume in found
    again = cli("--db", db, "resources", "--kind", "disk", "--format", "json")
    assert again.exit_code == 0, again.stderr
    assert "no inventory cached yet" not in again.stderr  # the cache answers now
    assert moto_account.free_volume_eu in again.stdout


def test_snapshots_are_sized_by_the_blocks_written_where_ec2_reports_them(db, moto_account):
    """``FullSnapshotSizeInBytes`` (blocks written when taken) bounds the stored size
    tighter than the volume's size; moto, like older EC2 answers, omits it."""
    from cloudspy.providers.aws.inventory import normalize_snapshots

    written = {"SnapshotId": "snap-1", "VolumeSize": 100, "FullSnapshotSizeInBytes": 12 * 2**30}
    older = {"SnapshotId": "snap-2", "VolumeSize": 100}
    one, two = normalize_snapshots([{"Snapshots": [written, older]}], "1", "us-east-1")
    assert (one.size_gb, two.size_gb) == (12.0, 100.0)
    api.sync_resources(sources=[_source()], db=db, settings=_settings())
    rows = {r.resource_id: r for r in api.resources(db=db, settings=Settings()).rows}
    assert rows[moto_account.snapshot].size_gb is not None  # the volume's size, from moto
