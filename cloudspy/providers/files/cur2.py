"""AWS CUR 2.0 (Data Exports ``COST_AND_USAGE_REPORT``) files, normalized to FOCUS in SQL.

One ``INSERT … SELECT`` over the file (Parquet or CSV). The mapping follows the
FinOps Foundation's FOCUS converter for AWS CUR (github.com/finopsfoundation/
focus_converters, ``conversion_configs/aws/effective_cost_S001.yaml`` and
``1_charge_category_S001.yaml``, read 2026) and the AWS CUR 2.0 table
dictionary (docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html):

- BilledCost = ``line_item_unblended_cost``.
- EffectiveCost (amortized): SavingsPlanCoveredUsage →
  ``savings_plan_savings_plan_effective_cost``; DiscountedUsage →
  ``reservation_effective_cost``; RIFee → the unused part
  (``reservation_unused_amortized_upfront_fee_for_billing_period +
  reservation_unused_recurring_fee``); SavingsPlanRecurringFee → the unused
  commitment (``savings_plan_total_commitment_to_date -
  savings_plan_used_commitment``); SavingsPlanNegation, SavingsPlanUpfrontFee
  and a reservation's upfront Fee → 0 (they are amortized into the lines
  above); every other line → unblended.
- ListCost = ``pricing_public_on_demand_cost``.

Legacy CUR (``lineItem/UnblendedCost`` headers, one ``resourceTags/user:KEY``
column per tag) is read by renaming its columns to their CUR 2.0 names first.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cloudspy.errors import ImportFileError
from cloudspy.providers.files.mapping import (
    FileMapping,
    literal,
    map_value_sql,
    money_sql,
    quote,
    text_sql,
    time_sql,
)

if TYPE_CHECKING:
    import duckdb

FORMAT = "cur2"
SOURCE = "cur2-file"
REQUIRED = (
    "bill_payer_account_id",
    "line_item_currency_code",
    "line_item_line_item_type",
    "line_item_product_code",
    "line_item_unblended_cost",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
)
# Without all of these the amortized cost cannot be computed, so it is not claimed.
AMORTIZATION = (
    "savings_plan_savings_plan_effective_cost",
    "savings_plan_total_commitment_to_date",
    "savings_plan_used_commitment",
    "reservation_effective_cost",
    "reservation_unused_amortized_upfront_fee_for_billing_period",
    "reservation_unused_recurring_fee",
)
USAGE_TYPES = ("Usage", "DiscountedUsage", "SavingsPlanCoveredUsage")
# The converter files discounts and the Savings Plan negation under Usage: they
# reduce the usage they belong to. FOCUS 1.0 added Credit, which credits and
# refunds now are.
CHARGE_CATEGORY = {
    "Usage": "Usage",
    "DiscountedUsage": "Usage",
    "SavingsPlanCoveredUsage": "Usage",
    "SavingsPlanNegation": "Usage",
    "BundledDiscount": "Usage",
    "Discount": "Usage",
    "EdpDiscount": "Usage",
    "PrivateRateDiscount": "Usage",
    "Tax": "Tax",
    "Credit": "Credit",
    "Refund": "Credit",
    "Fee": "Purchase",
    "RIFee": "Purchase",
    "SavingsPlanRecurringFee": "Purchase",
    "SavingsPlanUpfrontFee": "Purchase",
}
_LEGACY_TAG_PREFIXES = ("resourceTags/", "resource_tags_")


def is_legacy(columns: dict[str, str]) -> bool:
    """Whether the header is the legacy CUR's ``lineItem/UnblendedCost`` style."""
    return "lineItem/UnblendedCost" in columns


def looks_like(columns: dict[str, str]) -> bool:
    """Whether a header is a CUR (2.0 or legacy) by its distinctive line-item columns."""
    if is_legacy(columns):
        return True
    return "line_item_unblended_cost" in columns and (
        "line_item_usage_start_date" in columns or "bill_payer_account_id" in columns
    )


def _snake(name: str) -> str:
    # AWS's own rule: every capital starts a word, so "ReservationARN" is "reservation_a_r_n".
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def legacy_source(source: str, columns: dict[str, str]) -> tuple[str, dict[str, str]]:
    """A subquery giving a legacy CUR file CUR 2.0 column names, and its new header."""
    renamed: dict[str, str] = {}
    selects = []
    for column, kind in columns.items():
        prefix, _, name = column.partition("/")
        if not name or prefix == "resourceTags":
            continue
        new = f"{_snake(prefix)}_{_snake(name)}"
        if new not in renamed:
            renamed[new] = kind
            selects.append(f"{quote(column)} AS {quote(new)}")
    tags = _tag_columns(columns)
    if tags:
        selects.append(f"{_tags_from_columns(tags)} AS resource_tags")
        renamed["resource_tags"] = "JSON"
    return f"(SELECT {', '.join(selects)} FROM {source})", renamed


def _tag_columns(columns: dict[str, str]) -> dict[str, str]:
    """Tag key → column, for the legacy one-column-per-tag layouts."""
    out = {}
    for column in columns:
        for prefix in _LEGACY_TAG_PREFIXES:
            if column.startswith(prefix) and len(column) > len(prefix):
                out[column[len(prefix) :]] = column
    return out


def _tags_from_columns(tags: dict[str, str]) -> str:
    entries = ", ".join(
        f"struct_pack(k := {literal(key)}, v := CAST({quote(col)} AS VARCHAR))"
        for key, col in sorted(tags.items())
    )
    kept = f"list_filter([{entries}], lambda e: coalesce(e.v, '') <> '')"
    return f"CAST(nullif(CAST(to_json(map_from_entries({kept})) AS VARCHAR), '{{}}') AS JSON)"


def _tags(types: dict[str, str]) -> str:
    kind = types.get("resource_tags")
    if kind is None:
        tags = _tag_columns(types)
        return _tags_from_columns(tags) if tags else "NULL"
    if kind == "JSON":
        return "resource_tags"
    if kind == "VARCHAR":
        return "CAST(nullif(nullif(trim(resource_tags), ''), '{}') AS JSON)"
    return "CAST(nullif(CAST(to_json(resource_tags) AS VARCHAR), '{}') AS JSON)"


def missing_columns(columns: dict[str, str]) -> list[str]:
    """The CUR columns CloudSpy needs that the file lacks."""
    return [c for c in REQUIRED if c not in columns]


def _money(col: str, types: dict[str, str]) -> str:
    return money_sql(quote(col), types.get(col))


def effective_cost_sql(money: Callable[[str], str], reservation_arn: str, billed: str) -> str:
    """EffectiveCost (amortized) of one CUR 2.0 line, the one rule the file import and
    the Athena source both use (#16: two copies had drifted).

    ``money(column)`` is the column as an exact decimal with NULL as 0, in the SQL
    dialect at hand; ``reservation_arn`` is the ARN as text with '' as NULL; ``billed``
    the line's unblended cost as that source reads it (the file import keeps a missing
    one NULL so validation sees it, Athena's aggregate reads it as 0). Savings
    Plan lines count their effective cost (the negation cancels the usage's list
    price), the recurring fee only its unused part; reservation lines count their
    effective cost and unused fees; an RI's fee line is amortized into usage.
    """
    m = money
    return (
        "CASE line_item_line_item_type"
        f" WHEN 'SavingsPlanCoveredUsage' THEN {m('savings_plan_savings_plan_effective_cost')}"
        f" WHEN 'SavingsPlanRecurringFee' THEN {m('savings_plan_total_commitment_to_date')}"
        f" - {m('savings_plan_used_commitment')}"
        " WHEN 'SavingsPlanNegation' THEN 0 WHEN 'SavingsPlanUpfrontFee' THEN 0"
        f" WHEN 'DiscountedUsage' THEN {m('reservation_effective_cost')}"
        " WHEN 'RIFee' THEN"
        f" {m('reservation_unused_amortized_upfront_fee_for_billing_period')}"
        f" + {m('reservation_unused_recurring_fee')}"
        f" WHEN 'Fee' THEN CASE WHEN {reservation_arn} IS NOT NULL THEN 0 ELSE {billed} END"
        f" ELSE {billed} END"
    )


def _effective(types: dict[str, str]) -> str:
    return effective_cost_sql(
        lambda col: f"coalesce({_money(col, types)}, 0)",
        text_sql("reservation_reservation_a_r_n", types),
        _money("line_item_unblended_cost", types),
    )


def _category() -> str:
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in CHARGE_CATEGORY.items())
    return f"CASE line_item_line_item_type {whens} ELSE 'Adjustment' END"


def _coalesce(*exprs: str) -> str:
    """The first non-null of the expressions, leaving out columns the file lacks."""
    kept = [e for e in exprs if e != "NULL"]
    return f"coalesce({', '.join(kept)})" if kept else "NULL"


def _service(types: dict[str, str]) -> str:
    """ServiceName: the name of the line's product code, as Cost Explorer's SERVICE groups.

    One rule for Cost Explorer, Athena and files (#13): ``product_servicename`` is not
    used first because it moves data transfer out of the service that caused it
    (S3 and EC2 egress) into "AWS Data Transfer", 4.4 % of a real bill.
    """
    return _coalesce(
        map_value_sql("product", "product_name", types),
        text_sql("product_product_name", types),
        text_sql("line_item_product_code", types),
        text_sql("product_servicename", types),
        map_value_sql("product", "servicename", types),
    )


def _region(types: dict[str, str]) -> str:
    return _coalesce(
        text_sql("product_region_code", types),
        map_value_sql("product", "region", types),
        text_sql("product_region", types),
    )


def capabilities(types: dict[str, str]) -> tuple[list[str], list[str]]:
    """The dimensions and metrics a file with this header can answer."""
    dims = ["provider", "billing_account", "account", "service", "charge"]
    if _region(types) != "NULL":
        dims.append("region")
    if "line_item_resource_id" in types:
        dims.append("resource")
    if "resource_tags" in types or _tag_columns(types):
        dims.append("tag")
    metrics = ["billed"]
    if all(c in types for c in AMORTIZATION):
        metrics.append("effective")
    if "pricing_public_on_demand_cost" in types:
        metrics.append("list")
    return dims, metrics


def select_sql(source: str, types: dict[str, str], *, scope: str) -> str:
    """The normalizing SELECT from a CUR 2.0 relation, columns named as in ``cost``."""
    t = types
    unblended = _money("line_item_unblended_cost", t)
    effective = _effective(t) if all(c in t for c in AMORTIZATION) else unblended
    usage_types = ", ".join(literal(v) for v in USAGE_TYPES)
    commitment = _coalesce(
        text_sql("savings_plan_savings_plan_a_r_n", t), text_sql("reservation_reservation_a_r_n", t)
    )
    cols = {
        "ProviderName": "'AWS'",
        "PublisherName": text_sql("line_item_legal_entity", t),
        "InvoiceIssuerName": text_sql("bill_invoicing_entity", t),
        "BillingAccountId": text_sql("bill_payer_account_id", t),
        "BillingAccountName": text_sql("bill_payer_account_name", t),
        "SubAccountId": text_sql("line_item_usage_account_id", t),
        "SubAccountName": text_sql("line_item_usage_account_name", t),
        "ServiceName": _service(t),
        "RegionId": _region(t),
        "AvailabilityZone": text_sql("line_item_availability_zone", t),
        "ResourceId": text_sql("line_item_resource_id", t),
        "SkuId": text_sql("product_sku", t),
        "ChargeCategory": _category(),
        "ChargeDescription": text_sql("line_item_line_item_description", t),
        "ChargePeriodStart": time_sql("line_item_usage_start_date", t),
        "ChargePeriodEnd": time_sql("line_item_usage_end_date", t),
        "BillingPeriodStart": time_sql("bill_billing_period_start_date", t),
        "BillingPeriodEnd": time_sql("bill_billing_period_end_date", t),
        "BilledCost": unblended,
        "EffectiveCost": effective,
        "ListCost": _money("pricing_public_on_demand_cost", t),
        "BillingCurrency": f"upper(trim({text_sql('line_item_currency_code', t)}))",
        "PricingUnit": text_sql("pricing_unit", t),
        # The priced volume, and the rate's id, where the CUR has them (#13).
        "PricingQuantity": f"CASE WHEN line_item_line_item_type IN ({usage_types})"
        f" THEN {_money('line_item_usage_amount', t)} END",
        "SkuPriceId": _coalesce(text_sql("pricing_rate_id", t), text_sql("pricing_rate_code", t)),
        "ConsumedQuantity": f"CASE WHEN line_item_line_item_type IN ({usage_types})"
        f" THEN {_money('line_item_usage_amount', t)} END",
        "ConsumedUnit": f"CASE WHEN line_item_line_item_type IN ({usage_types})"
        f" THEN {text_sql('pricing_unit', t)} END",
        "CommitmentDiscountId": commitment,
        "Tags": _tags(t),
        "x_scope": literal(scope),
        "x_estimated": "false",
    }
    body = ", ".join(f"{expr} AS {name}" for name, expr in cols.items())
    return f"SELECT {body} FROM {source}"


def mapping(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    types: dict[str, str],
    *,
    path: str,
    scope: str,
) -> FileMapping:
    """Check a CUR file's header and build its mapping (legacy headers are renamed first).

    ``conn`` is unused: a CUR's header alone says what it can answer.
    """
    warnings = []
    if is_legacy(types):
        source, types = legacy_source(source, types)
        warnings.append("legacy CUR header: columns renamed to their CUR 2.0 names")
    missing = missing_columns(types)
    if missing:
        raise ImportFileError(
            f"{path} is not a complete CUR 2.0 file: missing column(s) {', '.join(missing)}",
            hint="export CUR 2.0 from AWS Data Exports, or pass --format for another export type",
        )
    dims, metrics = capabilities(types)
    return FileMapping(
        format=FORMAT,
        source=SOURCE,
        select=select_sql(source, types, scope=scope),
        dimensions=dims,
        metrics=metrics,
        warnings=warnings,
    )
