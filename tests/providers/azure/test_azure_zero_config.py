"""Azure with no config (#12): DefaultAzureCredential's own sources, every enabled subscription.

The credential is detected from the environment (a service principal in AZURE_*
variables, as azure-identity reads it); the subscriptions come from the real
SubscriptionClient against the loopback server (the published listing: one
enabled, one disabled), and only the enabled one is queried.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.providers.azure.conftest import FIXTURES, QPU_HEADERS, SUBSCRIPTION, respond

LISTING = (FIXTURES / "subscriptions-list.json").read_text()
DAILY = (FIXTURES / "query-daily-service-location.json").read_text()
ENABLED = "ea42f556-5106-4743-99b0-c129bfa71a47"


@pytest.fixture
def service_principal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_CLIENT_ID", "00000000-1111-2222-3333-444444444444")
    monkeypatch.setenv("AZURE_TENANT_ID", "11111111-2222-3333-4444-555555555555")
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "not-a-real-secret")


def _serve(replay: Any) -> None:
    def answer(path: str, body: Any, request: Any) -> Any:
        if request.method == "GET" and path == "/subscriptions":
            return respond(raw=LISTING)
        return respond(raw=DAILY.replace(SUBSCRIPTION, ENABLED), headers=QPU_HEADERS)

    replay.answer = answer


def test_sync_with_no_config_reads_every_enabled_subscription(
    replay: Any, azure_cli: Any, service_principal: None
):
    _serve(replay)
    result = azure_cli("sync", "--no-resources", "--since", "2018-03-31", "--until", "2018-04-30")
    assert result.exit_code == 0, result.stderr
    assert "no config: using Azure service principal" in result.stderr
    assert f"azure:query:/subscriptions/{ENABLED}: ok" in result.stdout
    assert "00000000-0000-0000-0000-000000000000" not in result.stdout  # the disabled one
    posted = [r[1] for r in replay.requests if r[0] == "POST"]
    assert posted and all(p.startswith(f"/subscriptions/{ENABLED}/") for p in posted)


def test_init_lists_the_subscriptions_and_the_file_loads(
    replay: Any, azure_cli: Any, service_principal: None, tmp_path: Any, monkeypatch: Any
):
    from cloudspy.config import load_settings

    _serve(replay)
    result = azure_cli("init", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert f'"{ENABLED}",  # Production (Enabled)' in result.stdout
    assert '# "00000000-0000-0000-0000-000000000000",  # Dev and Test (Disabled)' in result.stdout
    path = tmp_path / "generated.toml"
    path.write_text(result.stdout)
    settings = load_settings(path)
    assert settings.azure.subscriptions == [ENABLED]
    assert json.loads(json.dumps(settings.azure.all_scopes())) == [f"/subscriptions/{ENABLED}"]
