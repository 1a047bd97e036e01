"""The FOCUS 1.2 projection of the ``cost`` table, for ``cloudspy export --format focus``.

Columns carry FOCUS 1.2 names and types (DateTime as UTC timestamps, money as
decimals, Tags as a JSON object), values are made conformant where the store
may hold something else (ChargeCategory, ServiceCategory, ChargeFrequency),
and mandatory columns the store cannot know are present as nulls. CloudSpy's
own columns keep the ``x_`` prefix FOCUS reserves for custom columns.
"""

from __future__ import annotations

from cloudspy.service_categories import category_sql

FOCUS_VERSION = "1.2"

CHARGE_CATEGORIES = ("Usage", "Purchase", "Tax", "Credit", "Adjustment")
SERVICE_CATEGORIES = (
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
)
PRICING_CATEGORIES = ("Standard", "Dynamic", "Committed", "Other")
CHARGE_FREQUENCIES = ("One-Time", "Recurring", "Usage-Based")
MONEY = "DECIMAL(38, 16)"


def _in_list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def _enum(column: str, values: tuple[str, ...], fallback: str) -> str:
    """Map a value onto its allowed spelling case-insensitively, else ``fallback``."""
    cases = " ".join(f"WHEN '{v.lower()}' THEN '{v}'" for v in values)
    return f"CASE lower(trim({column})) {cases} ELSE {fallback} END"


def _time(column: str) -> str:
    return f"CAST({column} AS TIMESTAMPTZ)"


# (FOCUS column, SQL over `cost`). Order follows the FOCUS 1.2 column list.
def columns() -> list[tuple[str, str]]:
    """The FOCUS 1.2 columns and the SQL producing each from ``cost``."""
    billing_start = "coalesce(BillingPeriodStart, date_trunc('month', ChargePeriodStart))"
    billing_end = (
        "coalesce(BillingPeriodEnd, date_trunc('month', ChargePeriodStart) + INTERVAL 1 MONTH)"
    )
    return [
        ("AvailabilityZone", "AvailabilityZone"),
        ("BilledCost", "BilledCost"),
        ("BillingAccountId", "BillingAccountId"),
        ("BillingAccountName", "BillingAccountName"),
        ("BillingAccountType", "CAST(NULL AS VARCHAR)"),
        ("BillingCurrency", "BillingCurrency"),
        ("BillingPeriodEnd", _time(billing_end)),
        ("BillingPeriodStart", _time(billing_start)),
        ("CapacityReservationId", "CAST(NULL AS VARCHAR)"),
        ("CapacityReservationStatus", "CAST(NULL AS VARCHAR)"),
        ("ChargeCategory", _enum("ChargeCategory", CHARGE_CATEGORIES, "'Adjustment'")),
        ("ChargeClass", "CASE WHEN lower(ChargeClass) = 'correction' THEN 'Correction' END"),
        ("ChargeDescription", "ChargeDescription"),
        (
            "ChargeFrequency",
            _enum(
                "ChargeFrequency",
                CHARGE_FREQUENCIES,
                "CASE WHEN lower(ChargeCategory) = 'purchase' THEN 'One-Time'"
                " ELSE 'Usage-Based' END",
            ),
        ),
        ("ChargePeriodEnd", _time("ChargePeriodEnd")),
        ("ChargePeriodStart", _time("ChargePeriodStart")),
        ("CommitmentDiscountCategory", "CommitmentDiscountCategory"),
        ("CommitmentDiscountId", "CommitmentDiscountId"),
        ("CommitmentDiscountName", "CommitmentDiscountName"),
        ("CommitmentDiscountQuantity", f"CAST(NULL AS {MONEY})"),
        ("CommitmentDiscountStatus", "CommitmentDiscountStatus"),
        ("CommitmentDiscountType", "CommitmentDiscountType"),
        ("CommitmentDiscountUnit", "CAST(NULL AS VARCHAR)"),
        ("ConsumedQuantity", "ConsumedQuantity"),
        ("ConsumedUnit", "ConsumedUnit"),
        # Mandatory and never null in FOCUS; where a source gave no contracted,
        # effective or list cost the billed cost is the closest known figure.
        ("ContractedCost", "coalesce(ContractedCost, BilledCost)"),
        ("ContractedUnitPrice", f"CAST(NULL AS {MONEY})"),
        ("EffectiveCost", "coalesce(EffectiveCost, BilledCost)"),
        ("InvoiceId", "CAST(NULL AS VARCHAR)"),
        ("InvoiceIssuerName", "coalesce(InvoiceIssuerName, ProviderName)"),
        ("ListCost", "coalesce(ListCost, BilledCost)"),
        # ListCost = ListUnitPrice × PricingQuantity (FOCUS): derived where both are known.
        (
            "ListUnitPrice",
            f"CASE WHEN PricingQuantity <> 0 THEN CAST(ListCost / PricingQuantity AS {MONEY}) END",
        ),
        (
            "PricingCategory",
            _enum("PricingCategory", PRICING_CATEGORIES, "CAST(NULL AS VARCHAR)"),
        ),
        ("PricingCurrency", "CAST(NULL AS VARCHAR)"),
        ("PricingQuantity", "PricingQuantity"),
        ("PricingUnit", "PricingUnit"),
        ("ProviderName", "ProviderName"),
        ("PublisherName", "coalesce(PublisherName, ProviderName)"),
        ("RegionId", "RegionId"),
        ("RegionName", "RegionName"),
        ("ResourceId", "ResourceId"),
        ("ResourceName", "ResourceName"),
        ("ResourceType", "ResourceType"),
        # The file's own category where it has a valid one, else the service's (#13).
        (
            "ServiceCategory",
            _enum("ServiceCategory", SERVICE_CATEGORIES, category_sql("ServiceName")),
        ),
        ("ServiceName", "ServiceName"),
        ("ServiceSubcategory", "CAST(NULL AS VARCHAR)"),
        ("SkuId", "SkuId"),
        ("SkuMeter", "CAST(NULL AS VARCHAR)"),
        ("SkuPriceDetails", "CAST(NULL AS VARCHAR)"),
        ("SkuPriceId", "SkuPriceId"),
        ("SubAccountId", "SubAccountId"),
        ("SubAccountName", "SubAccountName"),
        ("SubAccountType", "CAST(NULL AS VARCHAR)"),
        ("Tags", "coalesce(CAST(Tags AS VARCHAR), '{}')"),
        ("x_CloudSpySource", "x_source"),
        ("x_CloudSpyEstimated", "x_estimated"),
    ]


TEXT_COLUMNS_FROM_USERS = (
    "AvailabilityZone",
    "BillingAccountId",
    "BillingAccountName",
    "ChargeDescription",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "ConsumedUnit",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "InvoiceIssuerName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
)
