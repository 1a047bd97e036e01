"""Hostile, user-controlled text for the demo store, and independent store totals (issue #6)."""

from __future__ import annotations

from pathlib import Path

HOSTILE_NAME = '<img src="file:///etc/passwd">'
HOSTILE_SERVICE = '=HYPERLINK("http://127.0.0.1:9/x","click")'
HOSTILE_TAG = "@SUM(1+1)\t"
HOSTILE_REGION = '+evil"quote\\back\nline'


def add_hostile_rows(path: Path) -> None:
    """Insert one big charge whose names and tags are hostile (inside the demo window)."""
    import duckdb

    conn = duckdb.connect(str(path))
    try:
        conn.execute(
            "INSERT INTO cost BY NAME SELECT 'AWS' AS ProviderName, '111111111111' AS"
            " BillingAccountId, '222222222222' AS SubAccountId, ? AS ServiceName,"
            " ? AS RegionId, ? AS ResourceId, ? AS ResourceName, 'Usage' AS ChargeCategory,"
            " TIMESTAMP '2026-11-20 00:00:00' AS ChargePeriodStart,"
            " TIMESTAMP '2026-11-21 00:00:00' AS ChargePeriodEnd,"
            " 4321.5 AS BilledCost, 4321.5 AS EffectiveCost, 4321.5 AS ListCost,"
            " 'USD' AS BillingCurrency, CAST(? AS JSON) AS Tags,"
            " 'demo:sample' AS x_scope, false AS x_estimated",
            [
                HOSTILE_SERVICE,
                HOSTILE_REGION,
                "-i-hostile",
                HOSTILE_NAME,
                '{"team": "' + HOSTILE_TAG.replace("\t", "\\t") + '", "env": "prod"}',
            ],
        )
        # Rows written behind CloudSpy's writer: bring the daily rollup up to date.
        from cloudspy.store.rollup import refresh_all

        refresh_all(conn)
    finally:
        conn.close()


def store_totals(path: Path, start: str, end: str) -> dict[str, object]:
    """BilledCost per currency computed straight from the store, independently of CloudSpy."""
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    try:
        rows = conn.execute(
            "SELECT BillingCurrency, sum(BilledCost), count(*) FROM cost"
            " WHERE ChargePeriodStart >= CAST(? AS TIMESTAMP)"
            " AND ChargePeriodStart < CAST(? AS TIMESTAMP) GROUP BY 1",
            [start, end],
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2]) for r in rows}
