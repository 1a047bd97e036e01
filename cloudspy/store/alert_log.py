"""The ``alert`` and ``alert_delivery`` tables: which alerts were found and which channel
accepted each, so a daily ``cloudspy alert`` never pages twice for the same spike."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cloudspy.clock import utc_now
from cloudspy.models.insights import Alert

if TYPE_CHECKING:
    import duckdb


def delivered(conn: duckdb.DuckDBPyConnection, keys: list[str]) -> dict[str, set[str]]:
    """Per alert key, the channels that already accepted it."""
    if not keys:
        return {}
    rows = conn.execute(
        f"SELECT key, channel FROM alert_delivery WHERE key IN ({', '.join('?' for _ in keys)})",
        keys,
    ).fetchall()
    out: dict[str, set[str]] = {}
    for key, channel in rows:
        out.setdefault(key, set()).add(channel)
    return out


def record(conn: duckdb.DuckDBPyConnection, alerts: list[Alert]) -> int:
    """Insert alerts not seen before (one statement); returns how many were new."""
    if not alerts:
        return 0
    before = conn.execute("SELECT count(*) FROM alert").fetchall()[0][0]
    now = utc_now()
    values = ", ".join("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending')" for _ in alerts)
    params: list[object] = []
    for a in alerts:
        params += [
            a.key,
            a.kind,
            a.dimension,
            a.group,
            a.day,
            a.amount,
            a.currency,
            a.baseline,
            a.message,
            now,
        ]
    conn.execute(f"INSERT OR IGNORE INTO alert VALUES {values}", params)
    return int(conn.execute("SELECT count(*) FROM alert").fetchall()[0][0] - before)


def pending(conn: duckdb.DuckDBPyConnection, channel: str, since: date) -> list[Alert]:
    """Alerts from ``since`` on that ``channel`` has not accepted yet, oldest first."""
    rows = conn.execute(
        "SELECT key, kind, dimension, group_value, day, amount, currency, baseline, message"
        " FROM alert a WHERE day >= ? AND NOT EXISTS (SELECT 1 FROM alert_delivery d"
        " WHERE d.key = a.key AND d.channel = ?) ORDER BY day, key",
        [since, channel],
    ).fetchall()
    return [
        Alert(
            key=r[0],
            kind=r[1],
            dimension=r[2],
            group=r[3],
            day=r[4],
            amount=r[5],
            currency=r[6],
            baseline=r[7],
            message=r[8],
        )
        for r in rows
    ]


def mark_sent(
    conn: duckdb.DuckDBPyConnection, keys: list[str], channel: str, channels: list[str]
) -> None:
    """Record that ``channel`` accepted ``keys``; alerts every channel has accepted become sent."""
    if not keys:
        return
    now = utc_now()
    marks = ", ".join("?" for _ in keys)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(
            "INSERT OR IGNORE INTO alert_delivery SELECT key, ?, ? FROM alert"
            f" WHERE key IN ({marks})",
            [channel, now, *keys],
        )
        conn.execute(
            f"UPDATE alert SET status = 'sent' WHERE key IN ({marks}) AND (SELECT count(DISTINCT"
            " channel) FROM alert_delivery d WHERE d.key = alert.key"
            f" AND d.channel IN ({', '.join('?' for _ in channels)})) >= ?",
            [*keys, *channels, len(channels)],
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
