"""End to end: ``cloudspy azure sync --no-costs``, then ``resources`` and ``waste`` (#4)."""

from __future__ import annotations

import json

from tests.providers.azure.inventory.conftest import SUBSCRIPTION

DENIED = "11111111-1111-1111-1111-111111111111"
CONFIG = f'[azure]\nsubscriptions = ["{SUBSCRIPTION}", "{DENIED}"]\n'


def test_sync_no_costs_stores_one_subscription_and_reports_the_denied_one(arm, azure_cli):
    arm.denied.add(DENIED)
    synced = azure_cli("azure", "sync", "--no-costs", config=CONFIG)
    assert synced.exit_code == 3, synced.output
    assert f"azure:inventory:{SUBSCRIPTION}: inventory ok, 12 resource(s)" in synced.stdout
    assert f"azure:inventory:{DENIED}: inventory FAILED" in synced.stdout
    assert "AuthorizationFailed" in synced.stdout
    assert not any(
        p.startswith("/subscriptions/") and "CostManagement" in p for _, p, _ in arm.requests
    )

    listed = azure_cli("resources", "--provider", "azure", "--kind", "vm", "--format", "json")
    assert listed.exit_code == 0, listed.output
    [vm] = json.loads(listed.stdout)["resources"]
    assert (vm["name"], vm["power_state"], vm["region"]) == (
        "cctestvm",
        "running",
        "southcentralus",
    )

    waste = azure_cli("waste", "--provider", "azure", "--format", "json")
    assert waste.exit_code == 0, waste.output
    found = {(f["rule"], f["name"]) for f in json.loads(waste.stdout)["findings"]}
    assert found >= {
        ("unattached-disk", "cctestvm_disk2_a9097edcfa664ff48c8e88e87d72003e"),
        ("unattached-disk", "cctestvm_OsDisk_1_81338ced63fa4855b8a5f3e2bab5213c"),
        ("unassociated-ip", "myPublicIP-unassociated"),
        ("old-snapshot", "db-data-2025-02-01"),  # the recent one is not old (#14)
    }
    assert ("old-snapshot", "db-data-2026-11-22") not in found
    assert not {name for rule, name in found if rule in ("unattached-disk", "unassociated-ip")} & {
        "cctestvm_disk2_977a393608a8458f960a28f8000151d7",
        "myPublicIP",
    }

    history = azure_cli("history", "--format", "json")
    assert history.exit_code == 0, history.output
    assert "inventory" in history.stdout


def test_subscription_option_overrides_the_config(arm, azure_cli):
    synced = azure_cli(
        "azure", "sync", "--no-costs", "--subscription", SUBSCRIPTION, config="[azure]\n"
    )
    assert synced.exit_code == 0, synced.output
    assert [p for p, _ in arm.paths("vms")] == [
        f"/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines"
    ]


def test_no_subscription_for_inventory_is_a_usage_error(azure_cli):
    result = azure_cli("azure", "sync", "--no-costs", config="[azure]\n")
    assert result.exit_code == 2
    assert "no Azure subscription is given for inventory" in result.stderr


def test_a_pay_as_you_go_sql_server_vm_is_priced_with_its_licence(arm, azure_cli, monkeypatch):
    """End to end: the inventory reads the SQL VM resource (PAYG Standard), the Retail
    Prices API is asked for the size's meters and the SQL Server Standard licence, and
    ``resources`` shows the sum with its basis."""
    from tests.pricing.price_servers import AzurePriceServer
    from tests.providers.azure.inventory.conftest import cassette, load

    listing = cassette("VMTest.virtual_machine_instance.json")
    for vm in listing["value"]:
        profile = vm["properties"]["storageProfile"]
        profile["osDisk"]["osType"] = "Windows"
        profile["imageReference"] = {"publisher": "MicrosoftSQLServer",
                                     "offer": "sql2019-ws2019", "sku": "standard"}  # fmt: skip
    arm.lists[(SUBSCRIPTION, "vms")] = [listing]
    arm.lists[(SUBSCRIPTION, "sqlvms")] = [load("sql-virtual-machines-list.json")]
    prices = AzurePriceServer().start()
    try:
        for product, price in (("Virtual Machines Av2 Series Windows", 0.091),
                               ("Virtual Machines Av2 Series", 0.043)):  # fmt: skip
            prices.item(sku="Standard_A1_v2", region="southcentralus", price=price,
                        meter="A1 v2", product=product)  # fmt: skip
        prices.item(sku="", region="", price=0.4, meter="1-4 vCPU VM License",
                    sku_name="1-4 vCPU VM", product="SQL Server Standard",
                    service="Virtual Machines Licenses")  # fmt: skip
        monkeypatch.setenv("CLOUDSPY_AZURE_PRICES_ENDPOINT", prices.url)
        synced = azure_cli(
            "azure", "sync", "--no-costs", config=f'[azure]\nsubscriptions = ["{SUBSCRIPTION}"]\n'
        )
        assert synced.exit_code == 0, synced.output
        listed = azure_cli("resources", "--provider", "azure", "--kind", "vm", "--format", "json")
    finally:
        prices.stop()
    [vm] = json.loads(listed.stdout)["resources"]
    assert vm["platform"] == "Windows+SQL Standard"
    assert vm["monthly_cost"] == "358.43"  # (0.091 Windows + 0.4 SQL Standard) × 730
    assert (
        "list price of Standard_A1_v2 Windows+SQL Standard in southcentralus" in (vm["price_basis"])
    )
    assert any("Virtual Machines Licenses" in f for f in prices.filters)


def test_an_old_incremental_snapshot_is_priced_as_an_upper_bound(arm, azure_cli, monkeypatch):
    """End to end: an incremental snapshot (as Snapshots_List returns it) bills the
    Standard HDD snapshot meter of its SKU's redundancy; sized by its disk, the
    ``old-snapshot`` finding's money says it is an upper bound (#14)."""
    from tests.pricing.price_servers import AzurePriceServer

    prices = AzurePriceServer().start()
    try:
        prices.item(sku="", region="eastus", price=0.05, meter="LRS Snapshots",
                    sku_name="Snapshots LRS", product="Standard HDD Managed Disks",
                    service="Storage", unit="1 GB/Month")  # fmt: skip
        monkeypatch.setenv("CLOUDSPY_AZURE_PRICES_ENDPOINT", prices.url)
        synced = azure_cli(
            "azure", "sync", "--no-costs", config=f'[azure]\nsubscriptions = ["{SUBSCRIPTION}"]\n'
        )
        assert synced.exit_code == 0, synced.output
        waste = azure_cli("waste", "--provider", "azure", "--format", "json")
    finally:
        prices.stop()
    assert waste.exit_code == 0, waste.output
    [old] = [f for f in json.loads(waste.stdout)["findings"] if f["rule"] == "old-snapshot"]
    assert (old["name"], old["monthly_savings"], old["currency"]) == (
        "db-data-2025-02-01",
        "6.4",
        "USD",
    )  # 128 GB × 0.05
    assert old["price_source"] == "list"
    assert (
        "(an upper bound: its disk's size; an incremental snapshot bills its changed"
        in (old["price_basis"])
    )
