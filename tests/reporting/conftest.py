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
        rule="unattached-disk",
        title=WASTE_TITLE,
        provider="AWS",
        account="222222222222",
        region="us-east-1",
        resource_id="vol-0abc",
        name=HOSTILE_NAME,
        monthly_savings=Decimal("42.50"),
        currency="USD",
        upper_bound=True,  # at most 42.50 (a list price of a size that bounds the bill)
    )
    unpriced = SimpleNamespace(
        **{**vars(finding), "monthly_savings": None, "currency": None, "upper_bound": False}
    )
    return SimpleNamespace(findings=[finding, unpriced])


@pytest.fixture
def with_waste(monkeypatch: pytest.MonkeyPatch) -> None:
    """cloudspy.api.waste returns fake findings."""
    from cloudspy import api

    def waste(*, db=None, settings=None, provider=()):  # the shape the report calls
        return fake_waste()

    monkeypatch.setattr(api, "waste", waste, raising=False)


def unavailable(what: str):
    """An API function that has no answer for this store, as a real one says so."""
    from cloudspy.errors import NoDataError

    def answer(**_):
        raise NoDataError(f"{what} are not available for this store")

    return answer


@pytest.fixture
def without_insights(monkeypatch: pytest.MonkeyPatch) -> None:
    """cloudspy.api.waste and cloudspy.api.forecast have no answer (NoDataError)."""
    from cloudspy import api

    monkeypatch.setattr(api, "waste", unavailable("waste findings"))
    monkeypatch.setattr(api, "forecast", unavailable("forecasts"))
