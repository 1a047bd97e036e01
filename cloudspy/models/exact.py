"""Money in machine formats: the exact decimal, as text (#13).

JSON and CSV carry each amount exactly as the cache holds it, never rounded to a
fixed number of places: re-rounding a 4-place string to cents can flip a
half-cent. Trailing zeros of the store's 16 places are dropped (``298.77619``,
``100``, ``0``), so the text is both exact and short. The Python models
serialize through :data:`Exact`, and the CLI's encoders through
:func:`exact_text`, so the library's JSON and the CLI's agree (one contract).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import PlainSerializer

from cloudspy.money import exact_text

Exact = Annotated[Decimal, PlainSerializer(exact_text, return_type=str, when_used="json")]


def _bind_costs_money() -> None:
    """Give the pydantic-free cost dataclasses the exact serializer (see models/costs.py).

    Their annotations are strings resolved when pydantic first builds a schema
    for them, which can only happen after this module (and pydantic) loaded.
    """
    from cloudspy.models import costs

    costs.Money = Exact  # type: ignore[misc,assignment]


_bind_costs_money()

__all__ = ["Exact", "exact_text"]
