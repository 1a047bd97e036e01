"""Azure list prices from a local Retail Prices API (recorded item shape, OData filters,
NextPageLink paging, 429 throttling), #14."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cloudspy.errors import ProviderError
from cloudspy.models import resource as m
from cloudspy.models.prices import PriceKey
from cloudspy.models.resource import Resource
from cloudspy.pricing.price_lists import price_resources
from cloudspy.providers.azure.retail_prices import AzureRetailPrices, disk_tier, key_for
from cloudspy.store.connection import connect
from cloudspy.store.price_cache import cached_prices
from tests.pricing.price_servers import AzurePriceServer

SIZE = "Standard_D2s_v5"


@pytest.fixture
def prices(monkeypatch):
    server = AzurePriceServer().start()
    for region, linux, windows in (("westeurope", 0.096, 0.188), ("brazilsouth", 0.15, 0.242)):
        server.item(
            sku=SIZE,
            region=region,
            price=linux,
            meter="D2s v5",
            product="Virtual Machines Dsv5 Series",
        )
        server.item(
            sku=SIZE,
            region=region,
            price=windows,
            meter="D2s v5",
            product="Virtual Machines Dsv5 Series Windows",
        )
        server.item(
            sku=SIZE,
            region=region,
            price=0.019,
            meter="D2s v5 Spot",
            product="Virtual Machines Dsv5 Series",
        )
        server.item(
            sku=SIZE,
            region=region,
            price=0.057,
            meter="D2s v5 Low Priority",
            product="Virtual Machines Dsv5 Series",
        )
    server.item(
        sku="",
        region="westeurope",
        price=21.68,
        meter="P10 LRS Disk",
        sku_name="P10 LRS",
        product="Premium SSD Managed Disks",
        service="Storage",
        unit="1/Month",
    )
    monkeypatch.setenv("CLOUDSPY_AZURE_PRICES_ENDPOINT", server.url)
    yield server
    server.stop()


def retail() -> AzureRetailPrices:
    return AzureRetailPrices(sleep=lambda _: None)


def vm(
    region: str,
    os_type: str = "Linux",
    licence: str | None = None,
    publisher: str = "Canonical",
    rid: str = "vm1",
    *,
    offer: str = "0001-com-ubuntu-server-jammy",
    image_sku: str = "22_04-lts-gen2",
    size: str = SIZE,
):
    props = {
        "hardwareProfile": {"vmSize": size},
        "storageProfile": {
            "osDisk": {"osType": os_type},
            "imageReference": {"publisher": publisher, "offer": offer, "sku": image_sku},
        },
    }
    if licence:
        props["licenseType"] = licence
    return Resource("azure", "sub", region, rid, m.VM, type=size, raw={"properties": props})


def test_linux_windows_and_hybrid_benefit_each_get_their_meter_per_region(db, prices):
    linux, windows = vm("westeurope"), vm("westeurope", "Windows", rid="vm2")
    hybrid = vm("westeurope", "Windows", "Windows_Server", rid="vm3")
    brazil = vm("brazilsouth", "Windows", rid="vm4")
    outcome = price_resources(db, [linux, windows, hybrid, brazil], {"azure": retail()})
    assert linux.monthly_cost == Decimal("0.096") * 730  # not the Spot or Low Priority meter
    assert windows.monthly_cost == Decimal("0.188") * 730
    assert hybrid.monthly_cost == linux.monthly_cost  # Hybrid Benefit pays the Linux rate
    assert brazil.monthly_cost == Decimal("0.242") * 730
    assert "Azure Retail Prices API, effective 2025-05-01" in windows.price_basis
    assert outcome.requests == {"azure": 3}  # (size, region, OS): 3 distinct products
    assert (
        "serviceName eq 'Virtual Machines' and armRegionName eq 'westeurope' and"
        f" armSkuName eq '{SIZE}' and priceType eq 'Consumption'"
    ) in prices.filters


def test_managed_disks_bill_their_size_tier(db, prices):
    disk = Resource("azure", "sub", "westeurope", "d1", m.DISK, type="Premium_LRS", size_gb=100)
    price_resources(db, [disk], {"azure": retail()})
    assert disk.monthly_cost == Decimal("21.68")
    assert disk.price_basis.startswith("list price of P10 LRS in westeurope: 21.68 USD/month")
    assert disk_tier("StandardSSD_ZRS", 1000) == "E30 ZRS"
    assert disk_tier("Standard_LRS", 10) == "S4 LRS"  # Standard HDD starts at S4
    assert disk_tier("PremiumV2_LRS", 100) is None


def _licences(server):
    """Licence meters as the API lists them: service Virtual Machines Licenses, no
    region, hourly; RHEL by exact vCPUs and by band, SLES Standard by band."""
    for meter, price in (("1-4 vCPU VM License", 0.06), ("2 vCPU VM License", 0.0435),
                         ("5+ vCPU VM License", 0.13)):  # fmt: skip
        server.item(sku="", region="", price=price, meter=meter, sku_name=meter[:-8],
                    product="Red Hat Enterprise Linux", service="Virtual Machines Licenses")  # fmt: skip
    server.item(sku="", region="", price=0.1, meter="1-2 vCPU VM Support",
                sku_name="1-2 vCPU VM", product="SUSE Linux Enterprise Server Standard",
                service="Virtual Machines Licenses")  # fmt: skip
    server.item(sku="Standard_D8s_v5", region="westeurope", price=0.384, meter="D8s v5",
                product="Virtual Machines Dsv5 Series")  # fmt: skip


def test_rhel_and_sles_bill_the_linux_meter_plus_their_licence_meter(db, prices):
    _licences(prices)
    rhel = vm("westeurope", publisher="RedHat", offer="RHEL", image_sku="9-lvm-gen2")
    big = vm("westeurope", publisher="RedHat", offer="RHEL", rid="vm2", size="Standard_D8s_v5")
    sles = vm("westeurope", publisher="SUSE", offer="sles-15-sp5", rid="vm3")
    byos = vm("westeurope", publisher="RedHat", offer="rhel-byos", rid="vm4")
    hybrid = vm("westeurope", "Linux", "RHEL_BYOS", "RedHat", "vm5", offer="RHEL")
    outcome = price_resources(db, [rhel, big, sles, byos, hybrid], {"azure": retail()})
    # The exact "2 vCPU" meter over the "1-4" band; 8 vCPUs fall in the "5+" band.
    assert rhel.monthly_cost == (Decimal("0.096") + Decimal("0.0435")) * 730
    assert big.monthly_cost == (Decimal("0.384") + Decimal("0.13")) * 730
    assert sles.monthly_cost == (Decimal("0.096") + Decimal("0.1")) * 730
    assert byos.monthly_cost == hybrid.monthly_cost == Decimal("0.096") * 730
    assert "list price of Standard_D2s_v5 RHEL in westeurope" in rhel.price_basis
    # The basis says what the licence adds; the cache keeps the two prices apart.
    assert (
        "0.1395 USD/hour × 730 hours (machine 0.096 + licence 0.0435 Red Hat Enterprise"
        " Linux: 2 vCPU VM License)"
    ) in rhel.price_basis
    with connect(db) as conn:
        machine, licence = cached_prices(conn)[PriceKey("azure", m.VM, "westeurope", SIZE, "RHEL")]
    assert (machine.unit, machine.price) == ("hour", Decimal("0.096"))
    assert (licence.unit, licence.price) == ("licence-hour", Decimal("0.0435"))
    assert licence.detail == "Red Hat Enterprise Linux: 2 vCPU VM License"
    # 3 VM products + 1 Linux product + each licence product once.
    assert outcome.requests == {"azure": 6}
    assert sum("Virtual Machines Licenses" in f for f in prices.filters) == 2


def test_ubuntu_pro_is_refused_not_priced_as_plain_ubuntu(db, prices):
    """Ubuntu Pro (a Pro offer, or the Pro plan of a plain offer) bills a Marketplace
    plan on top of the Linux rate: refused with the reason; plain Ubuntu is Linux."""
    pro = vm("westeurope", offer="0001-com-ubuntu-pro-jammy", image_sku="pro-22_04-lts-gen2")
    plan = vm("westeurope", rid="vm2", offer="ubuntu-24_04-lts", image_sku="ubuntu-pro")
    plain = vm("westeurope", rid="vm3", offer="ubuntu-24_04-lts", image_sku="server")
    # A plain image upgraded in place bills Ubuntu Pro through its licence type.
    upgraded = vm("westeurope", "Linux", "UBUNTU_PRO", rid="vm4", offer="ubuntu-24_04-lts",
                  image_sku="server")  # fmt: skip
    # SQL Server on an Ubuntu Pro image, whoever publishes it, is not plain Ubuntu's.
    hardened = vm("westeurope", publisher="center-for-internet-security-inc", rid="vm5",
                  offer="cis-ubuntu-pro-2204")  # fmt: skip
    hardened.raw["sqlVirtualMachine"] = {"sqlServerLicenseType": "PAYG", "sqlImageSku": "Web"}
    # A word that merely starts with "pro" is not Ubuntu Pro.
    metrics = vm("westeurope", publisher="bitnami", rid="vm6", offer="ubuntu-prometheus")
    # A gallery image has no offer: its licence type names it.
    gallery = vm("westeurope", "Linux", "UBUNTU_PRO", rid="vm7", offer="", image_sku="")
    estate = [pro, plan, plain, upgraded, hardened, metrics, gallery]
    price_resources(db, estate, {"azure": retail()})
    assert metrics.monthly_cost == Decimal("0.096") * 730
    assert "Ubuntu Pro (licence type UBUNTU_PRO) images bill" in gallery.price_basis
    assert pro.monthly_cost is None and plan.monthly_cost is None
    assert upgraded.monthly_cost is None and "Ubuntu Pro (ubuntu-24_04-lts/server)" in (
        upgraded.price_basis
    )
    assert hardened.monthly_cost is None and "(Ubuntu Pro, an OS subscription" in (
        hardened.price_basis
    )
    assert "Ubuntu Pro (0001-com-ubuntu-pro-jammy/pro-22_04-lts-gen2) images bill" in (
        pro.price_basis
    )
    assert plain.monthly_cost == Decimal("0.096") * 730


def test_a_marketplace_plan_is_said_to_be_left_out(db, prices):
    """A VM whose image carries a Marketplace plan is priced at its size's meter, and
    its basis says the plan's software charge is left out."""
    appliance = vm("westeurope", publisher="fortinet", offer="fortinet_fortigate-vm_v5")
    appliance.raw["plan"] = {"name": "fortinet_fg-vm_payg", "publisher": "fortinet",
                             "product": "fortinet_fortigate-vm_v5"}  # fmt: skip
    price_resources(db, [appliance], {"azure": retail()})
    assert appliance.monthly_cost == Decimal("0.096") * 730
    assert (
        "(leaves out any charge of its Marketplace plan fortinet/fortinet_fortigate-vm_v5/"
        "fortinet_fg-vm_payg, which CloudSpy does not price)"
    ) in appliance.price_basis


def _meters(server, product, meters):
    """A licence product's hourly meters (name, price), listed for no region."""
    for meter, price in meters:
        server.item(sku="", region="", price=price, meter=meter, sku_name=meter[:-8],
                    product=product, service="Virtual Machines Licenses")  # fmt: skip


def test_sap_and_ha_offers_bill_their_own_licence_products(db, prices):
    """RHEL-SAP-HA and sles-sap offers bill the Linux meter plus their own product's
    licence meter (exact vCPUs before a band); an offer whose product the API does
    not list (RHEL-HA here) is unpriced with the reason, not priced as plain RHEL."""
    _licences(prices)
    _meters(prices, "Red Hat Enterprise Linux for SAP with HA",
            (("2 vCPU VM License", 0.0451), ("5+ vCPU VM License", 0.14)))  # fmt: skip
    _meters(prices, "SUSE for SAP Linux Enterprise Server",
            (("1-2 vCPU VM Support", 0.084), ("5+ vCPU VM Support", 0.238)))  # fmt: skip
    rhel_sap = vm("westeurope", publisher="RedHat", offer="RHEL-SAP-HA", image_sku="9_4")
    big_sap = vm("westeurope", publisher="RedHat", offer="RHEL-SAP-HA", rid="vm2",
                 size="Standard_D8s_v5")  # fmt: skip
    sles_sap = vm("westeurope", publisher="SUSE", offer="sles-sap-15-sp5", rid="vm3")
    rhel_ha = vm("westeurope", publisher="RedHat", offer="RHEL-HA", rid="vm4")
    sap_byos = vm("westeurope", publisher="SUSE", offer="sles-sap-15-sp5-byos", rid="vm5")
    # The RHEL-SAP offer bills RHEL for SAP Business Applications, per exact vCPUs.
    _meters(prices, "RHEL for SAP Business Applications", (("2 vCPU VM License", 0.072),))
    legacy_sap = vm("westeurope", publisher="RedHat", offer="RHEL-SAP", rid="vm6",
                    image_sku="7.5")  # fmt: skip
    # SLES for HPC bills its Standard product's bands (Microsoft's reservation page).
    _meters(prices, "SUSE Linux Enterprise Server for HPC Standard",
            (("1-2 vCPU VM Support", 0.013), ("3-4 vCPU VM Support", 0.025),
             ("5+ vCPU VM Support", 0.038)))  # fmt: skip
    hpc = vm("westeurope", publisher="SUSE", offer="sle-hpc-15-sp5", rid="vm7")
    old_hpc = vm("westeurope", publisher="SUSE", offer="sles-15-sp2-hpc", rid="vm8",
                 size="Standard_D8s_v5")  # fmt: skip
    hpc_byos = vm("westeurope", publisher="SUSE", offer="sle-hpc-15-sp5-byos", rid="vm9")
    estate = [rhel_sap, big_sap, sles_sap, rhel_ha, sap_byos, legacy_sap, hpc, old_hpc, hpc_byos]
    price_resources(db, estate, {"azure": retail()})
    assert key_for(rhel_sap).variant == "RHEL for SAP with HA"
    assert rhel_sap.monthly_cost == (Decimal("0.096") + Decimal("0.0451")) * 730
    assert big_sap.monthly_cost == (Decimal("0.384") + Decimal("0.14")) * 730
    assert sles_sap.monthly_cost == (Decimal("0.096") + Decimal("0.084")) * 730
    assert rhel_ha.monthly_cost is None
    assert "no Red Hat Enterprise Linux with HA licence meter for 2 vCPUs" in rhel_ha.price_basis
    assert sap_byos.monthly_cost == Decimal("0.096") * 730  # BYOS: the Linux rate
    assert key_for(legacy_sap).variant == "RHEL for SAP Apps"
    assert legacy_sap.monthly_cost == (Decimal("0.096") + Decimal("0.072")) * 730
    assert key_for(hpc).variant == key_for(old_hpc).variant == "SLES for HPC"
    assert hpc.monthly_cost == (Decimal("0.096") + Decimal("0.013")) * 730
    assert old_hpc.monthly_cost == (Decimal("0.384") + Decimal("0.038")) * 730
    assert "SUSE Linux Enterprise Server for HPC Standard: 5+ vCPU VM Support" in (
        old_hpc.price_basis
    )
    assert hpc_byos.monthly_cost == Decimal("0.096") * 730


def test_what_is_billed_otherwise_is_refused_with_the_reason(db, prices):
    _licences(prices)
    sap = vm("westeurope", publisher="SUSE", offer="sles-15-sp5-basic")
    sql = vm("westeurope", "Windows", None, "MicrosoftSQLServer", "vm2",
             offer="sql2022-ws2022", image_sku="standard-gen2")  # fmt: skip
    dev = vm("westeurope", "Windows", None, "MicrosoftSQLServer", "vm3",
             offer="sql2022-ws2022", image_sku="sqldev-gen2")  # fmt: skip
    old = vm("westeurope", publisher="RedHat", offer="RHEL", rid="vm4", size="Standard_A5")
    no_band = vm("westeurope", publisher="SUSE", offer="sles-15-sp5", rid="vm5",
                 size="Standard_D8s_v5")  # fmt: skip
    price_resources(db, [sap, sql, dev, old, no_band], {"azure": retail()})
    assert sap.monthly_cost is None
    assert "SUSE (sles-15-sp5-basic) images bill a software meter" in sap.price_basis
    assert sql.monthly_cost is None
    assert "a SQL Server image whose licence could not be read" in sql.price_basis
    assert dev.monthly_cost == Decimal("0.188") * 730  # Developer edition: no SQL licence
    assert old.monthly_cost is None
    assert "which neither the name Standard_A5 nor its listed capabilities give" in (
        old.price_basis
    )
    assert no_band.monthly_cost is None
    assert "no SUSE Linux Enterprise Server Standard licence meter for 8 vCPUs" in (
        no_band.price_basis
    )


def _provisioned(server, product, sku_name, region, capacity, iops, throughput, *, free=None):
    """The meters of a Premium SSD v2 or Ultra product as the API lists them: hourly,
    capacity per GiB; Premium SSD v2 lists its included part as a zero-price tier."""
    meters = (("Capacity", "1 GiB/Hour", capacity), ("IOPS", "1/Hour", iops),
              ("Throughput (MBps)", "1/Hour", throughput))  # fmt: skip
    for name, unit, price in meters:
        if price is None:
            continue
        start = 0.0
        if free and name in free:
            server.item(sku="", region=region, price=0.0, meter=f"{sku_name} Provisioned {name}",
                        sku_name=sku_name, product=product, service="Storage", unit=unit)  # fmt: skip
            start = free[name]
        server.item(sku="", region=region, price=price, meter=f"{sku_name} Provisioned {name}",
                    sku_name=sku_name, product=product, service="Storage", unit=unit,
                    tier=start)  # fmt: skip


def test_premium_ssd_v2_and_ultra_bill_capacity_iops_and_throughput_by_the_hour(db, prices):
    _provisioned(prices, "Azure Premium SSD v2", "Premium LRS", "westeurope",
                 0.000121, 0.0000068, 0.000055, free={"IOPS": 3000, "Throughput (MBps)": 125})  # fmt: skip
    _provisioned(prices, "Ultra Disks", "Ultra LRS", "westeurope", 0.000164, 0.000068, 0.000479)

    def disk(rid, sku, size, iops, mbps):
        return Resource("azure", "sub", "westeurope", rid, m.DISK, type=sku, size_gb=size,
                        iops=iops, throughput_mibps=mbps)  # fmt: skip

    busy = disk("v2-busy", "PremiumV2_LRS", 200, 5000, 200)
    base = disk("v2-base", "PremiumV2_LRS", 200, 3000, 125)
    ultra = disk("ultra", "UltraSSD_LRS", 64, 2000, 50)
    outcome = price_resources(db, [busy, base, ultra], {"azure": retail()})
    hours = Decimal(730)
    capacity = 200 * Decimal("0.000121") * hours
    # 3,000 IOPS and 125 MB/s come with the capacity; only what is above them bills.
    assert base.monthly_cost == capacity
    assert busy.monthly_cost == (
        capacity + 2000 * Decimal("0.0000068") * hours + 75 * Decimal("0.000055") * hours
    )
    assert (
        ultra.monthly_cost
        == (64 * Decimal("0.000164") + 2000 * Decimal("0.000068") + 50 * Decimal("0.000479"))
        * hours
    )  # Ultra bills every IOPS and MB/s
    assert "2000 IOPS billed" in busy.price_basis
    assert outcome.requests == {"azure": 2}  # one product each, all meters in one answer
    assert (
        "serviceName eq 'Storage' and armRegionName eq 'westeurope' and"
        " productName eq 'Azure Premium SSD v2' and priceType eq 'Consumption'"
    ) in prices.filters


def test_a_provisioned_disk_missing_a_meter_is_unpriced_not_priced_by_capacity(db, prices):
    _provisioned(prices, "Ultra Disks", "Ultra LRS", "westeurope", 0.000164, None, 0.000479)
    ultra = Resource("azure", "sub", "westeurope", "u", m.DISK, type="UltraSSD_LRS", size_gb=64,
                     iops=2000, throughput_mibps=50)  # fmt: skip
    price_resources(db, [ultra], {"azure": retail()})
    assert ultra.monthly_cost is None
    assert "lists no IOPS-month price for UltraSSD_LRS in westeurope" in ultra.price_basis


def test_snapshots_bill_their_storage_meter_and_their_size_is_an_upper_bound(db, prices):
    """Standard and Premium full snapshots bill their own GB-month meters (the Premium
    one as recorded in westeurope: 0.145 against Standard HDD's 0.05); incremental
    ones are stored on Standard HDD whatever their disk, so a Premium disk's bills the
    Standard rate. The ARM API gives the disk's size, not the used size billed: every
    basis says the figure is an upper bound."""
    for redundancy, price in (("LRS", 0.05), ("ZRS", 0.0625)):
        prices.item(sku="", region="westeurope", price=price, meter=f"{redundancy} Snapshots",
                    sku_name=f"Snapshots {redundancy}", product="Standard HDD Managed Disks",
                    service="Storage", unit="1 GB/Month")  # fmt: skip
    # Standard SSD lists a snapshot meter of the same skuName, which no snapshot SKU bills.
    for product, price in (
        ("Premium SSD Managed Disks", 0.145),
        ("Standard SSD Managed Disks", 0.2),
    ):
        prices.item(sku="", region="westeurope", price=price, meter="LRS Snapshots",
                    sku_name="Snapshots LRS", product=product, service="Storage",
                    unit="1 GB/Month")  # fmt: skip

    def snap(rid, sku, incremental=False):
        raw = {"properties": {"incremental": incremental}}
        return Resource("azure", "sub", "westeurope", rid, m.SNAPSHOT, type=sku, size_gb=128,
                        raw=raw)  # fmt: skip

    lrs, zrs = snap("s1", "Standard_LRS"), snap("s2", "Standard_ZRS")
    incremental, premium = snap("s3", "Standard_ZRS", True), snap("s4", "Premium_LRS")
    other = snap("s5", "Premium_ZRS")  # no such snapshot SKU today
    odd = snap("s6", "Premium_LRS", True)  # incremental ones are never on Premium SSD
    price_resources(db, [lrs, zrs, incremental, premium, other, odd], {"azure": retail()})
    assert lrs.monthly_cost == 128 * Decimal("0.05")
    assert zrs.monthly_cost == 128 * Decimal("0.0625")
    assert incremental.monthly_cost == 128 * Decimal("0.0625")
    assert premium.monthly_cost == 128 * Decimal("0.145")
    for full in (lrs, zrs, premium):
        assert "(an upper bound: its disk's size; a snapshot bills the disk's used" in (
            full.price_basis
        )
    assert "an incremental snapshot bills its changed blocks" in incremental.price_basis
    assert other.monthly_cost is None and "Premium_ZRS snapshots" in other.price_basis
    assert odd.monthly_cost is None
    assert "stored on Standard HDD; its SKU Premium_LRS" in odd.price_basis


def test_next_page_links_are_followed_and_429_is_retried(prices):
    prices.page_size = 1
    prices.throttle = 1
    found = retail().fetch([PriceKey("azure", m.VM, "westeurope", SIZE, "Windows")], print)
    # 1 throttled + 4 pages (Linux, Windows, Spot and Low Priority items of westeurope).
    assert found.requests == 5
    assert [p.price for p in found.prices] == [Decimal("0.188")]


def test_an_unknown_size_is_remembered_as_none(db, prices):
    odd = Resource("azure", "sub", "westeurope", "vm9", m.VM, type="Standard_Z99", raw={})
    price_resources(db, [odd], {"azure": retail()})
    assert odd.price_basis.startswith(
        "unpriced: the Retail Prices API lists no consumption price for Standard_Z99 Linux"
    )
    asked = prices.requests
    price_resources(db, [odd], {"azure": retail()})
    assert prices.requests == asked


def test_unreachable_is_one_clear_error(prices, monkeypatch):
    prices.stop()
    with pytest.raises(ProviderError, match="cannot reach the Azure Retail Prices API"):
        retail().fetch([PriceKey("azure", m.VM, "westeurope", SIZE, "Linux")], print)
    monkeypatch.setenv("CLOUDSPY_AZURE_PRICES_ENDPOINT", "file:///etc/passwd")
    with pytest.raises(ProviderError, match="must be an http"):
        retail().fetch([PriceKey("azure", m.VM, "westeurope", SIZE, "Linux")], print)


def test_public_ips_bill_their_sku_version_and_allocation_meter_hourly(db, prices):
    for meter, price in (("Standard IPv4 Static Public IP", 0.005),
                         ("Basic IPv4 Static Public IP", 0.0036),
                         ("Basic IPv4 Dynamic Public IP", 0.004)):  # fmt: skip
        prices.item(sku="", region="westeurope", price=price, meter=meter, sku_name=meter.split()[0],
                    product="IP Addresses", service="Virtual Network")  # fmt: skip

    def ip(rid, sku, allocation="Static", attached=False):
        raw = {"properties": {"publicIPAllocationMethod": allocation,
                              "publicIPAddressVersion": "IPv4"}}  # fmt: skip
        return Resource("azure", "sub", "westeurope", rid, m.IP, type=sku, attached=attached,
                        raw=raw)  # fmt: skip

    standard, basic = ip("ip1", "Standard"), ip("ip2", "Basic")
    dynamic_used = ip("ip3", "Basic", "Dynamic", attached=True)
    price_resources(db, [standard, basic, dynamic_used], {"azure": retail()})
    assert standard.monthly_cost == Decimal("0.005") * 730
    assert basic.monthly_cost == Decimal("0.0036") * 730
    assert dynamic_used.monthly_cost == Decimal("0.004") * 730
    # Unassociated, a dynamic IP holds no address and bills nothing: the collector says
    # so (0, with why), and the unassociated-ip rule does not flag it.
    from cloudspy.providers.azure.inventory import normalize_public_ip
    from cloudspy.waste_rules.rules import unassociated_ip

    item = {"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/"
                  "publicIPAddresses/ip4", "name": "ip4", "location": "westeurope",
            "sku": {"name": "Basic"}, "properties": {"publicIPAllocationMethod": "Dynamic"}}  # fmt: skip
    dynamic_idle = normalize_public_ip(item, "s", {})
    assert dynamic_idle.monthly_cost == 0 and "bills nothing" in dynamic_idle.price_basis
    assert unassociated_ip.evaluate(dynamic_idle, None) is None
    assert unassociated_ip.evaluate(ip("ip5", "Standard"), None) is not None
    assert (
        "serviceName eq 'Virtual Network' and armRegionName eq 'westeurope' and"
        " meterName eq 'Standard IPv4 Static Public IP' and priceType eq 'Consumption'"
    ) in prices.filters


def _sql(server):
    """SQL Server licence meters: 1-4 vCPUs as one band (a 4-core minimum), then exact."""
    for edition, small, eight in (("Standard", 0.4, 0.8), ("Enterprise", 1.5, 3.0)):
        for meter, price in (("1-4 vCPU VM License", small), ("8 vCPU VM License", eight)):
            server.item(sku="", region="", price=price, meter=meter, sku_name=meter[:-8],
                        product=f"SQL Server {edition}", service="Virtual Machines Licenses")  # fmt: skip


def test_sql_server_bills_its_edition_when_its_sql_vm_resource_says_pay_as_you_go(db, prices):
    """The SQL VM resource (read by the inventory into ``sqlVirtualMachine``) decides:
    PAYG bills its edition's licence on the Windows rate, or on the Linux rate under
    Windows Hybrid Benefit; AHUB bills none; a marketplace image without the resource
    bills its image's edition."""
    _sql(prices)

    def sql_vm(rid, licence=None, sql=None, sku="enterprise-gen2"):
        resource = vm("westeurope", "Windows", licence, "MicrosoftSQLServer", rid,
                      offer="sql2022-ws2022", image_sku=sku)  # fmt: skip
        resource.raw["sqlVirtualMachine"] = sql
        return resource

    payg = sql_vm("s1", sql={"sqlServerLicenseType": "PAYG", "sqlImageSku": "Standard"})
    hybrid = sql_vm("s2", "Windows_Server", {"sqlServerLicenseType": "PAYG",
                                              "sqlImageSku": "Enterprise"})  # fmt: skip
    ahub = sql_vm("s3", sql={"sqlServerLicenseType": "AHUB", "sqlImageSku": "Enterprise"})
    image_only = sql_vm("s4")  # listing read, no SQL VM resource: the image's edition
    outcome = price_resources(db, [payg, hybrid, ahub, image_only], {"azure": retail()})
    assert payg.monthly_cost == (Decimal("0.188") + Decimal("0.4")) * 730
    assert hybrid.monthly_cost == (Decimal("0.096") + Decimal("1.5")) * 730
    assert ahub.monthly_cost == Decimal("0.188") * 730
    on_ubuntu = vm("westeurope", rid="s5")
    on_ubuntu.raw["sqlVirtualMachine"] = {"sqlServerLicenseType": "PAYG", "sqlImageSku": "Web"}
    assert key_for(on_ubuntu).variant == "Ubuntu+SQL Web"
    on_other = vm("westeurope", rid="s7", publisher="OpenLogic", offer="CentOS")
    on_other.raw["sqlVirtualMachine"] = {"sqlServerLicenseType": "PAYG", "sqlImageSku": "Web"}
    assert "SQL Server on Linux other than pay-as-you-go RHEL, SLES or Ubuntu" in key_for(on_other)
    developer = sql_vm("s6", sql={"sqlServerLicenseType": "PAYG", "sqlImageSku": "Developer"})
    assert key_for(developer).variant == "Windows"
    assert image_only.monthly_cost == (Decimal("0.188") + Decimal("1.5")) * 730
    assert "list price of Standard_D2s_v5 Windows+SQL Standard" in payg.price_basis
    # Windows+SQL Standard, Hybrid Benefit+SQL Enterprise, Windows, Windows+SQL
    # Enterprise: one VM query each, and each licence product once.
    assert outcome.requests == {"azure": 6}


def test_a_size_whose_name_hides_its_vcpus_uses_the_capabilities_the_inventory_read(db, prices):
    """A Standard_NC4as_T4_v3 has 4 vCPUs, which its name does not give: the resource
    SKUs listing the inventory keeps on the VM gives them, and the key carries them."""
    _licences(prices)
    prices.item(sku="Standard_NC4as_T4_v3", region="westeurope", price=0.526,
                meter="NC4as T4 v3", product="Virtual Machines NCasT4_v3 Series")  # fmt: skip
    size = "Standard_NC4as_T4_v3"
    rhel = vm("westeurope", publisher="RedHat", offer="RHEL", size=size)
    rhel.raw["sizeCapabilities"] = {"vCPUs": "4", "vCPUsAvailable": "4", "MemoryGB": "28"}
    other = vm("westeurope", publisher="RedHat", offer="RHEL", rid="vm2", size=size)
    other.raw["sizeCapabilities"] = {"vCPUs": "4"}
    other.raw["properties"]["hardwareProfile"]["vmSize"] = "Standard_NC8as_T4_v3"  # not this size's
    price_resources(db, [rhel, other], {"azure": retail()})
    assert key_for(rhel).variant == "RHEL (4 vCPUs)"
    assert rhel.monthly_cost == (Decimal("0.526") + Decimal("0.06")) * 730  # the 1-4 band
    assert other.monthly_cost is None


def test_d_and_ds_v2_sizes_bill_their_published_vcpus_without_the_listing(db, prices):
    """A Standard_D3_v2 has 4 vCPUs (its name says 3), a Standard_D11_v2 2: the
    published counts price their licences with no resource SKUs listing."""
    _licences(prices)
    prices.item(sku="Standard_D3_v2", region="westeurope", price=0.229, meter="D3 v2",
                product="Virtual Machines Dv2 Series")  # fmt: skip
    rhel = vm("westeurope", publisher="RedHat", offer="RHEL", size="Standard_D3_v2")
    price_resources(db, [rhel], {"azure": retail()})
    assert key_for(rhel).variant == "RHEL"
    assert rhel.monthly_cost == (Decimal("0.229") + Decimal("0.06")) * 730  # the 1-4 band


def test_sql_server_on_rhel_and_sles_bills_one_product_holding_both_licences(db, prices):
    """SQL Server on RHEL or SLES bills one licence product holding the OS and SQL
    licences, on the Linux rate, at the exact vCPU meter (a 2-vCPU meter's price
    carries SQL Server's four-core minimum); no separate RHEL meter. On Ubuntu, which
    bills no OS licence, the rate card's ``SQL Server Linux <edition>``; on Ubuntu Pro
    another product, refused."""
    _licences(prices)  # the plain RHEL product too, which these must not add
    for product, price in (("SQL Server Standard Red Hat Enterprise Linux", 0.4288),
                           ("SQL Server Enterprise SLES", 1.6),
                           ("SQL Server Linux Standard", 0.4)):  # fmt: skip
        prices.item(sku="", region="", price=price, meter="2 vCPU VM License",
                    sku_name="2 vCPU VM", product=product,
                    service="Virtual Machines Licenses")  # fmt: skip

    def on_linux(rid, offer, edition):
        resource = vm("westeurope", publisher="MicrosoftSQLServer", rid=rid, offer=offer,
                      image_sku="standard-gen2")  # fmt: skip
        resource.raw["sqlVirtualMachine"] = {"sqlServerLicenseType": "PAYG",
                                             "sqlImageSku": edition}  # fmt: skip
        return resource

    rhel = on_linux("q1", "sql2022-rhel9", "Standard")
    sles = on_linux("q2", "sql2019-sles12sp5", "Enterprise")
    ubuntu = on_linux("q3", "sql2022-ubuntu2204", "Standard")
    pro = on_linux("q5", "sql2022-ubuntupro2004", "Standard")
    price_resources(db, [rhel, sles, ubuntu, pro], {"azure": retail()})
    assert key_for(rhel).variant == "RHEL+SQL Standard"
    assert rhel.monthly_cost == (Decimal("0.096") + Decimal("0.4288")) * 730
    assert sles.monthly_cost == (Decimal("0.096") + Decimal("1.6")) * 730
    assert key_for(ubuntu).variant == "Ubuntu+SQL Standard"
    assert ubuntu.monthly_cost == (Decimal("0.096") + Decimal("0.4")) * 730
    assert "licence 0.4 SQL Server Linux Standard: 2 vCPU VM License" in ubuntu.price_basis
    assert pro.monthly_cost is None and "(Ubuntu Pro, an OS subscription" in pro.price_basis
    # RHEL brought along (BYOS): the combined product would bill it again; refused.
    byos = on_linux("q4", "sql2022-rhel9", "Standard")
    byos.raw["properties"]["licenseType"] = "RHEL_BYOS"
    assert "SQL Server on Linux other than pay-as-you-go RHEL, SLES or Ubuntu" in key_for(byos)
