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


@pytest.mark.parametrize("info", CONNECTED, ids=lambda i: i.name)
def test_each_provider_declares_a_command_group_that_clashes_with_no_shared_option(info):
    """`cloudspy <name> sync|costs` are built from the provider's declaration (#16 item 4);
    its own options must not shadow the shared ones the CLI adds to every group."""
    from cloudspy.cli.provider_cmd import COSTS_OPTIONS, SYNC_OPTIONS

    spec = info.command_spec()
    assert spec is not None, f"{info.name} declares no command group"
    names = [option.name for option in spec.options]
    flags = [flag for option in spec.options for flag in option.flags]
    assert len(set(names)) == len(names) and len(set(flags)) == len(flags)
    shared = {p.name for p in SYNC_OPTIONS + COSTS_OPTIONS} | {"ctx"}
    assert not set(names) & shared
    shared_flags = {
        "--last",
        "--since",
        "--until",
        "--refresh",
        "--by",
        "-b",
        "--format",
        "-f",
        "--metric",
        "-m",
        "--offline",
        "--no-costs",
        "--no-resources",
        "--no-progress",
    }
    assert not set(flags) & shared_flags
    # The values that name the cached identity: every cost option, in order.
    assert len(spec.identity({})) == len(spec.cost_options())
