"""A generic JSON webhook, signed with HMAC-SHA256 so the receiver can verify the sender.

The signature header (``X-CloudSpy-Signature`` by default) carries
``sha256=<hex digest>`` of the exact request body under the key in the secret
``webhook_secret``; receivers recompute it and compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

from cloudspy.models.insight_settings import AlertSettings
from cloudspy.models.insights import Alert
from cloudspy.notify import message
from cloudspy.notify.http import post
from cloudspy.notify.secrets import require_secret

SECRETS = ("webhook_url", "webhook_secret")


def signature(key: str, body: bytes) -> str:
    """The header value for ``body``: ``sha256=`` and the hex HMAC-SHA256."""
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def send(alerts: list[Alert], settings: AlertSettings) -> None:
    """Post the alerts as JSON to ``webhook_url``, signed with ``webhook_secret``."""
    assert settings.webhook is not None
    url = require_secret("webhook_url")
    key = require_secret("webhook_secret")
    body = message.dumps(message.payload(alerts))
    post(
        url,
        body,
        {
            "Content-Type": "application/json",
            settings.webhook.signature_header: signature(key, body),
        },
        timeout=settings.timeout_seconds,
        retries=settings.retries,
        backoff=settings.retry_backoff_seconds,
    )
