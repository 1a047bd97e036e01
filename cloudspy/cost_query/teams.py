"""Teams: what is left unallocated by the ``team`` dimension, and how to say so.

The dimension itself (``[teams.NAME]`` of config.toml as a SQL ``CASE``) is built
in :mod:`cloudspy.cost_query.dimensions`, with the other ``--by`` values it is parsed beside.
"""

from __future__ import annotations

from decimal import Decimal

from cloudspy.cost_query.dimensions import TEAM, UNALLOCATED

__all__ = ["TEAM", "UNALLOCATED", "unallocated_notes", "unallocated_share"]


def unallocated_share(
    rows: list[tuple[str, str, Decimal]],
) -> dict[str, tuple[Decimal, Decimal | None]]:
    """Per currency: the unallocated amount and its share in percent of the total.

    ``rows`` are (team, currency, cost); currencies are kept apart.
    """
    totals: dict[str, Decimal] = {}
    unallocated: dict[str, Decimal] = {}
    for team, currency, cost in rows:
        totals[currency] = totals.get(currency, Decimal(0)) + cost
        if team == UNALLOCATED:
            unallocated[currency] = unallocated.get(currency, Decimal(0)) + cost
    out = {}
    for currency, total in sorted(totals.items()):
        amount = unallocated.get(currency, Decimal(0))
        share = (amount * 100 / total).quantize(Decimal("0.01")) if total else None
        out[currency] = (amount, share)
    return out


def unallocated_notes(rows: list[tuple[str, str, Decimal]]) -> list[str]:
    """One line per currency saying how much no team claims (empty when all is allocated)."""
    notes = []
    for currency, (amount, share) in unallocated_share(rows).items():
        if amount:
            pct = f" ({share}% of {currency} spend)" if share is not None else ""
            notes.append(f"{amount.quantize(Decimal('0.01'))} {currency} is unallocated{pct}")
    return notes
