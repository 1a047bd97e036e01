"""Schema of the inventory tables (migration 2): ``resource``, ``metric``, ``metric_daily``.

``resource`` holds the latest snapshot of each (scope, region): a sync replaces
a region's rows in one transaction, so the table is "what runs now", and
``inventory_coverage`` says when each region was last read and whether it
answered. ``metric`` keeps hourly utilization samples; ``metric_daily`` is
their per-day rollup, rebuilt on every write, so waste rules read a few
rows per VM instead of hundreds (see docs/inventory.md, "Speed").
"""

from __future__ import annotations

INVENTORY_TABLES = """
CREATE TABLE resource (
    snapshot_at   TIMESTAMP NOT NULL,
    provider      VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    zone          VARCHAR,
    resource_id   VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL,
    name          VARCHAR,
    state         VARCHAR,
    power_state   VARCHAR,
    type          VARCHAR,
    size_gb       DOUBLE,
    created_at    TIMESTAMP,
    state_since   TIMESTAMP,
    attached_to   VARCHAR,
    attached      BOOLEAN,
    target_count  INTEGER,
    tags          JSON,
    monthly_cost  DECIMAL(38, 16),
    currency      VARCHAR,
    price_basis   VARCHAR,
    raw           JSON,
    x_sync_id     VARCHAR,
    scope         VARCHAR NOT NULL
);

CREATE TABLE inventory_coverage (
    scope         VARCHAR NOT NULL,
    provider      VARCHAR NOT NULL,
    account       VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    snapshot_at   TIMESTAMP NOT NULL,
    status        VARCHAR NOT NULL,
    resources     INTEGER NOT NULL,
    error         VARCHAR,
    x_sync_id     VARCHAR,
    PRIMARY KEY (scope, region)
);

CREATE TABLE metric (
    provider      VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    resource_id   VARCHAR NOT NULL,
    metric        VARCHAR NOT NULL,
    ts            TIMESTAMP NOT NULL,
    value         DOUBLE NOT NULL,
    unit          VARCHAR
);

CREATE TABLE metric_daily (
    scope         VARCHAR NOT NULL,
    region        VARCHAR NOT NULL,
    resource_id   VARCHAR NOT NULL,
    metric        VARCHAR NOT NULL,
    day           DATE NOT NULL,
    avg_value     DOUBLE NOT NULL,
    max_value     DOUBLE NOT NULL,
    sum_value     DOUBLE NOT NULL,
    samples       INTEGER NOT NULL
);
"""
