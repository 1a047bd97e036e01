"""gp2 → gp3: priced as the difference to a gp3 volume at least as fast (#14 item 6)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, Resource
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.waste_rules.base import WasteContext
from cloudspy.waste_rules.rules.gp2_to_gp3 import evaluate, gp2_performance
from tests.waste_rules.estate import NOW, store_collected

# No cached price list: the shipped table prices (us-east-1 only).
CTX = WasteContext(now=NOW, settings=WasteSettings())


def _volume(rid, size, *, region="us-east-1", attached=True, type_="gp2"):
    return Resource("aws", "1", region, rid, m.DISK, type=type_, size_gb=size, attached=attached)


@pytest.mark.parametrize(
    ("size", "iops", "mibps"),
    [(20, 100, 128), (100, 300, 128), (170, 510, 128), (171, 513, 250), (6000, 16000, 250)],
)
def test_gp2_performance_follows_size(size, iops, mibps):
    assert gp2_performance(Decimal(size)) == (iops, mibps)


@pytest.mark.parametrize(
    ("size", "saving"),
    [
        # 100 GiB: 10.00 gp2; gp3 8.00 + 3 MiB/s above 125 × 0.04 = 8.12
        (100, Decimal("1.88")),
        # 2000 GiB: 200.00 gp2; gp3 160.00 + 3000 IOPS × 0.005 + 125 MiB/s × 0.04 = 180.00
        (2000, Decimal("20.00")),
    ],
)
def test_the_saving_is_the_difference_to_an_equally_fast_gp3(size, saving):
    finding = evaluate(_volume("vol-a", size), CTX)
    assert finding is not None and finding.savings.currency == "USD"
    assert finding.savings.amount == saving
    assert finding.evidence["gp3_iops"] == max(3000, min(3 * size, 16000))
    assert "IOPS-month" in finding.savings.basis or size <= 1000


def test_gp3_unattached_or_unsized_volumes_are_not_this_rules():
    assert evaluate(_volume("vol-b", 100, type_="gp3"), CTX) is None
    assert evaluate(_volume("vol-c", 100, attached=False), CTX) is None  # unattached-disk's
    assert evaluate(_volume("vol-d", None), CTX) is None


def test_through_the_engine_with_another_regions_volume_unpriced(tmp_path):
    db = tmp_path / "cache.duckdb"
    store_collected(
        db,
        [
            Collected("us-east-1", [_volume("vol-home", 2000)]),
            Collected("sa-east-1", [_volume("vol-away", 2000, region="sa-east-1")]),
        ],
    )
    report = api.waste(db=db, settings=Settings(), rule=["gp2-to-gp3"], now=NOW)
    found = {f.resource_id: f for f in report.findings}
    assert found["vol-home"].monthly_savings == Decimal("20.00")
    assert found["vol-home"].price_basis.startswith("list: gp2 200.00 − gp3 180.00 USD")
    assert found["vol-home"].price_source == "list"
    away = found["vol-away"]
    assert (away.monthly_savings, away.currency, away.price_source) == (None, None, None)
    assert "gp2 in us-east-1 only, and this resource is in sa-east-1" in away.price_basis
    assert [(t.currency, t.monthly_savings) for t in report.totals] == [("USD", Decimal("20.00"))]
