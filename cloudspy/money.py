"""Formatting money and percentages for people and for machines."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def exact_text(amount: Decimal) -> str:
    """``amount`` exactly, as fixed-point text without trailing zeros (``298.77619``,
    ``100``, ``0``): how JSON and CSV carry money (#13). Never rounded."""
    text = format(amount, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def machine(amount: Decimal | None) -> str | None:
    """The exact decimal string JSON and CSV carry (:func:`exact_text`), or None."""
    return None if amount is None else exact_text(amount)


def human(amount: Decimal, currency: str) -> str:
    """``$1,234.56``, ``¥123,456`` or ``1.235 KWD``: grouped, to the currency's minor unit
    (ISO 4217: none for JPY and KRW, three for KWD and BHD, two for most)."""
    from cloudspy.currencies import minor_unit, rounded

    places = minor_unit(currency)
    value = rounded(amount, currency)
    text = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 else ""
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


AT_MOST = "≤ "  # before an amount that is an upper bound of what is billed
# The line a table with such an amount carries, saying what the mark means.
AT_MOST_MEANS = "≤: at most this amount; the size priced bounds the bill from above"


def at_most(text: str, upper_bound: bool) -> str:
    """``≤ $6.40`` for an amount that is an upper bound, else ``text`` unchanged."""
    return AT_MOST + text if upper_bound else text


def shown(
    amount: Decimal | None, currency: str | None, *, missing: str, upper_bound: bool = False
) -> str:
    """``$6.40`` (``≤ $6.40`` when an upper bound), or ``missing`` without an amount or
    a currency: a money cell of the tables."""
    if amount is None or not currency:
        return missing
    return at_most(human(amount, currency), upper_bound)


def percent(value: Decimal | None, *, signed: bool = False) -> str:
    """``12.5%`` (``+12.5%`` when signed); an em dash when unknown."""
    if value is None:
        return "—"
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)
    return f"{rounded:+}%" if signed else f"{rounded}%"
