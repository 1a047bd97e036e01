"""``cloudspy prices``: the cached list prices and what a refresh did (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from cloudspy.models.exact import Exact


class CachedPrice(BaseModel):
    """One cached price: a billed unit (or tier) of a product in a region.

    ``price`` is None when the price list has no such product (``unit`` ``none``,
    the reason in ``detail``): remembered so it is not asked for again.
    """

    provider: str
    kind: str
    region: str
    sku: str
    variant: str
    unit: str
    tier_start: Exact
    price: Exact | None
    currency: str
    source: str
    effective: date | None
    fetched_at: datetime
    detail: str = ""


class PriceListing(BaseModel):
    """The cache's list prices; after ``--refresh``, the requests made per provider,
    the resources repriced, and the price lists that could not be reached."""

    prices: list[CachedPrice] = Field(default_factory=list)
    requests: dict[str, int] = Field(default_factory=dict)
    repriced: int = 0
    errors: dict[str, str] = Field(default_factory=dict)
