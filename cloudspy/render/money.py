"""Formatting money and percentages for people and for machines."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

MACHINE_PLACES = Decimal("0.0001")
CENTS = Decimal("0.01")
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def machine(amount: Decimal | None) -> str | None:
    """A decimal string with four places, as JSON and CSV carry money."""
    if amount is None:
        return None
    return str(amount.quantize(MACHINE_PLACES, rounding=ROUND_HALF_EVEN))


def human(amount: Decimal, currency: str) -> str:
    """``$1,234.56`` or ``1,234.56 CHF``: grouped, to the cent."""
    value = amount.quantize(CENTS, rounding=ROUND_HALF_EVEN)
    text = f"{abs(value):,.2f}"
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def percent(value: Decimal | None, *, signed: bool = False) -> str:
    """``12.5%`` (``+12.5%`` when signed); an em dash when unknown."""
    if value is None:
        return "—"
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return f"{rounded:+}%" if signed else f"{rounded}%"
