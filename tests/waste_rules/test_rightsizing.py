"""Rightsizing: a running VM whose daily CPU p95 stays low all window is offered the next
smaller size of its family, priced as the difference in its region (#14 item 5)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.models import prices as p
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, DailyUsage, MetricSample, Resource
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.pricing.price_book import PriceBook
from cloudspy.providers.aws.sizes import smaller_sizes as aws_sizes
from cloudspy.providers.azure.sizes import smaller_sizes as azure_sizes
from cloudspy.providers.gcp.sizes import smaller_sizes as gcp_sizes
from cloudspy.waste_rules.base import WasteContext
from cloudspy.waste_rules.rules.rightsizing import alternatives, evaluate
from tests.waste_rules.estate import NOW, store_collected

DAYS = 14


def _vm(rid, type_, *, provider="aws", region="us-east-1", power=m.RUNNING, platform=None):
    return Resource(
        provider, "1", region, rid, m.VM, power_state=power, type=type_, platform=platform
    )


def _usage(p95s, cpu=20.0, net=1e9, memory=None):
    """A VM (busy enough not to be idle, by default) whose daily p95 CPU is ``p95s``
    (None: a day without one) and daily p95 memory ``memory`` (None: no agent),
    aggregated as the store's query does."""
    n = len(p95s)
    known = [p for p in p95s if p is not None]
    mem = [p for p in memory or [] if p is not None]
    return DailyUsage(
        date(2026, 11, 11), list(range(n)), [cpu] * n, [net] * n, max(known), len(known),
        max(mem) if mem else None, len(mem),
    )  # fmt: skip


def _ctx(usage, prices=None):
    return WasteContext(
        now=NOW, settings=WasteSettings(), usage=usage, prices=prices or PriceBook()
    )


def test_sizes_of_each_provider_keep_the_family():
    assert aws_sizes("m5.2xlarge") == (8, (("m5.xlarge", 4), ("m5.large", 2)))
    assert aws_sizes("t3.large") is None  # burstable: CPU credits, not size
    assert aws_sizes("m5.metal") is None
    # c4.8xlarge has 36 vCPUs, not the 32 its name suggests.
    assert aws_sizes("c4.8xlarge") == (
        36,
        (("c4.4xlarge", 16), ("c4.2xlarge", 8), ("c4.xlarge", 4), ("c4.large", 2)),
    )
    assert gcp_sizes("n2-standard-8") == (8, (("n2-standard-4", 4), ("n2-standard-2", 2)))
    assert gcp_sizes("e2-medium") is None and gcp_sizes("n2-custom-4-8192") is None
    assert azure_sizes("Standard_D8s_v5") == (
        8,
        (("Standard_D4s_v5", 4), ("Standard_D2s_v5", 2)),
    )
    assert azure_sizes("Standard_B2ms") is None
    # D/DS v1 and v2 number their sizes: a D3_v2 has 4 vCPUs, a D11_v2 2 (not 3 and
    # 11); the published counts, in two ladders of the same memory per vCPU.
    assert azure_sizes("Standard_D3_v2") == (4, (("Standard_D2_v2", 2), ("Standard_D1_v2", 1)))
    assert azure_sizes("Standard_DS15_v2") == (
        20,
        (("Standard_DS14_v2", 16), ("Standard_DS13_v2", 8), ("Standard_DS12_v2", 4),
         ("Standard_DS11_v2", 2)),
    )  # fmt: skip
    assert azure_sizes("Standard_D11_v2") == (2, ())  # the memory ladder's smallest
    assert azure_sizes("Standard_D6_v2") is None  # no such size
    # Names that do not give vCPUs (versionless A, GPU sizes with a suffix): no answer.
    assert azure_sizes("Standard_A5") is None and azure_sizes("Standard_NC4as_T4_v3") is None
    assert azure_sizes("Standard_F8s") == (8, (("Standard_F4s", 4), ("Standard_F2s", 2)))
    assert azure_sizes("Standard_F8s_v2") == (
        8,
        (("Standard_F4s_v2", 4), ("Standard_F2s_v2", 2)),
    )


def test_a_low_peak_gets_the_largest_smaller_size_that_fits_priced_in_its_region():
    vm = _vm("i-1", "m5.2xlarge")
    finding = evaluate(vm, _ctx({"i-1": _usage([30.0] * DAYS)}))
    # 8 vCPUs at p95 30 %: xlarge (4) runs at 60 % ≤ 80 %, large (2) would need 120 %.
    assert finding.evidence["suggested_type"] == "m5.xlarge"
    assert finding.evidence["projected_p95_cpu_percent"] == 60.0
    assert finding.savings.amount == (Decimal("0.384") - Decimal("0.192")) * 730
    assert finding.savings.currency == "USD"
    assert [a.type for a in alternatives(vm)] == ["m5.xlarge", "m5.large"]


def test_where_an_agent_reports_memory_the_smaller_size_must_hold_it_too():
    """8 vCPUs at CPU p95 30 %: m5.xlarge fits the CPU (60 %). With memory p95 at 35 %
    it holds memory too (70 % ≤ 80 %); at 45 % it would not (90 %), and no smaller size
    of the family does: no finding. A window the agent did not cover is not measured."""
    vm = _vm("i-1", "m5.2xlarge")
    fits = evaluate(vm, _ctx({"i-1": _usage([30.0] * DAYS, memory=[35.0] * DAYS)}))
    assert fits.evidence["suggested_type"] == "m5.xlarge"
    assert fits.evidence["max_daily_p95_memory_percent"] == 35.0
    assert fits.evidence["projected_p95_memory_percent"] == 70.0
    assert "memory at about 70 %" in fits.reason
    assert evaluate(vm, _ctx({"i-1": _usage([30.0] * DAYS, memory=[45.0] * DAYS)})) is None
    partial = evaluate(vm, _ctx({"i-1": _usage([30.0] * DAYS, memory=[45.0] * (DAYS - 1))}))
    assert partial.evidence["max_daily_p95_memory_percent"] is None  # not measured
    without = evaluate(vm, _ctx({"i-1": _usage([30.0] * DAYS)}))
    assert without.evidence["projected_p95_memory_percent"] is None


@pytest.mark.parametrize(
    ("usage", "why"),
    [
        (_usage([41.0] + [10.0] * (DAYS - 1)), "one day's p95 above 40 %"),
        (_usage([10.0] * (DAYS - 1)), "13 days, not the 14-day window"),
        (_usage([10.0] * (DAYS - 1) + [None]), "a day without a p95"),
        (_usage([10.0] * DAYS, cpu=1.0, net=1e5), "idle: idle-vm's finding"),
    ],
)
def test_no_finding_without_a_whole_low_window(usage, why):
    assert evaluate(_vm("i-2", "m5.2xlarge"), _ctx({"i-2": usage})) is None, why


def test_stopped_burstable_and_smallest_vms_are_not_this_rules():
    low = _usage([5.0] * DAYS)
    assert evaluate(_vm("i-3", "m5.2xlarge", power=m.STOPPED), _ctx({"i-3": low})) is None
    assert evaluate(_vm("i-3", "t3.xlarge"), _ctx({"i-3": low})) is None
    assert evaluate(_vm("i-3", "m5.large"), _ctx({"i-3": low})) is None  # nothing smaller


def _price(provider, region, sku, variant, amount):
    key = p.PriceKey(provider, m.VM, region, sku, variant)
    fetched = NOW
    if amount is None:
        return key, [p.ListPrice(key, p.NONE, None, "USD", "test list", None, fetched, "no such")]
    return key, [
        p.ListPrice(key, p.HOUR, Decimal(amount), "USD", "test list", date(2025, 5, 1), fetched)
    ]


def test_a_size_the_family_lacks_is_skipped_for_the_next_that_exists():
    book = PriceBook(
        dict(
            [
                _price("azure", "westeurope", "Standard_D16s_v5", "Windows", "1.472"),
                _price("azure", "westeurope", "Standard_D8s_v5", "Windows", None),
                _price("azure", "westeurope", "Standard_D4s_v5", "Windows", "0.368"),
            ]
        )
    )
    vm = _vm("vm1", "Standard_D16s_v5", provider="azure", region="westeurope", platform="Windows")
    finding = evaluate(vm, _ctx({"vm1": _usage([15.0] * DAYS)}, book))
    assert finding.evidence["suggested_type"] == "Standard_D4s_v5"  # D8s: no such product
    assert finding.savings.amount == (Decimal("1.472") - Decimal("0.368")) * 730
    assert "test list, effective 2025-05-01" in finding.savings.basis


def test_a_d_v2_size_is_offered_the_next_of_its_published_ladder():
    """A Standard_DS14_v2 has 16 vCPUs (its name says 14): at CPU p95 30 % the
    DS13_v2 (8 vCPUs) would run at 60 %; the DS12_v2 (4) would not fit."""
    book = PriceBook(
        dict(
            [
                _price("azure", "westeurope", "Standard_DS14_v2", "Linux", "1.482"),
                _price("azure", "westeurope", "Standard_DS13_v2", "Linux", "0.741"),
                _price("azure", "westeurope", "Standard_DS12_v2", "Linux", "0.371"),
            ]
        )
    )
    vm = _vm("vm2", "Standard_DS14_v2", provider="azure", region="westeurope", platform="Linux")
    finding = evaluate(vm, _ctx({"vm2": _usage([30.0] * DAYS)}, book))
    assert finding.evidence["vcpus"] == 16
    assert finding.evidence["suggested_type"] == "Standard_DS13_v2"
    assert finding.evidence["suggested_vcpus"] == 8
    assert finding.savings.amount == (Decimal("1.482") - Decimal("0.741")) * 730


def test_outside_the_priced_region_the_finding_says_why():
    finding = evaluate(
        _vm("i-4", "m5.2xlarge", region="sa-east-1"), _ctx({"i-4": _usage([20.0] * DAYS)})
    )
    assert finding.savings.amount is None
    assert "has m5.2xlarge in us-east-1 only" in finding.savings.basis


def test_through_the_engine_from_stored_hourly_samples(tmp_path):
    """Daily p95 comes from the store's rollup of hourly CPU; an oversized m4 is
    rightsizing's finding alone (previous-generation's saving would overlap it)."""
    db = tmp_path / "cache.duckdb"
    big, old = _vm("i-big", "m5.2xlarge"), _vm("i-old", "m4.2xlarge")
    start = NOW.replace(hour=0) - timedelta(days=DAYS)
    # 22 hours at 10 %, 2 hours at 30 % a day: p95 of each day ≈ 30 %, average ≈ 11.7 %.
    samples = [
        MetricSample(rid, metric, start + timedelta(hours=h), value, unit)
        for rid in ("i-big", "i-old")
        for h in range(DAYS * 24)
        for metric, value, unit in (
            (m.CPU_PERCENT, 30.0 if h % 24 in (12, 13) else 10.0, "Percent"),
            (m.NETWORK_BYTES, 1e9, "Bytes"),
            # The m4's agent reports memory that an xlarge could not hold (2 × 45 %).
            *([(m.MEMORY_PERCENT, 45.0, "Percent")] if rid == "i-old" else []),
        )
    ]
    store_collected(db, [Collected("us-east-1", [big, old], samples, metrics_since=start)])
    report = api.waste(db=db, settings=Settings(), now=NOW)
    found = {(f.rule, f.resource_id): f for f in report.findings}
    # The m4 would fit a smaller size by CPU, but not by the memory its agent reports:
    # no rightsizing, so previous-generation (which defers to it) speaks instead.
    assert sorted(found) == [("previous-generation", "i-old"), ("rightsizing", "i-big")]
    big_finding = found[("rightsizing", "i-big")]
    assert big_finding.evidence["suggested_type"] == "m5.xlarge"
    assert big_finding.monthly_savings == Decimal("140.16")
    assert big_finding.price_source == "list"
    assert big_finding.evidence["max_daily_p95_memory_percent"] is None


def test_what_a_gcp_price_leaves_out_is_said_on_both_sizes_through_the_engine(tmp_path):
    """Waste loads resources without their payloads; a finding that priced a cheaper
    size is evaluated again with the VM's, so a GCP VM whose boot disk names a
    Marketplace image's licence says on both prices that its fee is left out (#14)."""
    from cloudspy.store.connection import connect
    from cloudspy.store.inventory_writes import replace_scope

    db = tmp_path / "cache.duckdb"
    licence = "https://www.googleapis.com/compute/v1/projects/bitnami-launchpad/global/licenses/wp"
    vm = Resource("gcp", "p", "us-central1", "web", m.VM, power_state=m.RUNNING,
                  type="e2-standard-4", platform="Linux",
                  raw={"disks": [{"boot": True, "licenses": [licence]}]})  # fmt: skip
    start = NOW.replace(hour=0) - timedelta(days=DAYS)
    samples = [
        MetricSample("web", metric, start + timedelta(hours=h), value, unit)
        for h in range(DAYS * 24)
        for metric, value, unit in (
            (m.CPU_PERCENT, 15.0, "Percent"),
            (m.NETWORK_BYTES, 1e9, "Bytes"),
        )
    ]
    with connect(db, read_only=False) as conn:
        replace_scope(conn, scope="gcp:inventory:p", provider="gcp", account="p",
                      collected=[Collected("us-central1", [vm], samples, metrics_since=start)],
                      denied={}, snapshot_at=NOW, run_id="r1")  # fmt: skip
    report = api.waste(db=db, settings=Settings(), now=NOW)
    [finding] = [f for f in report.findings if f.rule == "rightsizing"]
    assert finding.evidence["suggested_type"] == "e2-standard-2"
    assert finding.monthly_savings is not None
    note = "leaves out any fee of its licence bitnami-launchpad/wp"
    assert finding.price_basis.count(note) == 2  # the current size's price and the smaller's
