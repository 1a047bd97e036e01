"""The real Azure sign-in flow over TLS against a local Entra ID and ARM (#13 item 13).

`[azure] tenant_id` crashed every Azure command (`DefaultAzureCredential` refuses
`tenant_id`), a custom authority host could not work (MSAL asked
login.microsoftonline.com to validate it), and a failed sign-in dropped its cause.
Here azure-identity, MSAL and azure-core run unmodified, over HTTPS with a test CA
trusted through REQUESTS_CA_BUNDLE.
"""

from __future__ import annotations

import json

import pytest

from tests.providers.azure.conftest import FIXTURES, SUBSCRIPTION
from tests.providers.azure.signin.entra import Entra, EntraServer, make_ca_and_server_cert

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CLIENT = "11111111-2222-3333-4444-555555555555"


@pytest.fixture
def entra(tmp_path, monkeypatch):
    ca, cert, key = make_ca_and_server_cert(tmp_path)
    state = Entra(
        tenant=TENANT,
        client_id=CLIENT,
        client_secret="the-right-secret",
        subscriptions=json.loads((FIXTURES / "subscriptions-list.json").read_text()),
        query=(FIXTURES / "query-daily-service-location.json").read_text(),
    )
    server = EntraServer(state, cert, key)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca))
    monkeypatch.setenv("AZURE_TENANT_ID", TENANT)
    monkeypatch.setenv("AZURE_CLIENT_ID", CLIENT)
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "the-right-secret")
    monkeypatch.setenv("CLOUDSPY_AZURE_AUTHORITY_HOST", server.url)
    monkeypatch.setenv("CLOUDSPY_AZURE_ARM_ENDPOINT", server.url)
    yield server
    server.stop()


def _config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text(
        f'[azure]\nsubscriptions = ["{SUBSCRIPTION}"]\ntenant_id = "{TENANT}"\n', encoding="utf-8"
    )
    return path


def test_tenant_id_and_a_custom_authority_sign_in_for_real(entra, cli, db, tmp_path):
    result = cli("--db", db, "--config", _config(tmp_path), "azure", "subscriptions",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert {s["name"] for s in json.loads(result.stdout)} == {"Production", "Dev and Test"}
    state = entra.state
    [grant] = state.token_requests
    assert grant["grant_type"] == "client_credentials" and grant["client_id"] == CLIENT
    assert grant["scope"] == f"{entra.url}/.default"  # the ARM endpoint's own scope
    assert state.bearer_seen == [f"Bearer {state.token}"]
    # The tenant's own OpenID configuration was read from the custom host; nothing asked
    # for instance discovery (which would have gone to login.microsoftonline.com).
    paths = [path for _method, path in state.requests]
    assert f"/{TENANT}/v2.0/.well-known/openid-configuration" in paths
    assert not any("discovery/instance" in p for p in paths)


def test_costs_sync_through_the_signed_in_pipeline(entra, cli, db, tmp_path):
    result = cli("--db", db, "--config", _config(tmp_path), "azure", "sync", "--no-resources",
                 "--since", "2018-03-31", "--until", "2018-04-30")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"azure:query:/subscriptions/{SUBSCRIPTION}: ok" in result.stdout
    # The two first queries (actual and amortized) run in parallel and may each ask for a
    # token before the first is cached; every later one reuses it.
    assert 1 <= len(entra.state.token_requests) <= 2
    assert entra.state.bearer_seen == [f"Bearer {entra.state.token}"] * 2  # both queries


def test_a_refused_secret_names_the_real_cause_in_one_line(entra, cli, db, tmp_path, monkeypatch):
    monkeypatch.setenv("AZURE_CLIENT_SECRET", "a-wrong-secret")
    result = cli("--db", db, "--config", _config(tmp_path), "azure", "subscriptions")
    assert result.exit_code == 3
    [line] = result.stderr.strip().splitlines()
    assert "AADSTS7000215" in line and "Traceback" not in result.stderr


def test_an_untrusted_certificate_is_refused_not_ignored(entra, cli, db, tmp_path, monkeypatch):
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    result = cli("--db", db, "--config", _config(tmp_path), "azure", "subscriptions")
    assert result.exit_code == 3
    assert "certificate" in result.stderr.lower() or "ssl" in result.stderr.lower()
    assert entra.state.token_requests == []
