"""The ``[teams]``, ``[check]`` and ``[alerts]`` sections of ``config.toml``.

Kept apart from :mod:`cloudspy.config` so the insight settings live beside the
code that reads them; unknown keys are an error, like everywhere in the config.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pydantic import Field, field_validator

from cloudspy.models.section import Section

_AMOUNT = re.compile(r"^\s*(-?[0-9][0-9_,]*(?:\.[0-9]+)?)\s*([A-Za-z]{3})?\s*$")
_INCREASE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(%?)\s*([A-Za-z]{3})?\s*$")


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """``"5000"``, ``"5,000 USD"`` → (amount, currency or None); ValueError when malformed."""
    match = _AMOUNT.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not an amount (write e.g. 5000 or '5000 USD')")
    try:
        amount = Decimal(match.group(1).replace(",", "").replace("_", ""))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount") from None
    currency = match.group(2).upper() if match.group(2) else None
    return amount, currency


def parse_increase(text: str) -> tuple[Decimal, bool, str | None]:
    """``"10%"`` → (10, True, None); ``"250 USD"`` → (250, False, "USD")."""
    match = _INCREASE.match(str(text))
    if not match:
        raise ValueError(f"{text!r} is not an increase (write e.g. 10% or '500 USD')")
    percent = bool(match.group(2))
    if percent and match.group(3):
        raise ValueError(f"{text!r} mixes a percentage and a currency")
    return Decimal(match.group(1)), percent, match.group(3).upper() if match.group(3) else None


class Team(Section):
    """One team: the accounts (projects, subscriptions) and tag values that are its costs."""

    accounts: list[str] = Field(default_factory=list)
    tags: dict[str, list[str]] = Field(default_factory=dict)

    @field_validator("tags", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str) else v for k, v in value.items()}
        return value


class CheckLimit(Section):
    """A limit kept in config: a budget and/or a maximum increase, per total or per group."""

    name: str | None = None
    by: str | None = None
    group: str | None = None
    budget: str | None = None
    max_increase: str | None = None
    min_amount: str | None = None

    @field_validator("budget", "min_amount")
    @classmethod
    def _amount(cls, value: str | None) -> str | None:
        if value is not None:
            parse_amount(value)
        return value

    @field_validator("max_increase")
    @classmethod
    def _increase(cls, value: str | None) -> str | None:
        if value is not None:
            parse_increase(value)
        return value


class CheckSettings(Section):
    """The ``[check]`` section."""

    period: str = "month"
    # Cost Explorer finalizes a day about 24 hours later; older data than this is stale.
    max_stale_days: int = Field(default=2, ge=0)
    limits: list[CheckLimit] = Field(default_factory=list)


class SlackChannel(Section):
    """``[alerts.slack]``: the webhook URL is the secret ``slack_webhook_url``."""

    enabled: bool = True


class EmailChannel(Section):
    """``[alerts.email]``: SMTP with STARTTLS; the password is the secret ``smtp_password``."""

    enabled: bool = True
    host: str
    port: int = 587
    starttls: bool = True
    username: str | None = None
    sender: str
    to: list[str]
    ca_file: str | None = None


class WebhookChannel(Section):
    """``[alerts.webhook]``: URL and HMAC key are the secrets ``webhook_url``/``webhook_secret``."""

    enabled: bool = True
    signature_header: str = "X-CloudSpy-Signature"


class AlertSettings(Section):
    """The ``[alerts]`` section: spike thresholds, new-group detection, channels."""

    by: list[str] = Field(default_factory=lambda: ["service"])
    new_groups: list[str] = Field(default_factory=lambda: ["service", "account"])
    lookback_days: int = Field(default=14, ge=1, le=60)
    baseline_weeks: int = Field(default=4, ge=1, le=12)
    spike_ratio: Decimal = Field(default=Decimal("1.5"), gt=1)
    min_amount: Decimal = Field(default=Decimal("50"), ge=0)
    timeout_seconds: float = Field(default=10.0, gt=0)
    retries: int = Field(default=3, ge=0, le=10)
    # The first retry waits this long, each next one twice as long.
    retry_backoff_seconds: float = Field(default=1.0, ge=0)
    slack: SlackChannel | None = None
    email: EmailChannel | None = None
    webhook: WebhookChannel | None = None

    def channel_names(self) -> list[str]:
        """The enabled channels, in a fixed order."""
        names = []
        for name in ("slack", "email", "webhook"):
            section = getattr(self, name)
            if section is not None and section.enabled:
                names.append(name)
        return names
