"""AWS list prices through boto3's real `pricing` client against a local Price List API (#14).

The server (tests/pricing/price_servers.py) speaks JSON 1.1 as the pinned
botocore does and answers in the recorded GetProducts shape. Prices below are
the fake catalogue's, chosen so every region and operating system differs.
"""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

import pytest

from cloudspy.models import resource as m
from cloudspy.models.resource import Resource
from cloudspy.pricing.price_lists import price_resources
from cloudspy.providers.aws.price_list import AwsPriceList
from tests.pricing.price_servers import AwsPriceServer


@pytest.fixture
def prices(monkeypatch):
    server = AwsPriceServer().start()
    server.instance("m7i.large", "us-east-1", "0.1008")
    server.instance("m7i.large", "eu-west-1", "0.1124")
    server.instance("m7i.large", "us-east-1", "0.1928", system="Windows")
    server.instance("m7i.large", "us-east-1", "0.1608", system="RHEL")
    server.instance("m7i.large", "us-east-1", "0.6808", system="Windows", software="SQL Std")
    server.volume("gp3", "eu-west-1", [("GB-Mo", "0", "0.088")])
    server.volume("gp3", "eu-west-1", [("IOPS-Mo", "0", "0.0055")], family="System Operation")
    server.volume(
        "gp3", "eu-west-1", [("GiBps-mo", "0", "45.056")], family="Provisioned Throughput"
    )
    server.volume("io2", "us-east-1", [("GB-Mo", "0", "0.125")])
    server.volume(
        "io2",
        "us-east-1",
        [("IOPS-Mo", "0", "0.065"), ("IOPS-Mo", "32000", "0.0455"), ("IOPS-Mo", "64000", "0.0319")],
        family="System Operation",
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL_PRICING", server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    yield server
    server.stop()


def price_list() -> AwsPriceList:
    """The production client factory's settings (CloudSpy counts and retries itself)."""
    import boto3

    from cloudspy.providers.aws.session import client_config

    session = boto3.Session(region_name="us-east-1")
    return AwsPriceList(
        lambda service, region: session.client(service, region, config=client_config())
    )


def vm(type_: str, region: str, platform: str | None = None, rid: str = "i-1") -> Resource:
    raw = {"InstanceId": rid, "PlatformDetails": platform} if platform else {"InstanceId": rid}
    return Resource("aws", "1", region, rid, m.VM, type=type_, raw=raw)


def volume(type_: str, region: str, size: float, iops: int, mibps: int | None = None) -> Resource:
    return Resource(
        "aws",
        "1",
        region,
        f"vol-{type_}-{region}",
        m.DISK,
        type=type_,
        size_gb=size,
        iops=iops,
        throughput_mibps=mibps,
    )


def test_each_region_and_operating_system_gets_its_own_served_price(db, prices):
    linux, ireland = vm("m7i.large", "us-east-1"), vm("m7i.large", "eu-west-1", rid="i-2")
    windows = vm("m7i.large", "us-east-1", "Windows", rid="i-3")
    moto_windows = Resource(
        "aws", "1", "us-east-1", "i-4", m.VM, type="m7i.large", raw={"Platform": "windows"}
    )
    rhel = vm("m7i.large", "us-east-1", "Red Hat Enterprise Linux", rid="i-5")
    sql = vm("m7i.large", "us-east-1", "Windows with SQL Server Standard", rid="i-6")
    resources = [linux, ireland, windows, moto_windows, rhel, sql]
    outcome = price_resources(db, resources, {"aws": price_list()})
    assert linux.monthly_cost == Decimal("0.1008") * 730
    assert ireland.monthly_cost == Decimal("0.1124") * 730  # not us-east-1's price
    assert windows.monthly_cost == moto_windows.monthly_cost == Decimal("0.1928") * 730
    assert rhel.monthly_cost == Decimal("0.1608") * 730
    assert sql.monthly_cost == Decimal("0.6808") * 730
    assert windows.monthly_cost > rhel.monthly_cost > linux.monthly_cost
    assert linux.price_basis == (
        "list price of m7i.large Linux/UNIX in us-east-1: 0.1008 USD/hour × 730 hours"
        " (AWS Price List Query API, effective 2025-06-01, fetched 2026-11-25)"
    )
    assert outcome.requests == {"aws": 5}  # one per (type, region, platform): 5 distinct
    bodies = {
        tuple(sorted((f["Field"], f["Value"]) for f in body["Filters"])) for body in prices.bodies
    }
    sql_filters = next(b for b in bodies if ("preInstalledSw", "SQL Std") in b)
    assert ("operatingSystem", "Windows") in sql_filters and ("tenancy", "Shared") in sql_filters


def test_rhel_with_ha_or_sql_server_is_priced_by_its_operation_code(db, prices):
    """RHEL with the HA add-on, or with SQL Server, is asked for by the instance's
    operation code (RHEL with HA: RunInstances:1010; with SQL Server Standard:
    RunInstances:0014), which no operatingSystem/preInstalledSw pair tells apart."""
    prices.instance("m7i.large", "us-east-1", "0.2208", system="Red Hat Enterprise Linux with HA",
                    operation="RunInstances:1010")  # fmt: skip
    prices.instance("m7i.large", "us-east-1", "0.6308", system="RHEL", software="SQL Std",
                    operation="RunInstances:0014")  # fmt: skip
    ha = vm("m7i.large", "us-east-1", "Red Hat Enterprise Linux with HA", rid="i-7")
    sql = vm(
        "m7i.large", "us-east-1", "Red Hat Enterprise Linux with SQL Server Standard", rid="i-8"
    )
    web = vm("m7i.large", "us-east-1", "Red Hat Enterprise Linux with SQL Server Web", rid="i-9")
    price_resources(db, [ha, sql, web], {"aws": price_list()})
    assert ha.monthly_cost == Decimal("0.2208") * 730
    assert sql.monthly_cost == Decimal("0.6308") * 730
    assert web.monthly_cost is None  # the list has no RunInstances:0210 product here
    assert "Red Hat Enterprise Linux with SQL Server Web" in web.price_basis
    bodies = [{f["Field"]: f["Value"] for f in body["Filters"]} for body in prices.bodies]
    asked = [b for b in bodies if "operation" in b]
    assert sorted(b["operation"] for b in asked) == [
        "RunInstances:0014", "RunInstances:0210", "RunInstances:1010"
    ]  # fmt: skip
    assert all("operatingSystem" not in b for b in asked)


def test_volumes_are_priced_as_billed_with_performance_above_the_included(db, prices):
    gp3 = volume("gp3", "eu-west-1", 100, iops=6000, mibps=250)
    io2 = volume("io2", "us-east-1", 50, iops=40000)
    price_resources(db, [gp3, io2], {"aws": price_list()})
    # gp3: 100 GB + (6000 − 3000) IOPS + (250 − 125) MiB/s, throughput per GiB/s ÷ 1024.
    assert gp3.monthly_cost == Decimal("8.8") + 3000 * Decimal("0.0055") + 125 * Decimal("0.044")
    # io2: every provisioned IOPS, tiered at 32,000.
    assert io2.monthly_cost == (
        50 * Decimal("0.125") + 32000 * Decimal("0.065") + 8000 * Decimal("0.0455")
    )
    assert "3000 IOPS billed" in gp3.price_basis and "125 MiB/s billed" in gp3.price_basis


def test_a_second_run_asks_nothing_until_the_prices_are_older_than_the_age(db, prices, monkeypatch):
    first = [vm("m7i.large", "us-east-1"), volume("gp3", "eu-west-1", 10, iops=3000)]
    price_resources(db, first, {"aws": price_list()})
    asked = prices.requests
    again = [vm("m7i.large", "us-east-1"), volume("gp3", "eu-west-1", 10, iops=3000)]
    outcome = price_resources(db, again, {"aws": price_list()})
    assert prices.requests == asked and outcome.requests == {}
    assert [r.monthly_cost for r in again] == [r.monthly_cost for r in first]
    monkeypatch.setenv("CLOUDSPY_NOW", "2026-12-03T12:00:00")  # 8 days on: older than 7
    later = [vm("m7i.large", "us-east-1")]
    assert price_resources(db, later, {"aws": price_list()}).requests == {"aws": 1}
    assert "fetched 2026-12-03" in later[0].price_basis


def test_pages_are_followed_and_throttling_is_retried(db, prices, monkeypatch):
    monkeypatch.setattr(time, "sleep", lambda _: None)
    prices.page_size = 1  # the gp3 answer is three products: three pages
    prices.throttle = 1
    gp3 = volume("gp3", "eu-west-1", 100, iops=4000, mibps=125)
    outcome = price_resources(db, [gp3], {"aws": price_list()})
    assert outcome.requests == {"aws": 4}  # 1 throttled + 3 pages
    assert gp3.monthly_cost == Decimal("8.8") + 1000 * Decimal("0.0055")


def test_an_unknown_type_is_unpriced_with_the_reason_and_not_asked_again(db, prices):
    unknown = vm("m9z.large", "us-east-1")
    price_resources(db, [unknown], {"aws": price_list()})
    assert unknown.monthly_cost is None
    assert unknown.price_basis.startswith(
        "unpriced: the price list has no on-demand price for m9z.large Linux/UNIX in us-east-1"
    )
    asked = prices.requests
    price_resources(db, [vm("m9z.large", "us-east-1")], {"aws": price_list()})
    assert prices.requests == asked


def test_an_unmapped_platform_is_refused_not_priced_as_linux(db, prices):
    odd = vm("m7i.large", "us-east-1", "Some New Platform")
    price_resources(db, [odd], {"aws": price_list()})
    assert odd.monthly_cost is None
    assert "platform 'Some New Platform'" in odd.price_basis


def test_unreachable_keeps_cached_prices_and_else_only_the_tables_own_region(
    db, prices, monkeypatch
):
    monkeypatch.setattr(time, "sleep", lambda _: None)
    cached = [vm("m7i.large", "eu-west-1")]
    price_resources(db, cached, {"aws": price_list()})
    prices.stop()  # the API is now unreachable
    again = [vm("m7i.large", "eu-west-1")]
    outcome = price_resources(db, again, {"aws": price_list()}, refresh=True)
    assert "cannot reach AWS" in outcome.errors["aws"]
    assert again[0].monthly_cost == cached[0].monthly_cost
    assert "; cached, not refreshed: cannot reach AWS" in again[0].price_basis
    # Nothing cached: the shipped table answers for its own region and date only.
    home = vm("m5.large", "us-east-1", rid="i-home")
    away = vm("m5.large", "sa-east-1", rid="i-away")
    price_resources(db, [home, away], {"aws": price_list()})
    assert home.monthly_cost == Decimal("0.096") * 730
    assert "as of 2024-02-01" in home.price_basis
    assert away.monthly_cost is None
    assert "us-east-1 only" in away.price_basis and "cannot reach AWS" in away.price_basis


def test_prices_are_kept_in_the_store_with_their_dates(db, prices):
    from cloudspy.store.connection import connect
    from cloudspy.store.price_cache import cached_prices

    price_resources(db, [vm("m7i.large", "us-east-1")], {"aws": price_list()})
    with connect(db) as conn:
        (price,) = next(iter(cached_prices(conn).values()))
    assert (price.unit, price.price, price.currency) == ("hour", Decimal("0.1008"), "USD")
    assert price.effective.isoformat() == "2025-06-01"
    assert price.fetched_at == datetime(2026, 11, 25, 12, 0)


def test_public_ipv4_addresses_are_priced_from_amazon_vpc_by_their_usage_type(db, prices):
    """Public IPv4 moved to service AmazonVPC in 2024; its rows have no product family,
    so the usage type (idle or in use, region prefix and all) picks the address out of
    the region's VPC products (a NAT gateway row sits beside it here)."""
    for region, prefix in (("us-east-1", "USE1"), ("sa-east-1", "SAE1")):
        prices.usage("AmazonVPC", "", region, f"{prefix}-NatGateway-Hours", [("Hrs", "0", "0.045")])
        prices.usage("AmazonVPC", "", region, f"{prefix}-PublicIPv4:IdleAddress",
                     [("Hrs", "0", "0.005" if prefix == "USE1" else "0.0055")])  # fmt: skip
        prices.usage("AmazonVPC", "", region, f"{prefix}-PublicIPv4:InUseAddress",
                     [("Hrs", "0", "0.005")])  # fmt: skip

    def address(region: str, attached: bool, rid: str) -> Resource:
        return Resource("aws", "1", region, rid, m.IP, type="vpc", attached=attached)

    idle, in_use = address("us-east-1", False, "eipalloc-1"), address("us-east-1", True, "eip-2")
    elsewhere = address("sa-east-1", False, "eipalloc-3")
    outcome = price_resources(db, [idle, in_use, elsewhere], {"aws": price_list()})
    assert idle.monthly_cost == Decimal("0.005") * 730
    assert in_use.monthly_cost == Decimal("0.005") * 730
    assert elsewhere.monthly_cost == Decimal("0.0055") * 730  # the region's own price
    assert "PublicIPv4:IdleAddress in sa-east-1" in elsewhere.price_basis
    assert outcome.requests == {"aws": 3}
    assert {body["ServiceCode"] for body in prices.bodies} == {"AmazonVPC"}


def test_a_snapshot_basis_says_its_size_is_an_upper_bound():
    """What an EBS snapshot stores is at most the blocks written to its volume (or the
    volume's size): the basis says which; a volume's size is what it bills."""
    from cloudspy.providers.registry import price_note

    def snap(raw):
        return Resource("aws", "1", "us-east-1", "snap-1", m.SNAPSHOT, size_gb=12.0, raw=raw)

    written = price_note(snap({"FullSnapshotSizeInBytes": 12 * 2**30, "VolumeSize": 100}))
    assert written.startswith("an upper bound: its volume's written blocks")
    assert price_note(snap({"VolumeSize": 100})).startswith("an upper bound: its volume's size")
    assert price_note(Resource("aws", "1", "us-east-1", "vol-1", m.DISK, size_gb=100.0)) == ""
    assert price_note(Resource("gcp", "p", "global", "s", m.SNAPSHOT, size_gb=1.0)) == ""


def test_an_archived_snapshot_bills_its_full_size_at_the_archive_rate(db, prices):
    """A snapshot in the archive tier is a full copy billed at the archive rate
    (EBS:SnapshotArchiveStorage); a standard one at the snapshot rate, as an upper bound."""
    for usage, price in (("EBS:SnapshotUsage", "0.05"), ("EBS:SnapshotArchiveStorage", "0.0125")):
        prices.usage("AmazonEC2", "Storage Snapshot", "us-east-1", usage, [("GB-Mo", "0", price)])

    def snap(rid, tier):
        return Resource("aws", "1", "us-east-1", rid, m.SNAPSHOT, type=tier, size_gb=100.0,
                        raw={"SnapshotId": rid, "StorageTier": tier, "VolumeSize": 100})  # fmt: skip

    standard, archived = snap("snap-1", "standard"), snap("snap-2", "archive")
    price_resources(db, [standard, archived], {"aws": price_list()})
    assert standard.monthly_cost == 100 * Decimal("0.05")
    assert archived.monthly_cost == 100 * Decimal("0.0125")
    assert "upper bound" in standard.price_basis and "upper bound" not in archived.price_basis
