"""Strike secrets from any text CloudSpy prints or stores (issue #7).

Three kinds of secret can reach an error message: the alert secrets CloudSpy
read itself (:func:`remember` records them as :mod:`cloudspy.notify.secrets` reads
them), cloud credentials that SDKs read from the environment, and credentials
written into a URL (``https://user:password@proxy``) that an SDK echoes when a
connection fails.

A base module: the store scrubs errors before it records them, so this module
imports nothing of CloudSpy's (the secret names live here, notify uses them; #16).
"""

from __future__ import annotations

import os
import re

MASK = "***"
# The secrets CloudSpy itself reads (for the alert channels), by name.
KNOWN_SECRETS = {
    "slack_webhook_url": "Slack incoming-webhook URL",
    "smtp_password": "password of [alerts.email] username",
    "webhook_url": "URL of the generic JSON webhook",
    "webhook_secret": "HMAC-SHA256 key that signs webhook posts",
}
_SEEN: set[str] = set()


def secret_env_name(name: str) -> str:
    """The environment variable that overrides the keyring: ``CLOUDSPY_SLACK_WEBHOOK_URL``."""
    return f"CLOUDSPY_{name.upper()}"


# Environment variables whose values are credentials, whoever reads them.
CREDENTIAL_VARIABLES = (
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "GOOGLE_API_KEY",
    *(secret_env_name(name) for name in KNOWN_SECRETS),
)


def remember(value: str) -> str:
    """Record a secret value so :func:`scrub` hides it; returns the value."""
    if value:
        _SEEN.add(value)
    return value


def remembered() -> frozenset[str]:
    """Every secret value recorded in this process."""
    return frozenset(_SEEN)


_URL_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^\s:/@]+:)[^\s@/]+@", re.IGNORECASE)
_SHORTEST = 6  # shorter values (a test's "k") would blank out ordinary words


def scrub(text: str) -> str:
    """``text`` with known secret values and URL passwords replaced by ``***``."""
    values = {os.environ.get(name, "") for name in CREDENTIAL_VARIABLES}
    values |= remembered()
    for value in sorted((v for v in values if len(v) >= _SHORTEST), key=len, reverse=True):
        text = text.replace(value, MASK)
    return _URL_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}@", text)
