"""The waste engine over a real store: snapshot replacement, pricing basis, currencies."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.errors import NoDataError, UsageError
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, MetricSample, Resource
from cloudspy.pricing.table import apply_estimates
from cloudspy.store.connection import connect
from tests.waste_rules.estate import NOW, store_collected


def _disk(rid, region="us-east-1", attached=False, size=100):
    return Resource("aws", "1", region, rid, m.DISK, type="gp3", size_gb=size, attached=attached)


def test_a_region_snapshot_replaces_only_that_region(db):
    store_collected(
        db,
        [
            Collected("us-east-1", [_disk("vol-a")]),
            Collected("eu-west-1", [_disk("vol-b", region="eu-west-1")]),
        ],
    )
    store_collected(db, [Collected("us-east-1", [_disk("vol-c")])], denied={"eu-west-1": "denied"})
    with connect(db) as conn:
        rows = conn.execute("SELECT region, resource_id FROM resource ORDER BY 1").fetchall()
        status = conn.execute("SELECT region, status FROM inventory_coverage ORDER BY 1").fetchall()
    assert rows == [("eu-west-1", "vol-b"), ("us-east-1", "vol-c")]
    assert status == [("eu-west-1", "denied"), ("us-east-1", "ok")]
    report = api.waste(db=db, settings=Settings(), now=NOW)
    assert "eu-west-1" in report.warnings[0]


def test_list_prices_name_their_source_and_totals_stay_per_currency(db):
    store_collected(
        db, [Collected("us-east-1", [_disk("vol-a", size=100), _disk("vol-b", size=10)])]
    )
    report = api.waste(db=db, settings=Settings(), now=NOW)
    assert [f.resource_id for f in report.findings] == ["vol-a", "vol-b"]
    first = report.findings[0]
    assert first.monthly_savings == Decimal("8.00") and first.currency == "USD"
    assert "0.08 USD/GB-month × 100 GB" in first.price_basis
    assert "aws.amazon.com/ebs/pricing" in first.price_basis and "as of" in first.price_basis
    assert [(t.currency, t.monthly_savings) for t in report.totals] == [("USD", Decimal("8.80"))]


def _charge_daily(db, days: int, rows: list[tuple[str, str, str]]) -> None:
    """Cost rows (resource id, currency, amount per day) and their coverage, ``days`` days."""
    with connect(db, read_only=False) as conn:
        for day in range(days):
            start = NOW.replace(hour=0) - timedelta(days=day + 1)
            conn.execute(
                "INSERT INTO cost_coverage VALUES ('test', 'test', 'AWS', '1', ?,"
                " ['resource'], ['billed'], false, 0, 'run', ?)",
                [start.date(), NOW],
            )
            for rid, currency, amount in rows:
                conn.execute(
                    "INSERT INTO cost (ProviderName, BillingAccountId, ResourceId, ChargeCategory,"
                    " ChargePeriodStart, ChargePeriodEnd, BilledCost, BillingCurrency,"
                    " x_scope) VALUES ('AWS', '1', ?, 'Usage', ?, ?, ?, ?, 'test')",
                    [rid, start, start + timedelta(days=1), amount, currency],
                )


def test_actual_cost_from_the_store_wins_over_the_list_price(db):
    store_collected(db, [Collected("us-east-1", [_disk("vol-a"), _disk("vol-eur")])])
    _charge_daily(db, 30, [("vol-a", "USD", "0.5"), ("vol-eur", "EUR", "0.5")])
    report = api.waste(db=db, settings=Settings(), now=NOW)
    by_id = {f.resource_id: f for f in report.findings}
    month = Decimal("15.2188")  # 0.5 a day × 30.4375 days
    assert by_id["vol-a"].monthly_savings == month
    assert by_id["vol-a"].price_basis.startswith("vol-a: actual: billed 15.0000 USD")
    assert by_id["vol-a"].price_source == "actual"
    assert "over the 30 day(s) the cache covers" in by_id["vol-a"].price_basis
    # Both are shown when both are known (#14): the list price beside the actual cost.
    assert "per month at that rate (list: 8.0000 USD per month: list price of gp3: 0.08" in (
        by_id["vol-a"].price_basis
    )
    assert by_id["vol-eur"].currency == "EUR"
    assert {t.currency: t.monthly_savings for t in report.totals} == {"EUR": month, "USD": month}


def test_two_cached_days_are_scaled_to_a_month_not_summed(db):
    """#13 item 2: a 100 GB gp3 disk with two cached days showed $0.53 a month, not ~$8."""
    store_collected(db, [Collected("us-east-1", [_disk("vol-a")])])
    _charge_daily(db, 2, [("vol-a", "USD", "0.2630")])
    (finding,) = api.waste(db=db, settings=Settings(), now=NOW).findings
    assert finding.monthly_savings == Decimal("8.0051")  # 0.2630 × 30.4375 = 8.00506
    assert "over the 2 day(s) the cache covers" in finding.price_basis


def test_a_list_price_says_it_is_one(db):
    store_collected(db, [Collected("us-east-1", [_disk("vol-a")])])
    (finding,) = api.waste(db=db, settings=Settings(), now=NOW).findings
    assert finding.price_basis.startswith("list: ")
    assert finding.price_source == "list"


def test_a_resource_without_any_price_says_so(db):
    odd = Resource("aws", "1", "us-east-1", "vol-x", m.DISK, type="gp9", size_gb=5, attached=False)
    store_collected(db, [Collected("us-east-1", [odd])])
    (finding,) = api.waste(db=db, settings=Settings(), now=NOW).findings
    assert finding.monthly_savings is None and finding.currency is None
    assert "no actual cost and no list price known for vol-x (type gp9)" in finding.price_basis
    assert finding.price_source is None


def test_another_regions_price_is_not_this_regions_price(db):
    """The table prices gp3 in us-east-1 only: a disk in sa-east-1 is unpriced and says
    why, instead of showing us-east-1's price with a note (#14)."""
    store_collected(
        db,
        [
            Collected("us-east-1", [_disk("vol-home")]),
            Collected("sa-east-1", [_disk("vol-away", region="sa-east-1")]),
        ],
    )
    found = {f.resource_id: f for f in api.waste(db=db, settings=Settings(), now=NOW).findings}
    assert found["vol-home"].monthly_savings == Decimal("8.00")
    away = found["vol-away"]
    assert away.monthly_savings is None and away.currency is None
    assert "has gp3 in us-east-1 only, and this resource is in sa-east-1" in away.price_basis


def test_a_price_for_all_regions_applies_everywhere():
    ip = Resource("aws", "1", "ap-south-1", "eipalloc-1", m.IP, type="ip", attached=False)
    apply_estimates([ip])
    assert (ip.monthly_cost, ip.currency) == (Decimal("3.650"), "USD")
    assert "all regions" in ip.price_basis


def test_idle_vm_reads_the_daily_rollup_of_hourly_metrics(db):
    vm = Resource("aws", "1", "us-east-1", "i-1", m.VM, power_state=m.RUNNING, type="t3.micro")
    start = NOW.replace(hour=0) - timedelta(days=14)
    samples = [
        MetricSample("i-1", metric, start + timedelta(hours=h), value, unit)
        for h in range(14 * 24)
        for metric, value, unit in (
            (m.CPU_PERCENT, 2.0, "Percent"),
            (m.NETWORK_BYTES, 1e5, "Bytes"),
        )
    ]
    store_collected(db, [Collected("us-east-1", [vm], samples, metrics_since=start)])
    (finding,) = api.waste(db=db, settings=Settings(), now=NOW, rule=["idle-vm"]).findings
    assert finding.evidence["days_with_data"] == 14
    assert finding.evidence["daily_network_mb"][0] == pytest.approx(2.4)
    assert finding.monthly_savings == Decimal("0.0104") * 730
    # A new sync of the window replaces the samples instead of adding to them.
    store_collected(db, [Collected("us-east-1", [vm], samples, metrics_since=start)])
    with connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM metric").fetchall()[0][0] == len(samples)
        assert conn.execute("SELECT max(samples) FROM metric_daily").fetchall()[0][0] == 24


def test_min_monthly_savings_and_bad_inputs(db):
    store_collected(
        db, [Collected("us-east-1", [_disk("vol-a", size=100), _disk("vol-b", size=10)])]
    )
    report = api.waste(db=db, settings=Settings(), now=NOW, min_monthly_savings="5")
    assert [f.resource_id for f in report.findings] == ["vol-a"]
    with pytest.raises(UsageError, match="not a number"):
        api.waste(db=db, settings=Settings(), min_monthly_savings="lots")
    with pytest.raises(UsageError, match="negative"):
        api.waste(db=db, settings=Settings(), min_monthly_savings="-1")
    with pytest.raises(UsageError, match="unknown provider"):
        api.waste(db=db, settings=Settings(), provider=["ibm"])


def test_a_store_without_inventory_is_no_data(db, tmp_path):
    with pytest.raises(NoDataError):
        api.waste(db=tmp_path / "missing.duckdb", settings=Settings())
    with connect(db, read_only=False):
        pass
    with pytest.raises(NoDataError, match="no inventory"):
        api.resources(db=db, settings=Settings())


def test_the_shipped_tables_linux_price_is_not_another_operating_systems():
    """The table's VM prices are Linux ones: a Windows or RHEL VM of a type it lists, in
    its region, is unpriced with the reason, not priced as Linux."""
    linux = Resource("aws", "1", "us-east-1", "i-l", m.VM, type="t3.micro", platform="Linux/UNIX")
    windows = Resource("aws", "1", "us-east-1", "i-w", m.VM, type="t3.micro", platform="Windows")
    rhel = Resource("azure", "s", "eastus", "v", m.VM, type="Standard_B1s", platform="RHEL")
    apply_estimates([linux, windows, rhel])
    assert linux.monthly_cost == Decimal("0.0104") * 730
    assert windows.monthly_cost is None and rhel.monthly_cost is None
    assert "has Linux prices only, and this VM runs Windows" in windows.price_basis
    assert "this VM runs RHEL" in rhel.price_basis


def test_a_snapshot_sized_by_its_volume_is_an_upper_bound_and_its_actual_cost_is_not(db):
    """An EBS snapshot's list price is of its volume's size, at most what it stores:
    the finding says ``upper_bound`` (and the table ``≤``, the total too); where the
    cache holds its billed cost, that is no bound (#14)."""
    from rich.console import Console

    from cloudspy.money import AT_MOST_MEANS
    from cloudspy.render.waste_render import waste_csv, waste_table

    def snap(rid):
        return Resource("aws", "1", "us-east-1", rid, m.SNAPSHOT, size_gb=100,
                        created_at=NOW - timedelta(days=400), raw={"VolumeSize": 100})  # fmt: skip

    store_collected(db, [Collected("us-east-1", [snap("snap-listed"), snap("snap-billed")])])
    _charge_daily(db, 30, [("snap-billed", "USD", "0.1")])
    report = api.waste(db=db, settings=Settings(), now=NOW)
    by_id = {f.resource_id: f for f in report.findings}
    listed, billed = by_id["snap-listed"], by_id["snap-billed"]
    assert (listed.monthly_savings, listed.upper_bound) == (Decimal("5.00"), True)
    assert "(an upper bound: its volume's size;" in listed.price_basis
    assert (billed.price_source, billed.upper_bound) == ("actual", False)
    assert report.model_dump(mode="json")["findings"][0]["upper_bound"] is True

    console = Console(width=80, record=True, color_system=None)
    console.print(waste_table(report, width=80))
    table = console.export_text()
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "≤ $5.00" in table and "≤ $8.04" in table  # the total holds the bound
    assert "$3.04" in table and "≤ $3.04" not in table
    assert AT_MOST_MEANS in table
    assert [(t.currency, t.upper_bound) for t in report.totals] == [("USD", True)]
    assert report.model_dump(mode="json")["totals"][0]["upper_bound"] is True
    rows = {r["resource_id"]: r for r in csv.DictReader(io.StringIO(waste_csv(report)))}
    assert (rows["snap-listed"]["upper_bound"], rows["snap-billed"]["upper_bound"]) == (
        "true",
        "false",
    )


def test_a_sum_leaving_out_an_unpriced_resource_is_not_an_upper_bound():
    """A finding over several resources is an upper bound when a list-priced one in its
    currency is, but not when the sum leaves an unpriced one out (#14)."""
    from cloudspy.waste_rules.base import Finding
    from cloudspy.waste_rules.engine import _price

    def priced(rid, cost, basis):
        return Resource("aws", "1", "us-east-1", rid, m.SNAPSHOT, size_gb=10,
                        monthly_cost=cost, currency="USD" if cost else None, price_basis=basis)  # fmt: skip

    bounded = priced("snap-1", Decimal("0.5"), "list price (an upper bound: its volume's size)")
    exact = priced("vol-1", Decimal("8"), "list price of gp3")
    unpriced = priced("vol-2", None, "unpriced: no price")

    def finding(*resources):
        return Finding("stopped-vm", resources[0], "why", {}, priced=list(resources))

    assert _price(finding(bounded, exact), {}).upper_bound is True
    assert _price(finding(exact), {}).upper_bound is False
    partial = _price(finding(bounded, exact, unpriced), {})
    assert partial.amount == Decimal("8.5") and partial.upper_bound is False
