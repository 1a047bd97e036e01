"""The protocol every provider's inventory collector implements (AWS, GCP, Azure).

A source is one configured scope (an AWS account reached through a profile or an
assumed role, a GCP project, an Azure subscription). It splits its work into
*partitions* that can be read in parallel (AWS: one per enabled region; GCP: one
``aggregatedList`` sweep; Azure: one per subscription), and each partition
returns one :class:`Collected` per region it read. A region's collected rows
replace exactly that region's earlier snapshot of the scope. No collector opens
the store: the orchestrator (:mod:`cloudspy.inventory.collect`) writes afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from cloudspy.errors import ProviderError
from cloudspy.models.resource import Collected
from cloudspy.providers.base import Progress

if TYPE_CHECKING:
    from cloudspy.models.prices import FetchedPrices, PriceKey


class AccessDenied(ProviderError):
    """A region, project or subscription refused a read: it is reported and skipped."""


@dataclass(frozen=True)
class MetricWindow:
    """The utilization window to read, as naive UTC datetimes on hour boundaries."""

    start: datetime
    end: datetime


class InventorySource(Protocol):
    """One configured scope whose resources and utilization can be read."""

    provider: str
    label: str

    def scope(self) -> str:
        """The store key of this scope, e.g. ``aws:inventory:123456789012``."""
        ...

    def account(self) -> str:
        """The account, project or subscription id the resources belong to."""
        ...

    def partitions(self) -> list[str]:
        """The units of parallel work (may call the API, e.g. to list enabled regions)."""
        ...

    def collect(self, partition: str, window: MetricWindow, progress: Progress) -> list[Collected]:
        """Read one partition; raise :class:`AccessDenied` when it refuses the read."""
        ...

    def price_list(self) -> PriceList | None:
        """The provider's price list reached with this source's credentials (None: the
        provider has none yet, and the shipped table answers for its own region)."""
        ...


class PriceList(Protocol):
    """A provider's price list: the prices of the products resources are billed as
    (which product a resource is, the registry's ``price_keys`` function says)."""

    provider: str
    source: str

    def fetch(self, keys: list[PriceKey], progress: Progress) -> FetchedPrices:
        """The prices of ``keys`` (a ``none`` price for a key the list does not have)."""
        ...
