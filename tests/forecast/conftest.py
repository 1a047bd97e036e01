"""Fixtures of the forecast tests: the insights' store builders, and a frozen today."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_TODAY
from tests.insights.conftest import store_factory  # noqa: F401 - re-exported fixture


@pytest.fixture
def frozen_today(monkeypatch: pytest.MonkeyPatch):
    """``cloudspy.api`` sees DEMO_TODAY as today (the CLI has no --today)."""
    monkeypatch.setattr("cloudspy.api.utc_today", lambda: DEMO_TODAY)
    return DEMO_TODAY
