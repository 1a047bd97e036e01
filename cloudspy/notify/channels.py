"""The alert channels by name: each is a module with ``send(alerts, settings)``."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from cloudspy.models.insight_settings import AlertSettings
from cloudspy.models.insights import Alert

CHANNELS = ("slack", "email", "webhook")


def sender(name: str) -> Callable[[list[Alert], AlertSettings], None]:
    """The ``send`` function of channel ``name``."""
    return import_module(f"cloudspy.notify.{name}").send
