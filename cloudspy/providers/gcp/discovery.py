"""Finding the billing export tables the credentials can see (zero-config, #12).

Google writes a billing account's export into tables whose names it chooses:
``gcp_billing_export_v1_<ACCOUNT>`` (standard) and
``gcp_billing_export_resource_v1_<ACCOUNT>`` (detailed, the same costs with
resource rows), where ``<ACCOUNT>`` is the billing account id with ``_`` for
``-``. CloudSpy lists the projects BigQuery shows the credentials, their
datasets and tables (free metadata calls), and keeps one table per billing
account: the detailed one when both exist, since they hold the same spend and
reading both would count it twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

EXPORT_TABLE = re.compile(
    r"^gcp_billing_export_(?P<resource>resource_)?v1_"
    r"(?P<account>[0-9A-Fa-f]{6}_[0-9A-Fa-f]{6}_[0-9A-Fa-f]{6})$"
)
MAX_PROJECTS = 200  # bounds the listing for organisations with thousands of projects


@dataclass(frozen=True)
class ExportTable:
    """One billing export table found by :func:`discover_export_tables`."""

    path: str  # project.dataset.table
    billing_account: str  # 012345-6789AB-CDEF01
    detailed: bool


def export_table(project: str, dataset: str, table: str) -> ExportTable | None:
    """The export table that ``project.dataset.table`` is, or None when it is not one."""
    match = EXPORT_TABLE.match(table)
    if match is None:
        return None
    return ExportTable(
        f"{project}.{dataset}.{table}",
        match.group("account").replace("_", "-").upper(),
        bool(match.group("resource")),
    )


def one_per_account(found: list[ExportTable]) -> list[ExportTable]:
    """One table per billing account: the detailed export over the standard one."""
    chosen: dict[str, ExportTable] = {}
    for table in sorted(found, key=lambda t: (t.billing_account, not t.detailed, t.path)):
        chosen.setdefault(table.billing_account, table)
    return list(chosen.values())


def discover_export_tables(client: Any, *, max_projects: int = MAX_PROJECTS) -> list[ExportTable]:
    """The billing export tables in the projects ``client`` (a BigQuery client) can list."""
    from cloudspy.providers.gcp.session import call_gcp

    def scan() -> list[ExportTable]:
        found: list[ExportTable] = []
        for project in client.list_projects(max_results=max_projects):
            project_id = project.project_id
            for dataset in client.list_datasets(project_id):
                for table in client.list_tables(dataset.reference):
                    hit = export_table(project_id, dataset.dataset_id, table.table_id)
                    if hit is not None:
                        found.append(hit)
        return found

    return one_per_account(call_gcp(scan, what="list BigQuery datasets and tables"))
