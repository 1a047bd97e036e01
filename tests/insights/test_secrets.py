"""Secrets: a test keyring backend, the environment fallback, the no-backend error."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as NoBackend
from keyring.errors import PasswordDeleteError

from cloudspy.errors import UsageError
from cloudspy.notify import secrets


class MemoryKeyring(KeyringBackend):
    """An in-memory backend for tests."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if (service, username) not in self.store:
            raise PasswordDeleteError(username)
        del self.store[(service, username)]


class PlaintextKeyring(MemoryKeyring):
    """Named like keyrings.alt's plaintext file backend."""


@pytest.fixture
def memory():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def test_set_get_delete_through_the_cli(cli, memory, monkeypatch):
    monkeypatch.delenv("CLOUDSPY_SMTP_PASSWORD", raising=False)
    from typer.testing import CliRunner

    from cloudspy.cli.main import app

    result = CliRunner().invoke(app, ["secret", "set", "smtp_password"], input="hunter2-value\n")
    assert result.exit_code == 0, result.stderr
    assert "hunter2-value" not in result.stdout + result.stderr
    assert memory.store[("cloudspy", "smtp_password")] == "hunter2-value"
    assert secrets.get_secret("smtp_password") == "hunter2-value"
    assert secrets.redact("login failed for hunter2-value") == "login failed for ***"
    out = cli("secret", "delete", "smtp_password")
    assert out.exit_code == 0 and secrets.get_secret("smtp_password") is None
    assert "no stored" in cli("secret", "delete", "smtp_password").stderr


def test_environment_wins_over_the_keyring(memory, monkeypatch):
    memory.set_password("cloudspy", "webhook_url", "https://from-keyring")
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_URL", "https://from-env")
    assert secrets.get_secret("webhook_url") == "https://from-env"


def test_no_backend_is_one_clear_error(cli, monkeypatch):
    previous = keyring.get_keyring()
    keyring.set_keyring(NoBackend())
    try:
        monkeypatch.delenv("CLOUDSPY_SLACK_WEBHOOK_URL", raising=False)
        with pytest.raises(secrets.SecretError, match="no OS keyring backend"):
            secrets.get_secret("slack_webhook_url")
        monkeypatch.setenv("CLOUDSPY_SLACK_WEBHOOK_URL", "https://hooks.example/x")
        assert secrets.get_secret("slack_webhook_url") == "https://hooks.example/x"
        from typer.testing import CliRunner

        from cloudspy.cli.main import app

        result = CliRunner().invoke(app, ["secret", "set", "webhook_url"], input="v\n")
        assert result.exit_code == 3 and "CLOUDSPY_SLACK_WEBHOOK_URL" in result.stderr
    finally:
        keyring.set_keyring(previous)


def test_plaintext_backend_warns():
    previous = keyring.get_keyring()
    keyring.set_keyring(PlaintextKeyring())
    try:
        assert "unencrypted" in secrets.plaintext_warning()
    finally:
        keyring.set_keyring(previous)


def test_unknown_secret_name():
    with pytest.raises(UsageError):
        secrets.check_name("aws_secret_access_key")
