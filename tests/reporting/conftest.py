"""Report fixtures: the hostile store of tests/exporting and a fake waste API."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from tests.exporting.conftest import hostile_db  # noqa: F401 - the same hostile store
from tests.exporting.hostile import HOSTILE_NAME

WASTE_TITLE = "Unattached disk"


def fake_waste(**_: object) -> SimpleNamespace:
    """Stands in for cloudspy.api.waste: one priced finding, one unpriced."""
    finding = SimpleNamespace(
        rule="unattached_disk",
        title=WASTE_TITLE,
        provider="AWS",
        account="222222222222",
        region="us-east-1",
        resource_id="vol-0abc",
        name=HOSTILE_NAME,
        monthly_savings=Decimal("42.50"),
        currency="USD",
    )
    unpriced = SimpleNamespace(**{**vars(finding), "monthly_savings": None, "currency": None})
    return SimpleNamespace(findings=[finding, unpriced])


@pytest.fixture
def with_waste(monkeypatch: pytest.MonkeyPatch) -> None:
    """cloudspy.api.waste returns fake findings."""
    from cloudspy import api

    def waste(*, db=None, settings=None, provider=()):  # the shape the report calls
        return fake_waste()

    monkeypatch.setattr(api, "waste", waste, raising=False)


@pytest.fixture
def without_insights(monkeypatch: pytest.MonkeyPatch) -> None:
    """A build without cloudspy.api.waste and cloudspy.api.forecast."""
    from cloudspy import api

    monkeypatch.delattr(api, "waste", raising=False)
    monkeypatch.delattr(api, "forecast", raising=False)
