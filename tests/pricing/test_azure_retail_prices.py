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
from cloudspy.providers.azure.retail_prices import AzureRetailPrices, disk_tier
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
):
    props = {
        "hardwareProfile": {"vmSize": SIZE},
        "storageProfile": {
            "osDisk": {"osType": os_type},
            "imageReference": {"publisher": publisher},
        },
    }
    if licence:
        props["licenseType"] = licence
    return Resource("azure", "sub", region, rid, m.VM, type=SIZE, raw={"properties": props})


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


def test_what_is_billed_otherwise_is_refused_with_the_reason(db, prices):
    rhel = vm("westeurope", publisher="RedHat")
    ultra = Resource("azure", "sub", "westeurope", "d2", m.DISK, type="UltraSSD_LRS", size_gb=64)
    price_resources(db, [rhel, ultra], {"azure": retail()})
    assert rhel.monthly_cost is None and "RHEL images bill a software meter" in rhel.price_basis
    assert ultra.monthly_cost is None and "capacity, IOPS and throughput" in ultra.price_basis


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
