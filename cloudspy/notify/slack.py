"""Slack incoming webhook: one message per run listing the new alerts."""

from __future__ import annotations

from cloudspy.models.insight_settings import AlertSettings
from cloudspy.models.insights import Alert
from cloudspy.notify import message
from cloudspy.notify.http import post
from cloudspy.notify.secrets import require_secret

SECRETS = ("slack_webhook_url",)


def send(alerts: list[Alert], settings: AlertSettings) -> None:
    """Post the alerts to the webhook in the secret ``slack_webhook_url``."""
    url = require_secret("slack_webhook_url")
    post(
        url,
        message.dumps({"text": message.text(alerts)}),
        {"Content-Type": "application/json"},
        timeout=settings.timeout_seconds,
        retries=settings.retries,
        backoff=settings.retry_backoff_seconds,
    )
