"""GCP list prices through google-cloud-billing's real CloudCatalogClient (REST) against a
local `services.skus.list` serving recorded SKUs, paged, with quota errors (#14)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cloudspy.errors import ProviderError
from cloudspy.models import resource as m
from cloudspy.models.prices import PriceKey
from cloudspy.models.resource import Resource
from cloudspy.pricing.price_lists import price_resources
from cloudspy.providers.gcp.catalog import GcpCatalog, platform_of
from cloudspy.providers.gcp.inventory import normalize_snapshot
from tests.pricing.price_servers import FIXTURES, GcpCatalogServer

AMERICAS = ["us-central1", "us-east1", "us-west1"]


@pytest.fixture
def catalog():
    import json

    server = GcpCatalogServer(page_size=4)
    # The recorded page as it is (N2D, A2, C2D, T2D, sole tenancy, PD capacity …).
    server.skus += json.loads((FIXTURES / "skus.json").read_text("utf-8"))["skus"]
    server.sku("N2 Instance Core running in Americas", AMERICAS, [(0, 0, 31611000)])
    server.sku(
        "N2 Instance Ram running in Americas", AMERICAS, [(0, 0, 4237000)], group="RAM",
        usage_unit="GiBy.h",
    )  # fmt: skip
    server.sku("N2 Instance Core running in Frankfurt", ["europe-west3"], [(0, 0, 38000000)])
    server.sku(
        "N2 Instance Ram running in Frankfurt", ["europe-west3"], [(0, 0, 5100000)],
        group="RAM", usage_unit="GiBy.h",
    )  # fmt: skip
    server.sku("Spot Preemptible N2 Instance Core running in Americas", AMERICAS, [(0, 0, 7)])
    server.sku(
        "Storage PD Snapshot in US", ["us"], [(0, 0, 50000000)], group="PDSnapshot",
        usage_unit="GiBy.mo",
    )  # fmt: skip
    server.sku("N2 Custom Instance Core running in Americas", AMERICAS, [(0, 0, 33191000)])
    server.sku(
        "N2 Custom Instance Ram running in Americas", AMERICAS, [(0, 0, 4449000)], group="RAM",
        usage_unit="GiBy.h",
    )  # fmt: skip
    server.sku("Custom Instance Core running in Americas", AMERICAS, [(0, 0, 34806000)])
    server.sku(
        "Custom Instance Ram running in Americas", AMERICAS, [(0, 0, 4660000)], group="RAM",
        usage_unit="GiBy.h",
    )  # fmt: skip
    yield server.start()
    server.stop()


def gcp_catalog(server) -> GcpCatalog:
    from google.auth.credentials import AnonymousCredentials

    return GcpCatalog(AnonymousCredentials, server.url)


def vm(type_, region="us-central1", rid="vm1", raw=None):
    return Resource("gcp", "p", region, rid, m.VM, type=type_, raw=raw)


def test_machine_types_are_cores_plus_memory_of_their_series_in_their_region(db, catalog):
    central, frankfurt = vm("n2-standard-4"), vm("n2-standard-4", "europe-west3", "vm2")
    recorded = vm("n2d-standard-2", rid="vm3")
    disk = Resource("gcp", "p", "us-central1", "d1", m.DISK, type="pd-standard", size_gb=100)
    outcome = price_resources(
        db, [central, frankfurt, recorded, disk], {"gcp": gcp_catalog(catalog)}
    )
    hourly = 4 * Decimal("0.031611") + 16 * Decimal("0.004237")
    assert central.monthly_cost == hourly * 730  # the Spot and Custom SKUs are left out
    assert frankfurt.monthly_cost == (4 * Decimal("0.038") + 16 * Decimal("0.0051")) * 730
    # The recorded N2D SKUs, as published: 2 × 0.027502 + 8 GiB × 0.003686 per hour.
    assert recorded.monthly_cost == (2 * Decimal("0.027502") + 8 * Decimal("0.003686")) * 730
    # The recorded PD SKU is tiered: the first 30 GiB at 0, the rest at 0.04.
    assert disk.monthly_cost == 70 * Decimal("0.04")
    assert "Cloud Billing Catalog API, effective 2023-03-" in central.price_basis
    pages = -(-len(catalog.skus) // 4)
    assert outcome.requests == {"gcp": pages} and catalog.requests == pages


def test_snapshots_bill_their_stored_bytes_where_they_are_stored(db, catalog):
    stored = Resource("gcp", "p", "global", "s1", m.SNAPSHOT, size_gb=50.0,
                      raw={"storageLocations": ["us"], "storageBytes": str(50 * 2**30)})  # fmt: skip
    elsewhere = Resource(
        "gcp", "p", "global", "s2", m.SNAPSHOT, size_gb=2.0, raw={"storageLocations": ["asia"]}
    )
    price_resources(db, [stored, elsewhere], {"gcp": gcp_catalog(catalog)})
    assert stored.monthly_cost == 50 * Decimal("0.05")
    assert "upper bound" not in stored.price_basis
    assert elsewhere.monthly_cost is None
    assert "no Storage PD Snapshot SKU for asia" in elsewhere.price_basis


def test_a_snapshot_without_stored_bytes_is_an_upper_bound_and_an_archive_one_unpriced(db, catalog):
    """Sized by the source disk when the API gives no ``storageBytes``: priced, and the
    basis says it is an upper bound. An ARCHIVE snapshot bills another rate: refused,
    not priced at the standard one."""
    sized = normalize_snapshot(
        {"name": "s3", "diskSizeGb": "200", "storageLocations": ["us"], "status": "READY"}, "p"
    )
    archive = normalize_snapshot(
        {"name": "s4", "storageBytes": str(40 * 2**30), "storageLocations": ["us"],
         "snapshotType": "ARCHIVE", "status": "READY"}, "p"
    )  # fmt: skip
    price_resources(db, [sized, archive], {"gcp": gcp_catalog(catalog)})
    assert sized.size_gb == 200 and sized.monthly_cost == 200 * Decimal("0.05")
    assert "(an upper bound: its disk's size; the API reported no bytes stored)" in (
        sized.price_basis
    )
    assert archive.monthly_cost is None
    assert "an archive snapshot bills the archive rate" in archive.price_basis


def test_quota_errors_are_retried_and_counted(db, catalog):
    catalog.throttle = 1
    found = gcp_catalog(catalog).fetch(
        [PriceKey("gcp", m.VM, "us-central1", "n2-standard-2", "Linux")], print
    )
    assert found.requests == catalog.requests == -(-len(catalog.skus) // 4) + 1
    assert found.prices[0].price == 2 * Decimal("0.031611") + 8 * Decimal("0.004237")


def licensed(project: str, name: str, *, data_disk: str | None = None) -> dict:
    """An instance's disks as the API lists them: the boot disk carries its image's licence."""
    url = f"https://www.googleapis.com/compute/v1/projects/{project}/global/licenses/{name}"
    disks = [{"boot": True, "licenses": [url]}]
    if data_disk:
        disks.append({"boot": False, "licenses": [data_disk]})
    return {"disks": disks}


_RHEL_SAP = (
    "Licensing Fee for Red Hat Enterprise Linux 9 for SAP with High Availability and Update"
    " Services"
)


def _licence_skus(server) -> None:
    """Licence SKUs as the catalog lists them: global, hourly, one fee per VM or vCPU."""
    for description, nanos in (
        ("Licensing Fee for Windows Server 2022 Datacenter Edition on VM", 46000000),
        ("Licensing Fee for Windows Server 2022 Datacenter Edition on f1-micro", 20000000),
        # Per vCPU in the VM's band (rates as the catalog lists them, 2025).
        ("Licensing Fee for Red Hat Enterprise Linux 9 on VM with up to 8 VCPU", 14400000),
        ("Licensing Fee for Red Hat Enterprise Linux 9 on VM with 9 to 127 VCPU", 10800000),
        ("Licensing Fee for Red Hat Enterprise Linux 9 on VM with 128 VCPU or more", 9600000),
        # RHEL for SAP: per vCPU, rates falling with the band; SLES for SAP: per VM,
        # rising with it (descriptions as the catalog lists them).
        *(
            (f"{_RHEL_SAP} on VM with {band}", nanos)
            for band, nanos in (
                ("up to 8 VCPU", 22500000),
                ("9 to 127 VCPU", 16250000),
                ("128 or more VCPU", 15000000),
            )
        ),
        *(
            (f"Licensing Fee for SLES 15 For SAP License on VM with {band}", nanos)
            for band, nanos in (
                ("1 to 3 VCPU", 170000000),
                ("4 VCPU", 340000000),
                ("6 or more VCPU", 410000000),
            )
        ),
        # The older per-VM model's RHEL SKUs (unit unconfirmed): never used.
        ("Licensing Fee for Red Hat Enterprise Linux 8 on VM with 1 to 4 VCPU", 60000000),
        ("Licensing Fee for Red Hat Enterprise Linux 8 on VM with 6 or more VCPU", 130000000),
        ("Licensing Fee for SUSE Linux Enterprise Server 15 (CPU cost)", 110000000),
        ("Licensing Fee for SQL Server 2019 Standard on VM with 4 VCPU", 658000000),
        # The newer pair: a flat fee for up to 4 vCPUs, four times the per-vCPU rate
        # above; a 2017 Enterprise pair whose prices do not show that shape.
        ("Licensing Fee for SQL Server 2022 Standard on VM with up to 4 VCPU", 658000000),
        ("Licensing Fee for SQL Server 2022 Standard on VM with more than 4 VCPU", 164500000),
        ("Licensing Fee for SQL Server 2017 Enterprise on VM with up to 4 VCPU", 399000000),
        ("Licensing Fee for SQL Server 2017 Enterprise on VM with more than 4 VCPU", 399000000),
    ):
        server.sku(description, ["global"], [(0, 0, nanos)], group="Google")
    server.sku("Commitment v1: RHEL 9 for 1 Year", ["global"], [(0, 0, 1)], usage_type="Commit1Yr")


def test_premium_images_add_their_licence_to_the_machine(db, catalog):
    """Windows Server bills per vCPU, RHEL per vCPU at its band's rate, SLES per VM;
    f1-micro (the recorded page's machine SKU, $0.0076/h) has its own Windows SKU."""
    _licence_skus(catalog)
    windows = vm("n2-standard-4", rid="w", raw=licensed("windows-cloud", "windows-server-2022-dc"))
    rhel = vm("n2-standard-4", rid="r", raw=licensed("rhel-cloud", "rhel-9-server"))
    big_rhel = vm("n2-standard-16", rid="r16", raw=licensed("rhel-cloud", "rhel-9-server"))
    sles = vm("n2-standard-4", rid="s", raw=licensed("suse-cloud", "sles-15"))
    huge = vm("n2-standard-128", rid="r128", raw=licensed("rhel-cloud", "rhel-9-server"))
    micro = vm("f1-micro", rid="m", raw=licensed("windows-cloud", "windows-server-2022-dc"))
    estate = [windows, rhel, big_rhel, sles, micro, huge]
    price_resources(db, estate, {"gcp": gcp_catalog(catalog)})
    machine = 4 * Decimal("0.031611") + 16 * Decimal("0.004237")
    big = 16 * Decimal("0.031611") + 64 * Decimal("0.004237")
    assert windows.monthly_cost == (machine + 4 * Decimal("0.046")) * 730
    assert rhel.monthly_cost == (machine + 4 * Decimal("0.0144")) * 730
    assert big_rhel.monthly_cost == (big + 16 * Decimal("0.0108")) * 730
    assert sles.monthly_cost == (machine + Decimal("0.11")) * 730
    per_vcpu = Decimal("0.031611") + 4 * Decimal("0.004237")
    assert huge.monthly_cost == 128 * (per_vcpu + Decimal("0.0096")) * 730  # "128 VCPU or more"
    assert micro.monthly_cost == (Decimal("0.0076") + Decimal("0.02")) * 730
    assert "list price of n2-standard-4 Windows Server 2022 in us-central1" in windows.price_basis
    assert (
        "(machine 0.194236 + licence 0.184 4 × Licensing Fee for Windows Server 2022"
        " Datacenter Edition on VM)"
    ) in windows.price_basis
    assert (windows.platform, rhel.platform) == (None, None)  # read from the raw disks
    assert platform_of(windows.raw) == "Windows Server 2022"
    assert platform_of(licensed("windows-cloud", "windows-server-2012-r2-dc")) == (
        "Windows Server 2012 R2"
    )
    assert platform_of({"disks": [{"boot": True}]}) == "Linux"


def test_sap_images_bill_rhel_for_sap_per_vcpu_and_sles_for_sap_per_vm(db, catalog):
    """RHEL for SAP bills each vCPU at its band's rate; SLES for SAP one fee per VM in
    the band that holds its vCPUs. A 5-vCPU machine is in no SLES for SAP band."""
    _licence_skus(catalog)
    rhel_sap = licensed("rhel-sap-cloud", "rhel-9-sap")
    sles_sap = licensed("suse-sap-cloud", "sles-sap-15")
    estate = {
        "rhel4": vm("n2-standard-4", rid="a", raw=rhel_sap),
        "rhel16": vm("n2-standard-16", rid="b", raw=rhel_sap),
        "sles2": vm("n2-standard-2", rid="c", raw=sles_sap),
        "sles4": vm("n2-standard-4", rid="d", raw=sles_sap),
        "sles8": vm("n2-standard-8", rid="e", raw=sles_sap),
        "sles5": vm("n2-custom-5-20480", rid="f", raw=sles_sap),
    }
    price_resources(db, list(estate.values()), {"gcp": gcp_catalog(catalog)})
    per_vcpu = Decimal("0.031611") + 4 * Decimal("0.004237")
    cost = {name: r.monthly_cost for name, r in estate.items()}
    assert platform_of(rhel_sap) == "RHEL for SAP 9" and platform_of(sles_sap) == "SLES for SAP 15"
    assert cost["rhel4"] == 4 * (per_vcpu + Decimal("0.0225")) * 730
    assert cost["rhel16"] == 16 * (per_vcpu + Decimal("0.01625")) * 730
    assert cost["sles2"] == (2 * per_vcpu + Decimal("0.17")) * 730
    assert cost["sles4"] == (4 * per_vcpu + Decimal("0.34")) * 730  # "with 4 VCPU"
    assert cost["sles8"] == (8 * per_vcpu + Decimal("0.41")) * 730  # "6 or more VCPU"
    assert cost["sles5"] is None
    assert "no single hourly Licensing Fee for SLES 15 For SAP License SKU" in (
        estate["sles5"].price_basis
    )


def test_a_licence_of_an_unknown_project_is_said_to_be_left_out(db, catalog):
    """A Debian VM (a free project's licence, and nested virtualization's) is priced as
    Linux with nothing to say; one whose disk names a Marketplace vendor's licence is
    priced as Linux too, and its basis says that licence's fee is left out."""
    free = licensed("debian-cloud", "debian-12-bookworm")
    free["disks"][0]["licenses"].append(
        "https://www.googleapis.com/compute/v1/projects/vm-options/global/licenses/enable-vmx"
    )
    vendor = licensed("example-vendor-public", "appliance-payg")
    debian = vm("n2-standard-4", rid="d", raw=free)
    appliance = vm("n2-standard-4", rid="a", raw=vendor)
    price_resources(db, [debian, appliance], {"gcp": gcp_catalog(catalog)})
    machine = 4 * Decimal("0.031611") + 16 * Decimal("0.004237")
    assert debian.monthly_cost == appliance.monthly_cost == machine * 730
    assert "leaves out" not in debian.price_basis
    assert (
        "× 730 hours (leaves out any fee of its licence example-vendor-public/appliance-payg,"
        " which CloudSpy does not price)"
    ) in appliance.price_basis


def test_sql_server_images_bill_windows_per_vcpu_and_sql_per_vm_of_their_vcpus(db, catalog):
    """A SQL Server image carries the Windows Server licence and the SQL Server one; the
    SQL SKU is named for the VM's exact vCPU count and bills per VM. Express bills none."""
    _licence_skus(catalog)
    windows = "https://www.googleapis.com/compute/v1/projects/windows-cloud/global/licenses/windows-server-2022-dc"
    sql = licensed("windows-sql-cloud", "sql-server-2019-standard")
    sql["disks"][0]["licenses"].append(windows)
    express = licensed("windows-sql-cloud", "sql-server-2019-express")
    express["disks"][0]["licenses"].append(windows)
    standard = vm("n2-standard-4", rid="q1", raw=sql)
    free = vm("n2-standard-4", rid="q2", raw=express)
    price_resources(db, [standard, free], {"gcp": gcp_catalog(catalog)})
    machine = 4 * Decimal("0.031611") + 16 * Decimal("0.004237")
    windows_fee = 4 * Decimal("0.046")
    assert platform_of(sql) == "Windows Server 2022+SQL Server 2019 Standard"
    assert standard.monthly_cost == (machine + windows_fee + Decimal("0.658")) * 730
    assert platform_of(express) == "Windows Server 2022"
    assert free.monthly_cost == (machine + windows_fee) * 730


def test_sql_server_from_the_newer_pair_bills_four_cores_at_least(db, catalog):
    """Only the newer pair lists SQL Server 2022 Standard: a flat $0.658 for up to 4
    vCPUs, exactly four times the $0.1645 per vCPU above. A 2-vCPU machine bills the
    flat fee, an 8-vCPU one 8 × the rate."""
    _licence_skus(catalog)
    windows = "https://www.googleapis.com/compute/v1/projects/windows-cloud/global/licenses/windows-server-2022-dc"
    sql = licensed("windows-sql-cloud", "sql-server-2022-standard")
    sql["disks"][0]["licenses"].append(windows)
    small = vm("n2-standard-2", rid="q1", raw=sql)
    large = vm("n2-standard-8", rid="q2", raw=sql)
    price_resources(db, [small, large], {"gcp": gcp_catalog(catalog)})
    per_vcpu = Decimal("0.031611") + 4 * Decimal("0.004237") + Decimal("0.046")
    assert small.monthly_cost == (2 * per_vcpu + Decimal("0.658")) * 730
    assert large.monthly_cost == (8 * per_vcpu + 8 * Decimal("0.1645")) * 730


def test_what_the_catalog_cannot_price_says_why(db, catalog):
    _licence_skus(catalog)
    sql = licensed("windows-sql-cloud", "sql-server-2017-enterprise")
    sql["disks"][0]["licenses"].insert(
        0, "https://www.googleapis.com/compute/v1/projects/windows-cloud/global/licenses/windows-server-2022-dc"
    )  # fmt: skip
    unpriced = {
        "sql": vm("n2-standard-4", rid="vm1", raw=sql),
        "rhel8": vm("n2-standard-4", rid="vm2", raw=licensed("rhel-cloud", "rhel-8-server")),
        # The older per-VM "1 to 4" and "6 or more VCPU" SKUs' unit is unconfirmed.
        "rhel8_big": vm("n2-standard-8", rid="vm8", raw=licensed("rhel-cloud", "rhel-8-server")),
        "shared": vm("e2-medium", rid="vm3", raw=licensed("windows-cloud", "windows-server-2022-dc")),
        "odd": vm("n2-standard-4", rid="vm7", raw=licensed("windows-cloud", "windows-server-2019-byol")),
        "extended": vm("n2-custom-4-40960-ext", rid="vm5"),
        "far": vm("n2-standard-4", "asia-south1", "vm6"),
    }  # fmt: skip
    for resource in unpriced.values():
        resource.platform = platform_of(resource.raw)  # as the inventory records it
    price_resources(db, list(unpriced.values()), {"gcp": gcp_catalog(catalog)})
    why = {name: r.price_basis for name, r in unpriced.items()}
    # A newer pair whose prices are not a four-core fee and its per-core rate: refused.
    assert (
        "Windows Server 2022+SQL Server 2017 Enterprise licence: the catalog's Licensing Fee"
        " for SQL Server 2017 Enterprise SKUs for up to 4 and more than 4 vCPUs are not a"
        " four-core fee and its per-core rate, so their units are unknown"
    ) in why["sql"]
    assert (
        "RHEL 8 licence: the catalog has no single hourly Licensing Fee for Red Hat"
        " Enterprise Linux 8 SKU for n2-standard-4"
    ) in why["rhel8"]
    assert "Licensing Fee for Red Hat Enterprise Linux 8 SKU for n2-standard-8" in why["rhel8_big"]
    assert "licence fee of shared-core e2-medium is not priced" in why["shared"]
    assert "Windows Server (windows-server-2019-byol) images bill a licence SKU" in why["odd"]
    assert "no custom N2 extended memory SKU for us-central1" in why["extended"]
    assert why["far"].startswith(
        "unpriced: the catalog has no on-demand N2 core and RAM SKUs for asia-south1"
    )
    assert all(r.monthly_cost is None for r in unpriced.values())


def test_custom_types_bill_the_vcpus_and_memory_in_their_name_at_the_custom_skus(db, catalog):
    """`n2-custom-4-16384`: 4 vCPUs and 16 GiB at N2's custom SKUs (not the predefined
    ones); `custom-2-7680` is N1, whose custom SKUs name no series."""
    n2, n1 = vm("n2-custom-4-16384", rid="c1"), vm("custom-2-7680", rid="c2")
    odd = vm("c3-custom-4-16384", rid="c3")
    catalog.sku(
        "N2 Custom Extended Instance Ram running in Americas", AMERICAS, [(0, 0, 9550000)],
        group="RAM", usage_unit="GiBy.h",
    )  # fmt: skip
    # 40 GiB on 4 vCPUs: 32 GiB (8 per vCPU) at the custom RAM SKU, 8 at the extended one.
    extended = vm("n2-custom-4-40960-ext", rid="c4")
    e2_ext = vm("e2-custom-4-40960-ext", rid="c5")
    price_resources(db, [n2, n1, odd, extended, e2_ext], {"gcp": gcp_catalog(catalog)})
    assert (
        extended.monthly_cost
        == (4 * Decimal("0.033191") + 32 * Decimal("0.004449") + 8 * Decimal("0.00955")) * 730
    )
    assert e2_ext.monthly_cost is None and "E2 custom types have no extended" in e2_ext.price_basis
    assert n2.monthly_cost == (4 * Decimal("0.033191") + 16 * Decimal("0.004449")) * 730
    assert n1.monthly_cost == (2 * Decimal("0.034806") + Decimal("7.5") * Decimal("0.00466")) * 730
    assert odd.monthly_cost is None and "custom C3 types are not priced yet" in odd.price_basis


def test_unreachable_is_one_clear_error(catalog):
    catalog.stop()
    with pytest.raises(ProviderError, match="Cloud Billing Catalog"):
        gcp_catalog(catalog).fetch([PriceKey("gcp", m.DISK, "us-central1", "pd-ssd")], print)


def test_extreme_and_hyperdisks_bill_capacity_and_provisioned_performance(db, catalog):
    """Hyperdisk Balanced includes 3,000 IOPS and 140 MiB/s; pd-extreme bills every IOPS;
    Hyperdisk Throughput's throughput SKU must not be taken for its capacity SKU."""
    iowa = ["us-central1"]
    # (description, USD nanos, usage unit): one hourly SKU checks the 730-hour month.
    for description, nanos, unit in (
        ("Hyperdisk Balanced Capacity in Iowa", 80000000, "GiBy.mo"),
        ("Hyperdisk Balanced IOPS in Iowa", 10000, "h"),
        ("Hyperdisk Balanced Throughput in Iowa", 40000000, "mo"),
        ("Hyperdisk Balanced High Availability Capacity in Iowa", 9, "GiBy.mo"),
        ("Extreme PD Capacity in Iowa", 125000000, "GiBy.mo"),
        ("Extreme PD IOPS in Iowa", 65000000, "mo"),
        ("Hyperdisk Throughput Capacity in Iowa", 5000000, "GiBy.mo"),
        ("Hyperdisk Throughput Throughput Capacity in Iowa", 250000000, "mo"),
    ):
        catalog.sku(description, iowa, [(0, 0, nanos)], group="SSD", usage_unit=unit)

    def disk(rid, type_, size, iops=None, mibps=None):
        return Resource("gcp", "p", "us-central1", rid, m.DISK, type=type_, size_gb=size,
                        iops=iops, throughput_mibps=mibps)  # fmt: skip

    balanced = disk("hb", "hyperdisk-balanced", 100, 5000, 200)
    baseline = disk("hb0", "hyperdisk-balanced", 100, 3000, 140)
    extreme = disk("ext", "pd-extreme", 500, 10000)
    throughput = disk("ht", "hyperdisk-throughput", 2048, None, 90)
    unknown = disk("ext2", "pd-extreme", 500)  # pd-extreme without provisioned IOPS
    price_resources(db, [balanced, baseline, extreme, throughput, unknown],
                    {"gcp": gcp_catalog(catalog)})  # fmt: skip
    capacity = 100 * Decimal("0.08")
    assert baseline.monthly_cost == capacity
    iops_month = Decimal("0.00001") * 730  # priced per IOPS-hour
    assert balanced.monthly_cost == capacity + 2000 * iops_month + 60 * Decimal("0.04")
    assert extreme.monthly_cost == 500 * Decimal("0.125") + 10000 * Decimal("0.065")
    assert throughput.monthly_cost == 2048 * Decimal("0.005") + 90 * Decimal("0.25")
    assert unknown.monthly_cost is None
    assert "pd-extreme bills provisioned IOPS, which is unknown" in unknown.price_basis


def test_disk_inventory_reads_the_provisioned_iops_and_throughput():
    from cloudspy.providers.gcp.inventory import normalize_disk

    item = {"name": "hb", "id": "1", "zone": "projects/p/zones/us-central1-a",
            "type": "projects/p/zones/us-central1-a/diskTypes/hyperdisk-balanced",
            "sizeGb": "100", "provisionedIops": "5000", "provisionedThroughput": "200",
            "selfLink": "https://compute.googleapis.com/compute/v1/projects/p/zones/us-central1-a/disks/hb"}  # fmt: skip
    resource = normalize_disk(item, "p", "us-central1")
    assert (resource.type, resource.iops, resource.throughput_mibps) == (
        "hyperdisk-balanced", 5000, 200,
    )  # fmt: skip


def test_shared_core_types_bill_their_fraction_of_a_vcpu_or_their_own_sku(db, catalog):
    """e2-micro is 0.25 vCPU and 1 GiB at the E2 SKUs (the pricing page's $0.00838/h in
    Iowa); f1-micro has a SKU of its own (the recorded page's, $0.0076/h)."""
    catalog.sku("E2 Instance Core running in Americas", AMERICAS, [(0, 0, 21811200)])
    catalog.sku("E2 Instance Ram running in Americas", AMERICAS, [(0, 0, 2923300)],
                group="RAM", usage_unit="GiBy.h")  # fmt: skip
    micro, medium, f1 = vm("e2-micro", rid="a"), vm("e2-medium", rid="b"), vm("f1-micro", rid="c")
    price_resources(db, [micro, medium, f1], {"gcp": gcp_catalog(catalog)})
    core, ram = Decimal("0.0218112"), Decimal("0.0029233")
    assert micro.monthly_cost == (Decimal("0.25") * core + ram) * 730
    assert round(micro.monthly_cost / 730, 5) == Decimal("0.00838")
    assert medium.monthly_cost == (core + 4 * ram) * 730
    assert f1.monthly_cost == Decimal("0.0076") * 730


def test_addresses_bill_the_static_or_in_use_sku_of_their_region(db, catalog):
    catalog.sku("Static Ip Charge", [*AMERICAS, "asia-northeast1"], [(0, 0, 0), (1, 0, 10000000)],
                group="IpAddress")  # fmt: skip
    catalog.sku("Static Ip Charge in Japan", ["asia-northeast1"], [(0, 0, 13000000)],
                group="IpAddress")  # fmt: skip
    catalog.sku("External IP Charge on a Standard VM", AMERICAS, [(0, 0, 5000000)],
                group="IpAddress")  # fmt: skip

    def address(rid, region="us-central1", user=None, kind="EXTERNAL"):
        return Resource("gcp", "p", region, rid, m.IP, attached=user is not None,
                        attached_to=user, raw={"addressType": kind})  # fmt: skip

    unused, tokyo = address("a1"), address("a2", "asia-northeast1")
    on_vm = address("a3", user="projects/p/zones/us-central1-a/instances/web-1")
    on_rule = address("a4", user="projects/p/regions/us-central1/forwardingRules/fr")
    price_resources(db, [unused, tokyo, on_vm, on_rule], {"gcp": gcp_catalog(catalog)})
    assert unused.monthly_cost == Decimal("0.01") * 730  # past the free first tier
    assert tokyo.monthly_cost == Decimal("0.013") * 730  # the region's own SKU
    assert on_vm.monthly_cost == Decimal("0.005") * 730
    assert "Cloud Billing Catalog" not in (on_rule.price_basis or "")  # not the VM's SKU
    # A reserved internal address bills nothing: the collector says 0 and why, and the
    # unassociated-ip rule leaves it alone.
    from cloudspy.providers.gcp.inventory import normalize_address
    from cloudspy.waste_rules.rules import unassociated_ip

    item = {"name": "int", "id": "9", "addressType": "INTERNAL", "status": "RESERVED",
            "region": "projects/p/regions/us-central1",
            "selfLink": "https://compute.googleapis.com/compute/v1/projects/p/regions/us-central1/addresses/int"}  # fmt: skip
    internal = normalize_address(item, "p", "us-central1")
    assert internal.monthly_cost == 0 and "internal address" in internal.price_basis
    assert unassociated_ip.evaluate(internal, None) is None
