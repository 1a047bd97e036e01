"""An AWS estate on moto's server in three regions, priced from a local Price List API (#14).

Instance and volume types the shipped table never had (m7i, io2 …), Windows
beside Linux, a region the price list does not cover: every figure comes from
the served prices or says why there is none, and a second sync asks nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal

import boto3
import pytest

from tests.pricing.price_servers import AwsPriceServer

REGIONS = ("us-east-1", "eu-west-1", "sa-east-1")


@pytest.fixture
def estate(aws_env, monkeypatch, tmp_path):
    server = AwsPriceServer().start()
    server.instance("m7i.large", "us-east-1", "0.1008")
    server.instance("m7i.large", "eu-west-1", "0.1124")
    server.instance("m7i.large", "us-east-1", "0.1928", system="Windows")
    server.volume("gp3", "eu-west-1", [("GB-Mo", "0", "0.088")])
    server.volume("gp3", "eu-west-1", [("IOPS-Mo", "0", "0.0055")], family="System Operation")
    server.volume(
        "gp3", "eu-west-1", [("GiBps-mo", "0", "45.056")], family="Provisioned Throughput"
    )
    server.volume("gp2", "eu-west-1", [("GB-Mo", "0", "0.11")])
    server.instance("m4.large", "eu-west-1", "0.222", system="Windows")
    server.instance("m6i.large", "eu-west-1", "0.199", system="Windows")
    server.usage(
        "AWSELB", "Load Balancer", "eu-west-1", "EUW1-LoadBalancerUsage", [("Hrs", "0", "0.028")]
    )
    server.usage(
        "AWSELB", "Load Balancer", "eu-west-1", "EUW1-LCUUsage", [("LCU-Hrs", "0", "0.008")]
    )
    server.usage(
        "AmazonEC2",
        "Storage Snapshot",
        "eu-west-1",
        "EUW1-EBS:SnapshotUsage",
        [("GB-Mo", "0", "0.053")],
    )
    server.usage(
        "AmazonEC2",
        "Storage Snapshot",
        "eu-west-1",
        "EUW1-EBS:SnapshotArchiveStorage",
        [("GB-Mo", "0", "0.0125")],
    )
    server.volume("io2", "us-east-1", [("GB-Mo", "0", "0.125")])
    server.volume("io2", "us-east-1", [("IOPS-Mo", "0", "0.065")], family="System Operation")
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", server.url)

    east, west = boto3.client("ec2", "us-east-1"), boto3.client("ec2", "eu-west-1")
    windows_ami = "ami-0windows2022base"  # tests/fixtures/aws/moto-amis.json
    ids = {
        "linux": east.run_instances(
            ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="m7i.large"
        )["Instances"][0]["InstanceId"],
        "windows": east.run_instances(
            ImageId=windows_ami, MinCount=1, MaxCount=1, InstanceType="m7i.large"
        )["Instances"][0]["InstanceId"],
        "ireland": west.run_instances(
            ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="m7i.large"
        )["Instances"][0]["InstanceId"],
        "gp3": west.create_volume(
            AvailabilityZone="eu-west-1a", Size=100, VolumeType="gp3", Iops=6000
        )["VolumeId"],
        "io2": east.create_volume(
            AvailabilityZone="us-east-1a", Size=50, VolumeType="io2", Iops=1000
        )["VolumeId"],
        "brazil": boto3.client("ec2", "sa-east-1").create_volume(
            AvailabilityZone="sa-east-1a", Size=20, VolumeType="gp3"
        )["VolumeId"],
        "old": west.run_instances(
            ImageId=windows_ami, MinCount=1, MaxCount=1, InstanceType="m4.large"
        )["Instances"][0]["InstanceId"],
    }
    ids["gp2"] = west.create_volume(AvailabilityZone="eu-west-1a", Size=500, VolumeType="gp2")[
        "VolumeId"
    ]
    west.attach_volume(VolumeId=ids["gp2"], InstanceId=ids["ireland"], Device="/dev/sdf")
    ids["snapshot"] = west.create_snapshot(VolumeId=ids["gp3"])["SnapshotId"]
    boto3.client("elb", "eu-west-1").create_load_balancer(
        LoadBalancerName="legacy",
        Listeners=[{"Protocol": "HTTP", "LoadBalancerPort": 80, "InstancePort": 80}],
        AvailabilityZones=["eu-west-1a"],
    )  # a classic load balancer with no instance behind it
    config = tmp_path / "config.toml"
    regions = ", ".join(f'"{r}"' for r in REGIONS)
    config.write_text(f"[inventory]\nregions = [{regions}]\nmetric_days = 1\n")
    yield server, ids, config
    server.stop()


def test_every_finding_is_priced_from_the_served_list_and_a_second_sync_asks_nothing(
    cli, db, estate
):
    server, ids, config = estate
    synced = cli("--db", db, "--config", config, "aws", "sync", "--no-costs")
    assert synced.exit_code == 0, synced.stderr
    asked = server.requests
    # One request per (type, region, platform): the instances' root volumes add theirs.
    assert f"AWS Price List Query API: {asked} product(s), {asked} request(s)" in synced.stderr

    vms = json.loads(cli("--db", db, "resources", "--kind", "vm", "-f", "json").stdout)
    cost = {r["resource_id"]: Decimal(r["monthly_cost"]) for r in vms["resources"]}
    assert cost[ids["linux"]] == Decimal("73.584")  # 0.1008 × 730
    assert cost[ids["ireland"]] == Decimal("82.052")  # eu-west-1's own price
    assert cost[ids["windows"]] == Decimal("140.744") > cost[ids["linux"]]

    waste = cli("--db", db, "--config", config, "waste", "--format", "json")
    assert waste.exit_code == 0, waste.stderr
    found = {f["resource_id"]: f for f in json.loads(waste.stdout)["findings"]}
    gp3 = found[ids["gp3"]]
    assert Decimal(gp3["monthly_savings"]) == Decimal("8.8") + 3000 * Decimal("0.0055")
    assert gp3["currency"] == "USD" and gp3["price_source"] == "list"
    assert (
        "AWS Price List Query API, effective 2025-06-01, fetched 2026-11-25" in (gp3["price_basis"])
    )
    io2 = found[ids["io2"]]
    assert Decimal(io2["monthly_savings"]) == 50 * Decimal("0.125") + 1000 * Decimal("0.065")
    brazil = found[ids["brazil"]]
    assert brazil["monthly_savings"] is None and brazil["price_source"] is None
    assert "no on-demand price for gp3 in sa-east-1" in brazil["price_basis"]

    # The rules' cheaper equivalents were priced at sync time from the same list:
    # gp2 500 GiB (1500 IOPS, 250 MiB/s) → gp3 with 3000 IOPS and 250 MiB/s in eu-west-1.
    gp2 = found[ids["gp2"]]
    gp3_price = 500 * Decimal("0.088") + 125 * Decimal("0.044")
    assert Decimal(gp2["monthly_savings"]) == 500 * Decimal("0.11") - gp3_price
    assert gp2["price_basis"].count("AWS Price List Query API") == 2
    # A Windows m4.large → m6i.large Windows, both eu-west-1 (not us-east-1, not Linux).
    old = found[ids["old"]]
    assert old["rule"] == "previous-generation"
    assert Decimal(old["monthly_savings"]) == (Decimal("0.222") - Decimal("0.199")) * 730

    # A classic load balancer with no instance: idle, its hourly price (LCU excluded).
    legacy = next(f for f in found.values() if f["name"] == "legacy")
    assert legacy["rule"] == "idle-load-balancer" and legacy["kind"] == "load_balancer"
    assert Decimal(legacy["monthly_savings"]) == Decimal("0.028") * 730
    # Snapshots at the eu-west-1 snapshot price (not the archive tier), by source size.
    snaps = json.loads(cli("--db", db, "resources", "--kind", "snapshot", "-f", "json").stdout)
    (snap,) = [r for r in snaps["resources"] if r["resource_id"] == ids["snapshot"]]
    assert Decimal(snap["monthly_cost"]) == 100 * Decimal("0.053")
    # The volume's size bounds what a snapshot stores from above, and the basis says so.
    assert "× 100 GB (an upper bound: its volume's size" in snap["price_basis"]

    again = cli("--db", db, "--config", config, "aws", "sync", "--no-costs")
    assert again.exit_code == 0, again.stderr
    assert server.requests == asked  # every price came from the cache

    runs = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    prices_runs = [r for r in runs if r["source"] == "prices"]
    assert [(r["status"], r["api_calls"]) for r in prices_runs] == [("ok", asked)]

    listing = json.loads(cli("--db", db, "prices", "--format", "json").stdout)
    products = {(p["sku"], p["variant"], p["region"], p["unit"]) for p in listing["prices"]}
    assert ("m7i.large", "Windows", "us-east-1", "hour") in products
    assert ("gp3", "", "sa-east-1", "none") in products


def test_prices_refresh_fetches_again_and_reprices_the_stored_inventory(cli, db, estate):
    server, ids, config = estate
    assert cli("--db", db, "--config", config, "aws", "sync", "--no-costs").exit_code == 0
    asked = server.requests
    server.products[0]["terms"]["OnDemand"] = {
        key: {
            **term,
            "priceDimensions": {
                k: {**d, "pricePerUnit": {"USD": "0.0900"}}
                for k, d in term["priceDimensions"].items()
            },
        }
        for key, term in server.products[0]["terms"]["OnDemand"].items()
    }
    refreshed = cli("--db", db, "--config", config, "prices", "--refresh")
    assert refreshed.exit_code == 0, refreshed.stderr
    assert server.requests == asked * 2
    assert f"{asked} price list request(s)" in refreshed.stderr
    vms = json.loads(cli("--db", db, "resources", "--kind", "vm", "-f", "json").stdout)
    cost = {r["resource_id"]: Decimal(r["monthly_cost"]) for r in vms["resources"]}
    assert cost[ids["linux"]] == Decimal("65.7")  # the new 0.09 × 730
    table = cli("--db", db, "prices")
    assert table.exit_code == 0 and "m7i.large Windows" in table.stdout


def test_a_refresh_reads_a_vms_platform_again_from_its_stored_payload(cli, db, estate):
    """A platform an earlier CloudSpy stored (here a spelling no price list maps, so
    the VM was unpriced) is read again from the VM's stored payload on ``prices
    --refresh``: the Windows VM is priced as Windows, as a sync would (#14)."""
    from cloudspy.store.connection import connect

    _, ids, config = estate
    assert cli("--db", db, "--config", config, "aws", "sync", "--no-costs").exit_code == 0
    with connect(db, read_only=False) as conn:
        conn.execute(
            "UPDATE resource SET platform = 'Windows (an older spelling)', monthly_cost = NULL,"
            " price_basis = 'unpriced: platform not mapped' WHERE resource_id = ?",
            [ids["windows"]],
        )
    refreshed = cli("--db", db, "--config", config, "prices", "--refresh")
    assert refreshed.exit_code == 0, refreshed.stderr
    vms = json.loads(cli("--db", db, "resources", "--kind", "vm", "-f", "json").stdout)
    [windows] = [r for r in vms["resources"] if r["resource_id"] == ids["windows"]]
    assert windows["platform"] == "Windows"
    assert Decimal(windows["monthly_cost"]) == Decimal("0.1928") * 730
    assert "m7i.large Windows in us-east-1" in windows["price_basis"]
