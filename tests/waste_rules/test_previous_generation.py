"""previous-generation: m4/c4/r4/t2 priced against their current equivalent (#14 item 6)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, DailyUsage, MetricSample, Resource
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.waste_rules.base import WasteContext
from cloudspy.waste_rules.rules.previous_generation import current_type, evaluate
from tests.waste_rules.estate import NOW, store_collected


def _vm(rid, type_, *, region="us-east-1", power=m.RUNNING):
    return Resource("aws", "1", region, rid, m.VM, power_state=power, type=type_)


def _ctx(usage=None):
    return WasteContext(now=NOW, settings=WasteSettings(), usage=usage or {})


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("m4.large", "m6i.large"),
        ("c4.2xlarge", "c6i.2xlarge"),
        ("t2.micro", "t3.micro"),
        ("m5.large", None),
        ("m4", None),
        ("t3.medium", None),
    ],
)
def test_current_type_keeps_the_size(old, new):
    assert current_type(old) == new


@pytest.mark.parametrize(
    ("type_", "saving"),
    [
        ("m4.large", (Decimal("0.10") - Decimal("0.096")) * 730),  # 2.92
        ("t2.medium", (Decimal("0.0464") - Decimal("0.0416")) * 730),  # 3.504
        ("c4.xlarge", (Decimal("0.199") - Decimal("0.17")) * 730),
    ],
)
def test_the_saving_is_the_same_size_difference(type_, saving):
    finding = evaluate(_vm("i-1", type_), _ctx())
    assert (finding.savings.amount, finding.savings.currency) == (saving, "USD")
    assert finding.savings.basis.startswith(f"list: {type_} ")


def test_stopped_current_and_unknown_types_are_not_findings():
    assert evaluate(_vm("i-2", "m4.large", power=m.STOPPED), _ctx()) is None
    assert evaluate(_vm("i-3", "m6i.large"), _ctx()) is None
    assert evaluate(_vm("i-4", None), _ctx()) is None


def test_unpriced_sizes_and_regions_say_why():
    big = evaluate(_vm("i-5", "m4.16xlarge"), _ctx())
    assert big.savings.amount is None
    assert big.savings.basis.startswith(
        "unpriced: the shipped price table has no list price for m4.16xlarge"
    )
    away = evaluate(_vm("i-6", "m4.large", region="sa-east-1"), _ctx())
    assert "has m4.large in us-east-1 only, and this resource is in sa-east-1" in (
        away.savings.basis
    )


def test_an_idle_vm_is_left_to_idle_vm_so_nothing_is_counted_twice():
    days = 14
    idle = DailyUsage(date(2026, 11, 11), list(range(days)), [1.0] * days, [1e5] * days)
    assert evaluate(_vm("i-7", "m4.large"), _ctx({"i-7": idle})) is None
    busy = DailyUsage(date(2026, 11, 11), list(range(days)), [60.0] * days, [1e9] * days)
    assert evaluate(_vm("i-7", "m4.large"), _ctx({"i-7": busy})) is not None


def test_through_the_engine_an_idle_m4_has_one_finding(tmp_path):
    db = tmp_path / "cache.duckdb"
    idle, busy = _vm("i-idle", "m4.large"), _vm("i-busy", "m4.large")
    start = NOW.replace(hour=0) - timedelta(days=14)
    samples = [
        MetricSample(rid, metric, start + timedelta(hours=h), value, unit)
        for rid, cpu in (("i-idle", 2.0), ("i-busy", 70.0))
        for h in range(14 * 24)
        for metric, value, unit in (
            (m.CPU_PERCENT, cpu, "Percent"),
            (m.NETWORK_BYTES, 1e5, "Bytes"),
        )
    ]
    store_collected(db, [Collected("us-east-1", [idle, busy], samples, metrics_since=start)])
    report = api.waste(db=db, settings=Settings(), now=NOW)
    found = sorted((f.rule, f.resource_id, f.monthly_savings) for f in report.findings)
    assert found == [
        ("idle-vm", "i-idle", Decimal("73.00")),
        ("previous-generation", "i-busy", Decimal("2.920")),
    ]
