"""The one place CloudSpy asks what time it is.

``CLOUDSPY_NOW`` (an ISO date or UTC date-time, e.g. ``2026-11-25`` or
``2026-11-25T12:00:00``) pins "now" for reproducible reports and tests: windows
such as ``--last 30d``, snapshot ages, idle-VM windows and alert baselines are
then computed as of that moment. Unset, it is the real UTC time.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from cloudspy.errors import UsageError

ENV = "CLOUDSPY_NOW"


def utc_now() -> datetime:
    """Now, as a naive UTC datetime (``CLOUDSPY_NOW`` when set)."""
    pinned = os.environ.get(ENV)
    if not pinned:
        return datetime.now(UTC).replace(tzinfo=None)
    try:
        value = datetime.fromisoformat(pinned.strip())
    except ValueError:
        raise UsageError(
            f"{ENV}={pinned!r} is not a date or date-time", hint="write e.g. 2026-11-25T12:00:00"
        ) from None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def utc_today() -> date:
    """Today's UTC date (the billing day the providers use)."""
    return utc_now().date()
