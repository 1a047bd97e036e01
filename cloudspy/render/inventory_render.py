"""``cloudspy resources`` as a table, JSON or CSV."""

from __future__ import annotations

import json
from typing import Any

from cloudspy.models.inventory import ResourceList, ResourceRow, Snapshot
from cloudspy.money import AT_MOST_MEANS, shown
from cloudspy.render.csv_out import json_bool, write_csv
from cloudspy.render.fit import Column, fit_table

CSV_COLUMNS = [
    "provider",
    "account",
    "region",
    "zone",
    "kind",
    "resource_id",
    "name",
    "state",
    "type",
    "platform",
    "size_gb",
    "created_at",
    "attached_to",
    "monthly_cost",
    "currency",
    "price_basis",
    "tags",
    "snapshot_at",
    "upper_bound",
]


def snapshot_json(snap: Snapshot) -> dict[str, Any]:
    """The snapshot block shared by resources, waste and schedule JSON (the model's JSON)."""
    return snap.model_dump(mode="json")


def _row_json(row: ResourceRow) -> dict[str, Any]:
    return row.model_dump(mode="json")


def resources_json(result: ResourceList) -> str:
    """The JSON of ``cloudspy resources``: the model's own JSON (``result.model_dump_json``),
    ``{"snapshot": …, "count": N, "resources": [...], "warnings": [...]}``."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def resources_csv(result: ResourceList) -> str:
    """One line per resource; tags as a JSON object."""
    lines = []
    for r in result.rows:
        data = _row_json(r)
        data["tags"] = json.dumps(r.tags, sort_keys=True) if r.tags else ""
        data["upper_bound"] = json_bool(r.upper_bound)
        lines.append([data.get(c) for c in CSV_COLUMNS])
    return write_csv(CSV_COLUMNS, lines)


def _size(row: ResourceRow) -> str:
    if row.size_gb is None:
        return row.type or ""
    size = f"{row.size_gb:g} GB"
    return f"{row.type} {size}" if row.type else size


RESOURCE_COLUMNS = (
    Column("Provider", "fixed", drop=1),
    Column("Account", "id", drop=6, minimum=12),
    Column("Region", "fixed", drop=3),
    Column("Kind", "fixed"),
    Column("Id", "id", minimum=19),  # an EC2 instance id whole
    Column("Name", "text", drop=2, minimum=10),
    Column("State", "fixed", drop=4),
    Column("Type/size", "text", drop=5, minimum=8),
    Column("Monthly", "money"),
)


def resources_table(result: ResourceList, *, width: int = 120, wide: bool = False) -> Any:
    """The resources, one line each, fitted to ``width`` columns (see :mod:`render.fit`)."""
    rows = [
        [
            r.provider,
            r.account,
            r.region,
            r.kind,
            r.resource_id,
            r.name or "",
            r.state or "",
            _size(r),
            shown(r.monthly_cost, r.currency, missing="—", upper_bound=r.upper_bound),
        ]
        for r in result.rows
    ]
    return fit_table(
        RESOURCE_COLUMNS,
        rows,
        width=width,
        wide=wide,
        title=f"{result.count} resource(s); {result.snapshot.describe()}",
        caption=AT_MOST_MEANS if any(r.upper_bound for r in result.rows) else None,
    )
