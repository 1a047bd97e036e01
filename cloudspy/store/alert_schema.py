"""The ``alert`` and ``alert_delivery`` tables (migration 3): alerts found and sent, de-duplicated.

An alert's ``key`` is stable across runs (kind, dimension, group, day,
currency), so a spike found again tomorrow is the same row. A delivery row is
written per channel only after that channel accepted the alert, so a failed
channel retries on the next run and a successful one never repeats.
"""

from __future__ import annotations

ALERT_TABLES = """
CREATE TABLE alert (
    key           VARCHAR PRIMARY KEY,
    kind          VARCHAR NOT NULL,
    dimension     VARCHAR NOT NULL,
    group_value   VARCHAR NOT NULL,
    day           DATE NOT NULL,
    amount        DECIMAL(38, 16) NOT NULL,
    currency      VARCHAR NOT NULL,
    baseline      DECIMAL(38, 16),
    message       VARCHAR NOT NULL,
    first_seen    TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL
);

CREATE TABLE alert_delivery (
    key           VARCHAR NOT NULL,
    channel       VARCHAR NOT NULL,
    sent_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (key, channel)
);
"""
