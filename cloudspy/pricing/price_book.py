"""Prices for any product a resource could be, read from the store's cache (#14).

Waste rules that price a cheaper equivalent (gp2 → gp3, a previous generation →
the current one, a smaller size) ask a :class:`PriceBook`: the price-list entry
cached for that product in that region (fetched at sync time, see
:func:`cloudspy.pricing.price_lists.price_resources` and ``alternatives``), else
the shipped table for its own region, else why there is no price. No API call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cloudspy.models.prices import ListPrice, PriceKey
from cloudspy.models.resource import Resource
from cloudspy.pricing.price_lists import cached_or_table
from cloudspy.pricing.table import Estimate
from cloudspy.providers.registry import price_key


@dataclass
class PriceBook:
    """The cached price-list entries, by key (empty: the shipped table only)."""

    cached: Mapping[PriceKey, Sequence[ListPrice]] = field(default_factory=dict)

    def estimate(self, resource: Resource) -> Estimate | str:
        """The monthly list price of ``resource`` as described, or why there is none."""
        key = price_key(resource)
        if isinstance(key, str):
            return cached_or_table(resource, None, self.cached, why=key)
        why = (
            None
            if key is None or key in self.cached
            else "not fetched yet; the next sync fetches it"
        )
        return cached_or_table(resource, key, self.cached, why=why)
