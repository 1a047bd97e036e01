"""The words of an alert message, shared by every channel."""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

from cloudspy.clock import utc_now
from cloudspy.models.insights import Alert
from cloudspy.money import machine


def subject(alerts: list[Alert]) -> str:
    """A one-line title: how many spikes and new groups."""
    spikes = sum(1 for a in alerts if a.kind == "spike")
    new = len(alerts) - spikes
    parts = []
    if spikes:
        parts.append(f"{spikes} cost spike{'s' * (spikes != 1)}")
    if new:
        parts.append(f"{new} new group{'s' * (new != 1)}")
    return "CloudSpy: " + " and ".join(parts)


def text(alerts: list[Alert]) -> str:
    """A plain-text body: the title and one line per alert."""
    return "\n".join([subject(alerts), *(f"• {a.message}" for a in alerts)]) + "\n"


def payload(alerts: list[Alert]) -> dict[str, Any]:
    """The generic webhook's JSON document (money as decimal strings)."""
    return {
        "source": "cloudspy",
        "sent_at": utc_now().replace(tzinfo=UTC).isoformat(timespec="seconds"),
        "summary": subject(alerts),
        "alerts": [
            {
                "key": a.key,
                "kind": a.kind,
                "dimension": a.dimension,
                "group": a.group,
                "day": a.day.isoformat(),
                "currency": a.currency,
                "amount": machine(a.amount),
                "baseline": machine(a.baseline),
                "message": a.message,
            }
            for a in alerts
        ],
    }


def dumps(document: dict[str, Any]) -> bytes:
    """Compact, stable JSON bytes (what the HMAC signs)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
