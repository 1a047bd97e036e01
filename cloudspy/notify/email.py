"""Email over SMTP with STARTTLS (stdlib ``smtplib``); the password is the secret ``smtp_password``.

CloudSpy refuses to send a password over a connection that did not upgrade to
TLS. ``ca_file`` trusts a private CA (a company relay, or a test server).
"""

from __future__ import annotations

import smtplib
import ssl
import time
from email.message import EmailMessage

from cloudspy.models.insight_settings import AlertSettings, EmailChannel
from cloudspy.models.insights import Alert
from cloudspy.notify import message
from cloudspy.notify.http import ChannelError
from cloudspy.notify.secrets import redact, require_secret

SECRETS = ("smtp_password",)
# Errors worth another attempt: the connection, not the content or the credentials.
_TRANSIENT = (smtplib.SMTPConnectError, smtplib.SMTPServerDisconnected)


def _message(alerts: list[Alert], config: EmailChannel) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject(alerts)
    mail["From"] = config.sender
    mail["To"] = ", ".join(config.to)
    mail.set_content(message.text(alerts))
    return mail


def _deliver(
    mail: EmailMessage, config: EmailChannel, password: str | None, timeout: float
) -> None:
    with smtplib.SMTP(config.host, config.port, timeout=timeout) as smtp:
        smtp.ehlo()
        if config.starttls:
            context = ssl.create_default_context(cafile=config.ca_file)
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.username:
            smtp.login(config.username, password or "")
        smtp.send_message(mail)


def send(alerts: list[Alert], settings: AlertSettings) -> None:
    """Mail the alerts to ``[alerts.email] to``, retrying connection failures."""
    config = settings.email
    assert config is not None
    password = None
    if config.username:
        if not config.starttls:
            raise ChannelError("refusing to send the SMTP password without STARTTLS")
        password = require_secret("smtp_password")
    mail = _message(alerts, config)
    last = ""
    for attempt in range(settings.retries + 1):
        if attempt:
            time.sleep(settings.retry_backoff_seconds * 2 ** (attempt - 1))
        try:
            _deliver(mail, config, password, settings.timeout_seconds)
            return
        except smtplib.SMTPException as exc:
            last = f"SMTP error: {exc}"
            if not isinstance(exc, _TRANSIENT):
                break
        except (ssl.SSLError, OSError) as exc:
            last = f"network error: {exc}"
            if isinstance(exc, ssl.SSLError):
                break
    raise ChannelError(redact(f"{last} (after {attempt + 1} attempt(s))"))
