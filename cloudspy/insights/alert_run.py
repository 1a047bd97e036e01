"""One ``cloudspy alert`` run: detect, record, send per channel, mark what was accepted.

No database connection is held while a channel is called: pending alerts are
read in one short open, sent, then marked sent in another.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from cloudspy.errors import CloudSpyError
from cloudspy.insights.alerts import detect_store
from cloudspy.models.insight_settings import AlertSettings
from cloudspy.models.insights import Alert, AlertRun, ChannelOutcome
from cloudspy.notify.channels import sender
from cloudspy.notify.secrets import redact
from cloudspy.store import alert_log
from cloudspy.store.cost_queries import CostFilter
from cloudspy.store.dimension import Dimension


def run_alerts(
    db: Path,
    *,
    spike_dims: list[Dimension],
    new_dims: list[Dimension],
    filters: CostFilter,
    metric: str,
    today: date,
    config: AlertSettings,
    channels: list[str],
    dry_run: bool,
    lock_timeout: float,
) -> AlertRun:
    """Detect alerts and, unless ``dry_run``, send each new one once per channel."""
    from cloudspy.store.connection import connect

    with connect(db, read_only=True, timeout=lock_timeout) as conn:
        detected = detect_store(conn, spike_dims, new_dims, filters, metric, today, config)
    if dry_run:
        return AlertRun(dry_run=True, detected=detected, pending=detected)
    since = today - timedelta(days=config.lookback_days)
    with connect(db, read_only=False, timeout=lock_timeout) as conn:
        new = alert_log.record(conn, detected)
    run = AlertRun(dry_run=False, detected=detected, new=new)
    queued: dict[str, Alert] = {}
    for channel in channels:
        with connect(db, read_only=True, timeout=lock_timeout) as conn:
            waiting = alert_log.pending(conn, channel, since)
        queued.update({a.key: a for a in waiting})
        if not waiting:
            run.channels.append(ChannelOutcome(channel=channel))
            continue
        try:
            sender(channel)(waiting, config)
        except CloudSpyError as exc:
            run.channels.append(
                ChannelOutcome(channel=channel, ok=False, error=redact(exc.one_line()))
            )
            continue
        except Exception as exc:  # a channel's bug must not stop the others
            error = redact(f"unexpected {type(exc).__name__}: {exc}")
            run.channels.append(ChannelOutcome(channel=channel, ok=False, error=error))
            continue
        with connect(db, read_only=False, timeout=lock_timeout) as conn:
            alert_log.mark_sent(conn, [a.key for a in waiting], channel, channels)
        run.channels.append(ChannelOutcome(channel=channel, sent=len(waiting)))
    run.pending = sorted(queued.values(), key=lambda a: (a.day, a.key))
    return run
