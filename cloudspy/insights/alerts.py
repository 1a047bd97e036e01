"""Cost alerts: daily spikes against a same-weekday baseline, and groups that newly appear.

A day's baseline is the median of the same weekday in the previous
``baseline_weeks`` weeks, so a Monday is judged against Mondays and the weekend
dip never looks like a drop or a Monday like a spike. A spike needs both the
ratio (``spike_ratio`` × baseline) and an absolute excess (``min_amount``), so
cents never page anyone. Detection is pure; the ``alert`` table de-duplicates
across runs and records, per channel, what was accepted.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from cloudspy.currencies import amount_text, rounded
from cloudspy.insights.cost_reads import (
    answerable_scopes,
    daily_series,
    require_complete,
)
from cloudspy.insights.forecast import median
from cloudspy.models.insight_settings import AlertSettings
from cloudspy.models.insights import Alert
from cloudspy.periods import Window
from cloudspy.store.cost_queries import CostFilter, newest_day
from cloudspy.store.dimension import Dimension

if TYPE_CHECKING:
    import duckdb

Series = dict[tuple[tuple[str, ...], str], dict[date, Decimal]]


def alert_key(kind: str, dimension: str, group: str, day: date, currency: str) -> str:
    """A stable identity: the same spike found by tomorrow's run has the same key."""
    raw = "\x1f".join([kind, dimension, group, day.isoformat(), currency])
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def detect_spikes(
    series: Series, dimension: str, days: list[date], config: AlertSettings
) -> list[Alert]:
    """Days in ``days`` whose cost exceeds the same-weekday median by the configured margins."""
    found = []
    for (key, currency), points in sorted(series.items()):
        first_seen = min(points) if points else None
        for day in days:
            amount = points.get(day, Decimal(0))
            earlier = [day - timedelta(weeks=k) for k in range(1, config.baseline_weeks + 1)]
            known = [d for d in earlier if first_seen is not None and d >= first_seen]
            if len(known) < min(2, config.baseline_weeks):
                continue
            baseline = median([points.get(d, Decimal(0)) for d in known])
            if baseline <= 0:
                continue
            if amount >= baseline * config.spike_ratio and amount - baseline >= config.min_amount:
                group = key[0]
                ratio = (amount / baseline).quantize(Decimal("0.1"))
                found.append(
                    Alert(
                        key=alert_key("spike", dimension, group, day, currency),
                        kind="spike",
                        dimension=dimension,
                        group=group,
                        day=day,
                        currency=currency,
                        amount=amount,
                        baseline=baseline,
                        message=f"{dimension} {group}: {amount_text(amount, currency)} on "
                        f"{day} ({day:%a}), {ratio}× the usual "
                        f"{rounded(baseline, currency)}",
                    )
                )
    return found


def detect_new(
    series: Series, dimension: str, days: list[date], history_start: date, config: AlertSettings
) -> list[Alert]:
    """Groups first charged within ``days`` after none since ``history_start``."""
    found = []
    window_start = min(days)
    for (key, currency), points in sorted(series.items()):
        charged = sorted(d for d, v in points.items() if v)
        if not charged or charged[0] < window_start or charged[0] <= history_start:
            continue
        recent = sum((v for d, v in points.items() if d >= window_start), Decimal(0))
        if recent < config.min_amount:
            continue
        group, first = key[0], charged[0]
        found.append(
            Alert(
                key=alert_key("new", dimension, group, first, currency),
                kind="new",
                dimension=dimension,
                group=group,
                day=first,
                currency=currency,
                amount=recent,
                message=f"new {dimension} {group}: first charged on {first}, "
                f"{amount_text(recent, currency)} since",
            )
        )
    return found


def detect_store(
    conn: duckdb.DuckDBPyConnection,
    spike_dims: list[Dimension],
    new_dims: list[Dimension],
    filters: CostFilter,
    metric: str,
    today: date,
    config: AlertSettings,
) -> list[Alert]:
    """Spikes and new groups over the last ``lookback_days`` days before ``today``."""
    days = Window(today - timedelta(days=config.lookback_days), today).each_day()
    history = Window(days[0] - timedelta(weeks=config.baseline_weeks), today)
    alerts: list[Alert] = []
    answerable_scopes(conn, history, [*spike_dims, *new_dims], filters, metric)
    # A hole in the baseline would read as zero spend and fake spikes or new groups (#13);
    # days after the newest cached one are the provider's lag, not holes.
    newest = newest_day(conn, filters.providers)
    if newest is not None:
        known = Window(history.start, max(history.start, min(today, newest + timedelta(days=1))))
        require_complete(conn, known, filters, "the alert baseline")
    for dim in spike_dims:
        alerts += detect_spikes(
            daily_series(conn, history, [dim], filters, metric), dim.name, days, config
        )
    for dim in new_dims:
        series = daily_series(conn, history, [dim], filters, metric)
        alerts += detect_new(series, dim.name, days, history.start, config)
    return alerts
