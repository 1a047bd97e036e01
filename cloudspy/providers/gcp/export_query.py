"""The BigQuery billing export layouts and the daily aggregation query pushed down to them.

Only aggregates travel: BigQuery groups the export by usage day (UTC, from
``usage_start_time``), billing account, project, service, region, cost type and
currency, optionally by resource and by the configured label keys, and sums the
money as NUMERIC so amounts come back as exact decimal strings. The table path
is the only identifier in the SQL; it is validated by
:data:`~cloudspy.providers.gcp.settings.GCP_TABLE_PATTERN` and backtick-quoted. Every value
(dates, label keys) is a query parameter.

Labels: turning each group's labels into a JSON object would split every group
by each distinct label set, multiplying rows and bytes returned. CloudSpy keeps
only the label keys the user allocates by (``label_keys``); each group carries
those keys' values as Tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from cloudspy.errors import ProviderError, UsageError
from cloudspy.providers.gcp.settings import GCP_TABLE_PATTERN

STANDARD_COLUMNS = frozenset(
    {
        "billing_account_id",
        "service",
        "project",
        "location",
        "usage_start_time",
        "cost",
        "currency",
        "credits",
        "cost_type",
    }
)
FOCUS_COLUMNS = frozenset(
    {
        "ChargePeriodStart",
        "BillingAccountId",
        "SubAccountId",
        "SubAccountName",
        "ServiceName",
        "RegionId",
        "ChargeCategory",
        "BillingCurrency",
        "BilledCost",
        "EffectiveCost",
    }
)
# Partition columns CloudSpy knows to be at or after the usage time; only these
# (a fixed list, never text from elsewhere) may appear in the pruning filter.
_PRUNABLE = {None: "_PARTITIONTIME", "export_time": "export_time"}
# Export rows for a usage day land in partitions of the following days; the
# partition day may be Pacific time, so start pruning two days early.
PRUNE_SLACK = timedelta(days=2)
_ACCOUNT_IN_NAME = re.compile(
    r"gcp_billing_export_(?:resource_)?v1_([0-9A-F]{6})_([0-9A-F]{6})_([0-9A-F]{6})$"
)


@dataclass(frozen=True)
class ExportLayout:
    """What a billing export table holds, read from its schema."""

    kind: str
    has_list_cost: bool
    has_labels: bool
    partition_column: str | None = None


def table_name_account(table: str) -> str | None:
    """The billing account id a standard/detailed export table is named after."""
    found = _ACCOUNT_IN_NAME.search(table)
    return "-".join(found.groups()) if found else None


def detect_layout(
    table: str,
    kind: str,
    columns: set[str],
    partitioning: tuple[bool, str | None],
) -> ExportLayout:
    """The layout of ``table`` from its top-level column names and time partitioning.

    ``kind`` is ``auto`` or what the config says; a table lacking the columns of
    its kind is refused before any (billed) query runs. ``partitioning`` is
    (partitioned?, partition column or None for ingestion time).
    """
    if kind == "auto":
        if columns >= FOCUS_COLUMNS:
            kind = "focus"
        elif columns >= STANDARD_COLUMNS:
            kind = "detailed" if "resource" in columns else "standard"
        else:
            raise ProviderError(
                f"BigQuery table {table} does not look like a Cloud Billing export "
                "(standard, detailed or FOCUS)",
                hint="point --billing-table at gcp_billing_export_v1_*, "
                "gcp_billing_export_resource_v1_* or the FOCUS view",
            )
    needed = FOCUS_COLUMNS if kind == "focus" else STANDARD_COLUMNS
    if kind == "detailed":
        needed = needed | {"resource"}
    missing = sorted(needed - columns)
    if missing:
        raise ProviderError(
            f"BigQuery table {table} is not a {kind} billing export: it lacks {', '.join(missing)}",
            hint='check kind = ... in the [[gcp.billing_tables]] entry, or use kind = "auto"',
        )
    partitioned, field = partitioning
    prune = _PRUNABLE.get(field) if partitioned and kind != "focus" else None
    return ExportLayout(
        kind=kind,
        has_list_cost=("ListCost" if kind == "focus" else "cost_at_list") in columns,
        has_labels=kind != "focus" and "labels" in columns,
        partition_column=prune,
    )


def quoted_table(table: str) -> str:
    """The table path backtick-quoted, after checking it against the strict pattern."""
    if not re.match(GCP_TABLE_PATTERN, table):
        raise UsageError(
            f"{table!r} is not a BigQuery table path",
            hint="write it as PROJECT.DATASET.TABLE, e.g. "
            "my-project.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01",
        )
    return f"`{table}`"


def _source_columns(layout: ExportLayout, *, resources: bool, labels: bool) -> list[str]:
    if layout.kind == "focus":
        cols = [
            "DATE(ChargePeriodStart) AS usage_day",
            "BillingAccountId AS billing_account_id",
            "SubAccountId AS project_id",
            "SubAccountName AS project_name",
            "ServiceName AS service",
            "RegionId AS region",
            "ChargeCategory AS charge_type",
            "BillingCurrency AS currency",
        ]
        if resources:
            cols += ["ResourceId AS resource_id", "ResourceName AS resource_name"]
        cols += [
            "CAST(BilledCost AS NUMERIC) AS cost",
            "CAST(EffectiveCost AS NUMERIC) - CAST(BilledCost AS NUMERIC) AS credit",
        ]
        if layout.has_list_cost:
            cols.append("CAST(IFNULL(ListCost, BilledCost) AS NUMERIC) AS list_cost")
        return cols
    cols = [
        "DATE(usage_start_time) AS usage_day",
        "billing_account_id",
        "project.id AS project_id",
        "project.name AS project_name",
        "service.description AS service",
        "location.region AS region",
        "cost_type AS charge_type",
        "currency",
    ]
    if resources:
        cols += ["resource.global_name AS resource_id", "resource.name AS resource_name"]
    if labels:
        cols.append(
            "TO_JSON_STRING(ARRAY(SELECT AS STRUCT l.key, l.value FROM UNNEST(labels) AS l"
            " WHERE l.key IN UNNEST(@label_keys) ORDER BY l.key, l.value)) AS label_set"
        )
    # Per-row casts to NUMERIC, then NUMERIC sums: exact, unlike summing FLOAT64.
    cols += [
        "CAST(cost AS NUMERIC) AS cost",
        "IFNULL((SELECT SUM(CAST(c.amount AS NUMERIC)) FROM UNNEST(credits) AS c), 0) AS credit",
    ]
    if layout.has_list_cost:
        # Rows without a list price (tax, adjustments) list at what they cost.
        cols.append("CAST(IFNULL(cost_at_list, cost) AS NUMERIC) AS list_cost")
    return cols


def build_query(
    table: str, layout: ExportLayout, *, resources: bool = False, label_keys: bool = False
) -> str:
    """The parameterized daily aggregation (parameters: @start, @end, @prune_from, @label_keys)."""
    if resources and layout.kind == "standard":
        raise UsageError(
            f"{table} is a standard export and has no resources",
            hint="use the detailed export (gcp_billing_export_resource_v1_*) or resources = false",
        )
    if label_keys and not layout.has_labels:
        raise UsageError(
            f"{table} has no labels column to read label_keys from",
            hint="label_keys need the standard or detailed export",
        )
    time_column = "ChargePeriodStart" if layout.kind == "focus" else "usage_start_time"
    where = [f"{time_column} >= @start", f"{time_column} < @end"]
    if layout.partition_column:
        where.append(f"{layout.partition_column} >= @prune_from")
    keys = ["usage_day", "billing_account_id", "project_id", "service", "region"]
    keys += ["charge_type", "currency"]
    outer = [*keys[:3], "ANY_VALUE(project_name) AS project_name", *keys[3:]]
    if resources:
        keys.append("resource_id")
        outer += ["resource_id", "ANY_VALUE(resource_name) AS resource_name"]
    if label_keys:
        keys.append("label_set")
        outer.append("label_set")
    outer += ["SUM(cost) AS billed_cost", "SUM(cost + credit) AS effective_cost"]
    if layout.has_list_cost:
        outer.append("SUM(list_cost) AS list_cost")
    inner = _source_columns(layout, resources=resources, labels=label_keys)
    return (
        "WITH usage_rows AS (\n  SELECT\n    "
        + ",\n    ".join(inner)
        + f"\n  FROM {quoted_table(table)}\n  WHERE "
        + "\n    AND ".join(where)
        + "\n)\nSELECT\n  "
        + ",\n  ".join(outer)
        + "\nFROM usage_rows\nGROUP BY "
        + ", ".join(keys)
        + "\nORDER BY "
        + ", ".join(keys)
    )


def query_parameters(
    start: date, end: date, layout: ExportLayout, label_keys: list[str]
) -> list[tuple[str, str, object]]:
    """The parameters :func:`build_query` uses, as (name, BigQuery type, value)."""

    def midnight(day: date) -> datetime:
        return datetime(day.year, day.month, day.day, tzinfo=UTC)

    params: list[tuple[str, str, object]] = [
        ("start", "TIMESTAMP", midnight(start)),
        ("end", "TIMESTAMP", midnight(end)),
    ]
    if layout.partition_column:
        params.append(("prune_from", "TIMESTAMP", midnight(start - PRUNE_SLACK)))
    if label_keys:
        params.append(("label_keys", "ARRAY<STRING>", list(label_keys)))
    return params
