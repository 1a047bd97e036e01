"""Secrets for the alert channels: ``CLOUDSPY_<NAME>`` environment variables, else the OS keyring.

CI sets environment variables; desktops keep secrets in the OS keyring
(``cloudspy secret set NAME``). Every value read is remembered so that
:func:`redact` can strike it from any text CloudSpy prints or logs.
"""

from __future__ import annotations

import os
import re

from cloudspy.errors import CloudSpyError, UsageError
from cloudspy.redaction import KNOWN_SECRETS as KNOWN
from cloudspy.redaction import MASK, remember, remembered
from cloudspy.redaction import secret_env_name as env_name

__all__ = ["KNOWN", "MASK", "env_name", "redact", "remember", "remembered"]

SERVICE = "cloudspy"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class SecretError(CloudSpyError):
    """A secret cannot be read or stored (no keyring backend, backend failure)."""


def check_name(name: str) -> str:
    """The normalized secret name; a usage error for unknown names."""
    value = name.strip().lower()
    if not _NAME.match(value) or value not in KNOWN:
        raise UsageError(f"unknown secret {name!r}", hint=f"use one of {', '.join(sorted(KNOWN))}")
    return value


def redact(text: str) -> str:
    """``text`` with every secret value seen in this process replaced by ``***``."""
    for value in sorted(remembered(), key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def _no_backend() -> SecretError:
    return SecretError(
        "no OS keyring backend is available",
        hint="set the secret as an environment variable (e.g. CLOUDSPY_SLACK_WEBHOOK_URL), "
        "or install a keyring backend (Secret Service, macOS Keychain, Windows Credential Locker)",
    )


def plaintext_warning() -> str | None:
    """A warning when keyring would store secrets in keyrings.alt's plaintext file."""
    import keyring

    backend = keyring.get_keyring()
    backends = [backend, *getattr(backend, "backends", [])]
    for item in backends:
        if type(item).__name__ == "PlaintextKeyring":
            return (
                "the keyring backend in use is keyrings.alt's PlaintextKeyring: secrets are "
                "stored unencrypted on disk; prefer CLOUDSPY_<NAME> environment variables or "
                "an OS keyring"
            )
    return None


def get_secret(name: str) -> str | None:
    """The secret from ``CLOUDSPY_<NAME>``, else the keyring; None when neither has it."""
    name = check_name(name)
    value = os.environ.get(env_name(name))
    if value:
        return remember(value)
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        stored = keyring.get_password(SERVICE, name)
    except NoKeyringError:
        raise _no_backend() from None
    except KeyringError as exc:
        raise SecretError(f"the keyring could not read {name}: {type(exc).__name__}") from None
    return remember(stored) if stored else None


def require_secret(name: str) -> str:
    """The secret, or a SecretError saying where to put it."""
    value = get_secret(name)
    if not value:
        raise SecretError(
            f"the secret {name} is not set",
            hint=f"run `cloudspy secret set {name}` or set {env_name(name)}",
        )
    return value


def set_secret(name: str, value: str) -> str:
    """Store ``value`` in the keyring; returns the backend's name."""
    name = check_name(name)
    if not value:
        raise UsageError("the secret is empty")
    remember(value)
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(SERVICE, name, value)
    except NoKeyringError:
        raise _no_backend() from None
    except KeyringError as exc:
        raise SecretError(f"the keyring could not store {name}: {type(exc).__name__}") from None
    return type(keyring.get_keyring()).__name__


def delete_secret(name: str) -> bool:
    """Remove the secret from the keyring; False when it was not there."""
    name = check_name(name)
    import keyring
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, name)
    except PasswordDeleteError:
        return False
    except NoKeyringError:
        raise _no_backend() from None
    except KeyringError as exc:
        raise SecretError(f"the keyring could not delete {name}: {type(exc).__name__}") from None
    return True
