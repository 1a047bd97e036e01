"""Write a collected estate into a store as a sync would (list prices applied first)."""

from __future__ import annotations

from datetime import datetime

from cloudspy.models.resource import Collected
from cloudspy.pricing.table import apply_estimates
from cloudspy.store.connection import connect
from cloudspy.store.inventory_writes import replace_scope

NOW = datetime(2026, 11, 25, 12)


def store_collected(db, parts: list[Collected], scope="aws:inventory:1", denied=None, at=NOW):
    """Price ``parts`` from the shipped table and replace ``scope``'s snapshot with them."""
    for part in parts:
        apply_estimates(part.resources)
    with connect(db, read_only=False) as conn:
        replace_scope(
            conn,
            scope=scope,
            provider="aws",
            account="1",
            collected=parts,
            denied=denied or {},
            snapshot_at=at,
            run_id="r1",
        )
