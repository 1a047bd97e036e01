"""A Cloud Billing Catalog SKU's price as published: usage unit, tiers, currency, date.

``services.skus.list`` gives each SKU a list of ``pricingInfo`` (the last is the
current one) whose ``pricingExpression`` names the ``usageUnit`` (``h``,
``GiBy.mo`` …) and the ``tieredRates``, each a ``startUsageAmount`` and a
``unitPrice`` of ``units`` + ``nanos`` in a currency. Read in one place for the
machine, disk and address prices and for the premium-image licences.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any


def money(unit_price: dict[str, Any]) -> Decimal:
    """``units`` + ``nanos`` as one exact amount."""
    units = Decimal(str(unit_price.get("units") or 0))
    return units + Decimal(int(unit_price.get("nanos") or 0)) / Decimal(10**9)


def rates(sku: dict[str, Any]) -> tuple[str, list[tuple[Decimal, Decimal]], str, str]:
    """(usage unit, [(tier start, price)], currency, effective time) of a SKU's latest price."""
    info = (sku.get("pricingInfo") or [{}])[-1]
    expression = info.get("pricingExpression") or {}
    tiered = expression.get("tieredRates") or []
    currency = str(
        ((tiered[0] if tiered else {}).get("unitPrice") or {}).get("currencyCode") or "USD"
    )
    tiers = [
        (Decimal(str(r.get("startUsageAmount") or 0)), money(r.get("unitPrice") or {}))
        for r in tiered
    ]
    return (
        str(expression.get("usageUnit") or ""),
        tiers,
        currency,
        str(info.get("effectiveTime") or ""),
    )


def effective_day(effective: str) -> date | None:
    """The day of an ``effectiveTime`` as :func:`rates` gives it (None when empty)."""
    return datetime.fromisoformat(effective.replace("Z", "+00:00")).date() if effective else None
