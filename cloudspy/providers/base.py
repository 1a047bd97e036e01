"""What every cost source implements, and the helpers they share.

A source fetches from its API with no database connection open; the sync
orchestrator (:mod:`cloudspy.sync`) decides what to fetch from the cache's
coverage and writes what came back in one transaction.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from cloudspy.periods import Window, month_start

Progress = Callable[[str], None]
T = TypeVar("T")
HTTP_TIMEOUT_ENV = "CLOUDSPY_HTTP_TIMEOUT"


def http_timeout(default: float = 60.0) -> float:
    """Seconds one cloud API request may take: ``CLOUDSPY_HTTP_TIMEOUT``, else ``default``.

    A request that takes longer fails as a timeout and is retried like
    throttling (docs/faults.md); without a bound a silent server hangs a sync.
    """
    text = os.environ.get(HTTP_TIMEOUT_ENV, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        from cloudspy.errors import ConfigError

        raise ConfigError(f"{HTTP_TIMEOUT_ENV}={text!r} is not a positive number of seconds")
    return seconds


# Billing exports (BigQuery, CUR) still write late rows for a few days after a day ends,
# across a month boundary too: on the 2nd, the 30th of last month may still change.
LATE_DAYS = 3


def may_still_change(day: date, today: date, late_days: int = LATE_DAYS) -> bool:
    """Whether an export may still restate ``day``: the open month, or the last
    ``late_days`` days before today (stored as estimated, fetched again later, #13)."""
    return day >= month_start(today) or day >= today - timedelta(days=late_days)


def fingerprint(*parts: str) -> str:
    """A short digest naming an identity source without carrying its values (no secret)."""
    import hashlib

    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Ambient:
    """Credentials a provider's SDK would find on its own (no config file needed, #12).

    Found from environment variables and files only, never the network and never
    the SDK. ``key`` names the identity source without any secret, and changes
    when the source could map to other accounts; ``description`` is for people.
    """

    provider: str
    key: str
    description: str


@dataclass(frozen=True)
class CachedDay:
    """What the cache holds for one day of a scope."""

    estimated: bool
    dimensions: tuple[str, ...]


@dataclass
class FetchedCosts:
    """The rows and bookkeeping one fetch brings back, ready to store.

    ``rows`` are dicts named like the ``cost`` columns (money as Decimal or
    decimal strings); ``days`` maps each fetched day to (billing account,
    estimated); ``ranges`` are the ``[start, end)`` windows the fetch replaces.
    """

    rows: list[dict[str, Any]]
    days: dict[date, tuple[str, bool]]
    ranges: list[tuple[date, date]]
    dimensions: list[str]
    metrics: list[str]
    api_calls: int = 0
    api_cost: Decimal = Decimal(0)
    api_cost_currency: str = "USD"
    quota: dict[str, Any] = field(default_factory=dict)


class CostSource(Protocol):
    """A configured scope that can fetch daily costs (an AWS payer, a GCP table …)."""

    provider: str
    source: str
    priority: int
    label: str

    def scope(self) -> str:
        """The cache scope key, e.g. ``aws:ce:123456789012`` (may call the API once)."""
        ...

    def fetch(self, ranges: list[Window], progress: Progress) -> FetchedCosts:
        """Fetch daily costs for the given windows."""
        ...

    def wanted_dimensions(self) -> list[str]:
        """The dimensions each cached day must have (else it is fetched again)."""
        ...

    def fetch_note(self, ranges: list[Window]) -> str:
        """What fetching ``ranges`` will ask and cost, for the line shown before it (#12)."""
        ...


def plan_fetch(
    window: Window,
    cached: dict[date, CachedDay],
    *,
    today: date,
    refresh: bool,
    wanted_dimensions: Iterable[str] = (),
) -> list[Window]:
    """The contiguous windows to fetch: days missing, estimated, or in the open month.

    A final day of a closed month is never fetched again unless ``refresh``,
    nor one already cached at the wanted grain.
    """
    open_month = month_start(today)
    wanted = set(wanted_dimensions)
    need: list[date] = []
    for day in window.each_day():
        have = cached.get(day)
        if (
            refresh
            or have is None
            or have.estimated
            or day >= open_month
            or not wanted <= set(have.dimensions)
        ):
            need.append(day)
    return contiguous(need)


def contiguous(days: list[date]) -> list[Window]:
    """Group sorted days into half-open windows of consecutive days."""
    out: list[Window] = []
    for day in sorted(days):
        if out and out[-1].end == day:
            out[-1] = Window(out[-1].start, day + timedelta(days=1))
        else:
            out.append(Window(day, day + timedelta(days=1)))
    return out


def with_retries(
    call: Callable[[], T],
    *,
    retryable: Callable[[Exception], float | None],
    attempts: int = 6,
    base_delay: float = 0.5,
    max_delay: float = 20.0,
    sleep: Callable[[float], None] | None = None,
) -> T:
    """Call ``call``, retrying when ``retryable(exc)`` returns a delay hint.

    ``retryable`` returns None for a final error, 0 for "back off exponentially",
    or the seconds the server asked for. Jitter keeps parallel workers apart.
    """
    for attempt in range(attempts):
        try:
            return call()
        except Exception as exc:
            hint = retryable(exc)
            if hint is None or attempt == attempts - 1:
                raise
            delay = hint or min(max_delay, base_delay * 2**attempt)
            pause = sleep or time.sleep  # looked up late so tests can replace it
            pause(delay + random.uniform(0, delay / 4))  # noqa: S311 - jitter, not crypto
    raise AssertionError("unreachable")


# What a provider's connector can do beyond costs (declared, not probed with hasattr).
COSTS = "costs"
INVENTORY = "inventory"
FORECAST = "forecast"


class ConfiguredSettings(Protocol):
    """What a provider reads of the composed settings (:class:`cloudspy.config.Settings`,
    a layer above): its own ``[name]`` section and the shared ``[inventory]``."""

    @property
    def inventory(self) -> Any:
        """The ``[inventory]`` section (regions to read)."""
        ...

    def section(self, provider: str) -> Any:
        """The ``[provider]`` section, the model ``providers/<name>/settings.py`` owns."""
        ...

    def configured_providers(self) -> list[str]:
        """The providers whose section names at least one scope."""
        ...


class Provider(Protocol):
    """A cloud's connector, as the registry returns it (``ProviderInfo.load()``).

    ``capabilities`` declares which of the optional methods exist: ``inventory``
    (``inventory_sources``), ``forecast`` (``cost_forecast``). Shared code asks the
    registry for "configured providers with capability X" instead of probing.
    """

    name: str
    capabilities: frozenset[str]

    def cost_sources(self, settings: Any) -> list[CostSource]:
        """One cost source per configured scope."""
        ...

    def config_snippet(self, ambient: Any) -> str:
        """The config.toml section that pins what ``ambient`` found (``cloudspy init``)."""
        ...

    def inventory_sources(self, settings: Any) -> list[Any]:
        """With ``inventory``: one inventory source per configured scope."""
        ...

    def cost_forecast(self, settings: Any, window: Any, metric: str) -> list[Any]:
        """With ``forecast``: the provider's own forecast for ``window``."""
        ...
