"""FOCUS 1.0–1.3 files (CSV or Parquet) normalized into the ``cost`` table.

Everything happens in one ``INSERT … SELECT`` over the file: no Python loop
touches a row. Timestamps with or without ``T``/``Z`` or an offset are read as
UTC; money is cast from text (or the file's own type) to DECIMAL(38, 16).
"""

from __future__ import annotations

from collections.abc import Callable

from cloudspy.errors import ImportFileError
from cloudspy.providers.files.mapping import literal, money_sql, quote, text_sql, time_sql

FORMAT = "focus"
# The columns CloudSpy cannot do without; all are Mandatory in FOCUS 1.0–1.2.
REQUIRED = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "BillingAccountId",
    "BillingCurrency",
    "ChargeCategory",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ServiceName",
)
PROVIDER_COLUMNS = ("ProviderName", "ServiceProviderName")  # 1.3 renames ProviderName
DIMENSIONS = [
    "provider",
    "billing_account",
    "account",
    "service",
    "region",
    "resource",
    "tag",
    "charge",
]
METRICS = ["billed", "effective", "list"]

_TEXT = (
    "PublisherName",
    "InvoiceIssuerName",
    "BillingAccountName",
    "SubAccountId",
    "SubAccountName",
    "ServiceCategory",
    "RegionId",
    "RegionName",
    "AvailabilityZone",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "SkuId",
    "SkuPriceId",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "PricingCategory",
    "PricingUnit",
    "ConsumedUnit",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
)
_MONEY = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")
_QUANTITY = ("PricingQuantity", "ConsumedQuantity")
_TIMES = ("ChargePeriodStart", "ChargePeriodEnd", "BillingPeriodStart", "BillingPeriodEnd")


def looks_like(columns: dict[str, str]) -> bool:
    """Whether a file's header is FOCUS (by its distinctive mandatory columns)."""
    return {"BilledCost", "ChargePeriodStart", "BillingCurrency"} <= set(columns)


def missing_columns(columns: dict[str, str]) -> list[str]:
    """The required FOCUS columns the file lacks."""
    missing = [c for c in REQUIRED if c not in columns]
    if not any(c in columns for c in PROVIDER_COLUMNS):
        missing.append("ProviderName")
    return missing


def _text(col: str, types: dict[str, str]) -> str:
    return text_sql(col, types)


def _decimal(col: str, types: dict[str, str]) -> str:
    return money_sql(quote(col), types.get(col))


def _timestamp(col: str, types: dict[str, str]) -> str:
    return time_sql(col, types)


def _tags(types: dict[str, str]) -> str:
    if "Tags" not in types:
        return "NULL"
    kind = types["Tags"]
    if kind == "VARCHAR":
        return "CAST(nullif(nullif(Tags, ''), '{}') AS JSON)"
    return "CAST(to_json(Tags) AS JSON)"


def select_sql(
    source: str,
    types: dict[str, str],
    *,
    scope: str,
    provider_override: Callable[[str], str] | None = None,
) -> str:
    """The normalizing SELECT from a FOCUS file, columns named as in ``cost``.

    ``scope`` is CloudSpy-generated and pasted as an escaped literal. The file's
    source and run id are recorded per day in ``cost_coverage``, not per row.
    """
    provider = " , ".join(_text(c, types) for c in PROVIDER_COLUMNS if c in types)
    provider_sql = f"coalesce({provider})" if provider else "NULL"
    if provider_override:
        provider_sql = provider_override(provider_sql)
    cols = [f"{provider_sql} AS ProviderName"]
    cols += [f"{_text(c, types)} AS {c}" for c in _TEXT]
    cols += [f"{_decimal(c, types)} AS {c}" for c in (*_MONEY, *_QUANTITY)]
    cols += [f"{_timestamp(c, types)} AS {c}" for c in _TIMES]
    cols += [
        f"{_text('BillingAccountId', types)} AS BillingAccountId",
        f"{_text('ChargeCategory', types)} AS ChargeCategory",
        f"{_text('ServiceName', types)} AS ServiceName",
        f"upper(trim({_text('BillingCurrency', types)})) AS BillingCurrency",
        f"{_tags(types)} AS Tags",
        f"{literal(scope)} AS x_scope",
        "false AS x_estimated",
    ]
    return f"SELECT {', '.join(cols)} FROM {source}"


def check_columns(path: str, columns: dict[str, str]) -> None:
    """Refuse a file missing required FOCUS columns, naming them."""
    missing = missing_columns(columns)
    if missing:
        raise ImportFileError(
            f"{path} is not a FOCUS file: missing column(s) {', '.join(missing)}",
            hint="export FOCUS 1.0 or newer, or pass --format for another export type",
        )
