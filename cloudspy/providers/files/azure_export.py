"""Azure Cost Management export CSV (EA / MCA "actual" or "amortized" cost), normalized to FOCUS.

The quirks of the real files (``tests/fixtures/azure/EA_*Cost_Small.csv``, from
microsoft/finops-toolkit): a UTF-8 byte-order mark, ``MM/DD/YYYY`` dates, tags as
JSON members without the outer braces (``"env": "prod","org": "trey"``), empty
cells for absent values, and EA headers in PascalCase where MCA uses camelCase.

Actual and amortized exports share one header, so which one a file is comes
from its rows: reservation or savings-plan *purchases* appear only in actual
cost; commitment-covered usage with a price, or ``Unused…`` charges, only in
amortized cost. Each metric is claimed only where the file really carries it:

- actual cost: BilledCost = EffectiveCost = Cost; metrics ``billed`` (and
  ``effective`` too when no commitment discount is in the file, since then
  the two views are the same numbers).
- amortized cost: EffectiveCost = Cost; BilledCost is 0 for commitment-covered
  and unused-commitment rows (they were billed at purchase); metrics
  ``effective`` (and ``billed`` when no commitment discount is in the file).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudspy.errors import ImportFileError
from cloudspy.providers.files.mapping import (
    FileMapping,
    literal,
    money_sql,
    quote,
    text_sql,
)

if TYPE_CHECKING:
    import duckdb

FORMAT = "azure-export"
SOURCE = "azure-export-file"
# Logical column → the names it has in EA, MCA and older pay-as-you-go exports.
ALIASES = {
    "date": ("Date", "UsageDate", "UsageDateTime"),
    "cost": ("CostInBillingCurrency", "Cost", "PreTaxCost"),
    "currency": ("BillingCurrency", "BillingCurrencyCode", "Currency"),
    "subscription": ("SubscriptionId", "SubscriptionGuid"),
    "subscription_name": ("SubscriptionName",),
    "billing_account": ("BillingAccountId",),
    "billing_account_name": ("BillingAccountName",),
    "billing_profile": ("BillingProfileId",),
    "meter_category": ("MeterCategory",),
    "location": ("ResourceLocation",),
    "resource_id": ("ResourceId", "InstanceId"),
    "resource_name": ("ResourceName",),
    "charge_type": ("ChargeType",),
    "pricing_model": ("PricingModel",),
    "tags": ("Tags",),
    "quantity": ("Quantity", "UsageQuantity"),
    "unit": ("UnitOfMeasure",),
    "payg_price": ("PayGPrice",),
    "meter_id": ("MeterId",),
    "product": ("Product", "ProductName"),
    "publisher": ("PublisherName",),
    "benefit_id": ("benefitId", "BenefitId", "ReservationId"),
    "benefit_name": ("benefitName", "BenefitName", "ReservationName"),
    "period_start": ("BillingPeriodStartDate",),
    "period_end": ("BillingPeriodEndDate",),
}
REQUIRED = ("date", "cost", "currency", "subscription")
# EA/MCA write 10/31/2026 or 2026-10-31; the older pay-as-you-go layout (2019-10-01)
# writes UsageDateTime as 2019-07-29 00:00:00.
DATE_FORMATS = "['%m/%d/%Y', '%Y-%m-%d', '%Y-%m-%d %H:%M:%S', '%Y-%m-%dT%H:%M:%S']"
COMMITMENT_MODELS = "('Reservation', 'SavingsPlan')"
_VIEW_NOTE = {
    "actual": "an actual-cost export: it answers --metric billed, not the amortized cost",
    "amortized": "an amortized-cost export: it answers --metric effective, not the billed cost",
}
_CATEGORY = {
    "Usage": "Usage",
    "UnusedReservation": "Usage",
    "UnusedSavingsPlan": "Usage",
    "Purchase": "Purchase",
    "Refund": "Credit",
    "Tax": "Tax",
}


def resolve(columns: dict[str, str]) -> dict[str, str]:
    """Logical name → the file's own column name (case-insensitive), for those present."""
    lower = {name.lower(): name for name in columns}
    found = {}
    for logical, names in ALIASES.items():
        for name in names:
            if name.lower() in lower:
                found[logical] = lower[name.lower()]
                break
    return found


def looks_like(columns: dict[str, str]) -> bool:
    """Whether a header is an Azure cost export (date, cost, subscription and meter columns)."""
    cols = resolve(columns)
    return {"date", "cost", "subscription", "meter_category"} <= set(cols)


def _day(col: str | None) -> str:
    if col is None:
        return "CAST(NULL AS TIMESTAMP)"  # typed: `+ INTERVAL` must still bind (older layouts)
    return f"CAST(strptime(nullif(trim({quote(col)}), ''), {DATE_FORMATS}) AS TIMESTAMP)"


def _tags(col: str | None) -> str:
    if col is None:
        return "NULL"
    text = f"nullif(nullif(trim({quote(col)}), ''), '{{}}')"
    # EA exports drop the object's braces; newer exports keep them.
    wrapped = f"CASE WHEN starts_with({text}, '{{') THEN {text} ELSE '{{' || {text} || '}}' END"
    return f"CAST({wrapped} AS JSON)"


def detect_view(conn: duckdb.DuckDBPyConnection, source: str, cols: dict[str, str]) -> str:
    """``actual``, ``amortized`` or ``plain`` (no commitment discount: both views agree)."""
    if "charge_type" not in cols or "pricing_model" not in cols:
        return "actual"
    charge = quote(cols["charge_type"])
    model = quote(cols["pricing_model"])
    cost = f"TRY_CAST({quote(cols['cost'])} AS DECIMAL(38, 16))"
    row = conn.execute(
        f"SELECT bool_or({charge} LIKE 'Unused%' OR ({model} IN {COMMITMENT_MODELS}"
        f" AND {charge} = 'Usage' AND {cost} <> 0)),"
        f" bool_or({model} IN {COMMITMENT_MODELS} AND {charge} IN ('Purchase', 'Refund')),"
        f" bool_or({model} IN {COMMITMENT_MODELS} OR {charge} LIKE 'Unused%')"
        f" FROM {source}"
    ).fetchall()[0]
    amortized, actual, commitments = (bool(v) for v in row)
    if amortized:
        return "amortized"
    if actual or commitments:
        return "actual"
    return "plain"


def select_sql(
    source: str, types: dict[str, str], cols: dict[str, str], view: str, *, scope: str
) -> str:
    """The normalizing SELECT from an Azure export relation, columns named as in ``cost``."""

    def text(logical: str) -> str:
        return text_sql(cols[logical], types) if logical in cols else "NULL"

    def money(logical: str) -> str:
        return money_sql(quote(cols[logical]), types[cols[logical]]) if logical in cols else "NULL"

    cost = money("cost")
    charge = text("charge_type")
    model = text("pricing_model")
    committed = f"({model} IN {COMMITMENT_MODELS} OR {charge} LIKE 'Unused%')"
    billed = f"CASE WHEN coalesce({committed}, false) THEN 0 ELSE {cost} END"
    whens = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in _CATEGORY.items())
    start = _day(cols.get("date"))
    period_end = _day(cols.get("period_end"))
    list_cost = (
        f"{money('payg_price')} * {money('quantity')}"
        if "payg_price" in cols and "quantity" in cols
        else "NULL"
    )
    out = {
        "ProviderName": "'Microsoft'",
        "PublisherName": f"coalesce({text('publisher')}, 'Microsoft')",
        "InvoiceIssuerName": "'Microsoft'",
        "BillingAccountId": f"coalesce({text('billing_account')}, {text('billing_profile')},"
        f" {text('subscription')})",
        "BillingAccountName": text("billing_account_name"),
        "SubAccountId": text("subscription"),
        "SubAccountName": text("subscription_name"),
        "ServiceName": text("meter_category"),
        "RegionId": f"lower({text('location')})",
        "ResourceId": text("resource_id"),
        "ResourceName": text("resource_name"),
        "SkuId": text("meter_id"),
        "ChargeCategory": f"CASE coalesce({charge}, 'Usage') {whens} ELSE 'Adjustment' END",
        "ChargeDescription": text("product"),
        "PricingCategory": f"CASE {model} WHEN 'OnDemand' THEN 'Standard'"
        " WHEN 'Reservation' THEN 'Committed' WHEN 'SavingsPlan' THEN 'Committed'"
        " WHEN 'Spot' THEN 'Dynamic' END",
        "CommitmentDiscountId": f"CASE WHEN {committed} THEN {text('benefit_id')} END",
        "CommitmentDiscountName": f"CASE WHEN {committed} THEN {text('benefit_name')} END",
        "ChargePeriodStart": start,
        "ChargePeriodEnd": f"{start} + INTERVAL 1 DAY",
        "BillingPeriodStart": _day(cols.get("period_start")),
        # EA gives the period's last day; FOCUS wants the exclusive end.
        "BillingPeriodEnd": f"{period_end} + INTERVAL 1 DAY",
        "BilledCost": cost if view in ("actual", "plain") else billed,
        "EffectiveCost": cost,
        "ListCost": list_cost,
        "BillingCurrency": f"upper(trim({text('currency')}))",
        "ConsumedQuantity": money("quantity"),
        "ConsumedUnit": text("unit"),
        "Tags": _tags(cols.get("tags")),
        "x_scope": literal(scope),
        "x_estimated": "false",
    }
    body = ", ".join(f"{expr} AS {name}" for name, expr in out.items())
    return f"SELECT {body} FROM {source}"


def mapping(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    types: dict[str, str],
    *,
    path: str,
    scope: str,
) -> FileMapping:
    """Check an Azure export's header, tell actual from amortized, and build its mapping."""
    cols = resolve(types)
    missing = [ALIASES[c][0] for c in REQUIRED if c not in cols]
    if missing:
        raise ImportFileError(
            f"{path} is not an Azure cost export: missing column(s) {', '.join(missing)}",
            hint="export actual or amortized cost from Cost Management as CSV",
        )
    view = detect_view(conn, source, cols)
    metrics = {"actual": ["billed"], "amortized": ["effective"], "plain": ["billed", "effective"]}
    dims = ["provider", "billing_account", "account", "service"]
    optional = (
        ("region", "location"),
        ("resource", "resource_id"),
        ("tag", "tags"),
        ("charge", "charge_type"),
    )
    dims += [dim for dim, logical in optional if logical in cols]
    return FileMapping(
        format=FORMAT,
        source=SOURCE,
        select=select_sql(source, types, cols, view, scope=scope),
        dimensions=dims,
        metrics=metrics[view],
        warnings=[] if view == "plain" else [_VIEW_NOTE[view]],
    )
