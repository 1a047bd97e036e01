"""The registry's connectors declare what they can do (#16: no more hasattr probing)."""

from __future__ import annotations

import inspect

import pytest

from cloudspy.providers.base import COSTS, FORECAST, INVENTORY, Provider
from cloudspy.providers.registry import PROVIDERS, configured_with

OPTIONAL = {INVENTORY: "inventory_sources", FORECAST: "cost_forecast"}
CONNECTED = [info for info in PROVIDERS.values() if info.entry_point is not None]


@pytest.mark.parametrize("info", CONNECTED, ids=lambda i: i.name)
def test_each_connector_declares_what_it_has(info):
    provider = info.load()
    assert provider.name == info.name
    assert COSTS in provider.capabilities
    assert provider.capabilities <= {COSTS, INVENTORY, FORECAST}
    required = [
        name
        for name, member in inspect.getmembers(Provider, inspect.isfunction)
        if not name.startswith("_") and name not in OPTIONAL.values()
    ]
    for name in required:
        assert callable(getattr(provider, name, None)), f"{info.name} lacks {name}"
    for capability, method in OPTIONAL.items():
        # Declared exactly when present: a method without the capability is never called.
        assert (capability in provider.capabilities) == callable(getattr(provider, method, None))


class _AllConfigured:
    """Settings as configured_with reads them: every provider has an account."""

    @staticmethod
    def configured_providers():
        return [info.name for info in CONNECTED]


def test_configured_with_returns_only_providers_with_the_capability():
    forecasting = [info.name for info, _ in configured_with(FORECAST, _AllConfigured())]
    assert forecasting == ["aws"]  # Cost Explorer's GetCostForecast; GCP and Azure have none
    inventory = [info.name for info, _ in configured_with(INVENTORY, _AllConfigured(), {"gcp"})]
    assert inventory == ["gcp"]
    costs = [info.name for info, _ in configured_with(COSTS, _AllConfigured())]
    assert costs == [info.name for info in CONNECTED]
