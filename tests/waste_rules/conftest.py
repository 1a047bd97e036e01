"""Model fixtures for rule tests: normalized resources and utilization, no cloud mock."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from cloudspy.models import resource as m
from cloudspy.models.resource import DailyUsage, Resource
from cloudspy.models.waste_settings import WasteSettings
from cloudspy.waste_rules.base import WasteContext

NOW = datetime(2026, 11, 25, 12, 0)


def vm(rid: str = "i-1", power: str = m.RUNNING, **kw) -> Resource:
    """A VM in us-east-1 of account 1."""
    return Resource("aws", "1", "us-east-1", rid, m.VM, power_state=power, type="m5.large", **kw)


def usage(cpu: list[float], net_mb: list[float | None] | None = None) -> DailyUsage:
    """Daily usage ending yesterday; network defaults to 1 MB a day."""
    first = date(2026, 11, 25) - timedelta(days=len(cpu))
    net = [None if n is None else n * 1e6 for n in (net_mb or [1.0] * len(cpu))]
    return DailyUsage(first, list(range(len(cpu))), cpu, net)


@pytest.fixture
def ctx() -> WasteContext:
    """A context at NOW with default (Trusted Advisor) thresholds."""
    return WasteContext(now=NOW, settings=WasteSettings())
