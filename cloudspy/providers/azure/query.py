"""The Cost Management Query API: requests, ``nextLink`` paging, throttling, exact parsing.

The SDK's ``query.usage`` sends the first request through the client's
pipeline (authentication included); it does not follow ``nextLink``, so later
pages are POSTed again, with the same body, through the same pipeline. Bodies
are read raw and parsed with ``parse_float=Decimal``: the SDK's model would
turn every cost into a float first.

Query units (QPU) are a per-tenant budget. A :class:`QueryGate` shared by all
sources of one configuration bounds how many queries run at once and, after
a 429, holds every worker back for as long as the server asked.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from cloudspy.errors import ProviderError
from cloudspy.providers.azure.session import call_azure, error_code
from cloudspy.providers.base import with_retries

RETRY_AFTER_HEADERS = (
    "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-entity-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-tenant-retry-after",
    "x-ms-ratelimit-microsoft.costmanagement-clienttype-retry-after",
    "retry-after",
)
QPU_CONSUMED = "x-ms-ratelimit-microsoft.costmanagement-qpu-consumed"
QPU_REMAINING = "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining"
MAX_WAIT_SECONDS = 300.0
COST_COLUMNS = ("PreTaxCost", "Cost", "CostUSD", "PreTaxCostUSD")
CURRENCY_COLUMNS = ("Currency", "BillingCurrency", "BillingCurrencyCode")
# The Query API names some grouping columns differently from the grouping.
COLUMN_ALIASES = {"ResourceGroupName": ("ResourceGroupName", "ResourceGroup")}


class QueryGate:
    """Tenant-wide bound on concurrent queries, and a shared pause after throttling."""

    def __init__(
        self,
        limit: int,
        *,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self._resume_at = 0.0
        self._sleep = sleep
        self._clock = clock

    def pause(self, seconds: float) -> None:
        """Hold back every new query for ``seconds`` (the server's retry-after)."""
        with self._lock:
            self._resume_at = max(self._resume_at, self._clock() + seconds)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait out any pause, then hold one of the concurrent-query slots."""
        with self._lock:
            delay = self._resume_at - self._clock()
        if delay > 0:
            (self._sleep or time.sleep)(delay)
        with self._slots:
            yield


@dataclass
class QueryRow:
    """One parsed result row: a day, the grouping values, the currency and the amount."""

    day: date
    groups: tuple[str | None, ...]
    currency: str
    cost: Decimal


def retry_after(headers: Any) -> float | None:
    """Seconds the server asked to wait (the QPU header first), or None."""
    for name in RETRY_AFTER_HEADERS:
        value = headers.get(name) if headers is not None else None
        if value:
            try:
                return min(MAX_WAIT_SECONDS, max(0.0, float(value)))
            except ValueError:
                continue
    return None


@dataclass
class QueryReader:
    """Runs queries on one scope, following ``nextLink``, counting calls and QPU."""

    client: Any
    scope: str
    gate: QueryGate
    sleep: Callable[[float], None] | None = None
    attempts: int = 5
    calls: int = 0
    throttled: int = 0
    qpu_consumed: Decimal = Decimal(0)
    qpu_remaining: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def pages(self, definition: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every page (``properties`` of the body) of one query; a 204 is one empty page."""
        response = self._send(lambda: self._first(definition))
        origin = str(response.request.url)  # the ARM endpoint the first query went to
        while True:
            page = parse_body(response, self.scope)
            yield page
            next_link = page.get("nextLink")
            if not next_link:
                return
            self._check_link(next_link, origin)
            response = self._send(lambda link=next_link: self._next(link, definition))

    def _first(self, definition: dict[str, Any]) -> Any:
        pipeline_response = self.client.query.usage(
            self.scope.lstrip("/"),
            definition,
            stream=True,  # keep the raw body: the SDK's model would make costs floats
            cls=lambda response, _deserialized, _headers: response.http_response,
        )
        pipeline_response.read()
        return pipeline_response

    def _next(self, link: str, definition: dict[str, Any]) -> Any:
        from azure.core.exceptions import (
            ClientAuthenticationError,
            ResourceNotFoundError,
            map_error,
        )
        from azure.core.rest import HttpRequest

        request = HttpRequest("POST", link, json=definition)
        response = self.client.send_request(request)  # the client's public call: same auth
        if response.status_code not in (200, 204):
            map_error(
                status_code=response.status_code,
                response=response,
                error_map={401: ClientAuthenticationError, 404: ResourceNotFoundError},
            )
            response.raise_for_status()
        return response

    def _check_link(self, link: str, origin: str) -> None:
        # The token goes wherever nextLink points: only ever to the ARM endpoint in use.
        base = urlsplit(origin)
        target = urlsplit(link)
        if (target.scheme, target.netloc) != (base.scheme, base.netloc):
            raise ProviderError(
                f"Azure Cost Management sent a nextLink to another host ({target.netloc}) "
                f"for {self.scope}; refusing to follow it"
            )

    def _send(self, request: Callable[[], Any]) -> Any:
        from azure.core.exceptions import HttpResponseError

        def once() -> Any:
            with self.gate.slot():
                with self._lock:
                    self.calls += 1
                try:
                    response = request()
                except HttpResponseError as exc:
                    self._note(getattr(exc.response, "headers", None))
                    raise
            self._note(response.headers)
            return response

        try:
            return call_azure(
                lambda: with_retries(
                    once, retryable=self._hint, attempts=self.attempts, sleep=self.sleep
                ),
                what=f"read costs of {self.scope}",
            )
        except HttpResponseError as exc:
            status = exc.status_code
            if status == 429:
                raise ProviderError(
                    f"Azure Cost Management kept throttling queries for {self.scope} "
                    f"(HTTP 429 after {self.attempts} tries)",
                    hint="the tenant's query-unit budget is spent; try again later or "
                    "lower azure.max_parallel_queries",
                ) from None
            raise ProviderError(
                f"Azure Cost Management failed for {self.scope}: {error_code(exc)}"
                + (f" (after {self.attempts} tries)" if status and status >= 500 else "")
            ) from None

    def _hint(self, exc: Exception) -> float | None:
        from azure.core.exceptions import (
            HttpResponseError,
            ServiceRequestError,
            ServiceResponseError,
        )

        if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
            return 0
        if not isinstance(exc, HttpResponseError):
            return None
        status = exc.status_code or 0
        if status == 429:
            with self._lock:
                self.throttled += 1
            wait = retry_after(getattr(exc.response, "headers", None))
            if wait:
                self.gate.pause(wait)
            return wait or 0
        return 0 if status >= 500 else None

    def _note(self, headers: Any) -> None:
        if headers is None:
            return
        consumed = headers.get(QPU_CONSUMED)
        remaining = headers.get(QPU_REMAINING)
        with self._lock:
            if consumed:
                with suppress(InvalidOperation):
                    self.qpu_consumed += Decimal(consumed)
            if remaining:
                self.qpu_remaining = remaining


def parse_body(response: Any, scope: str) -> dict[str, Any]:
    """The ``properties`` of a query response, numbers as Decimal; 204 is empty."""
    if response.status_code == 204 or not response.content:
        return {"columns": [], "rows": [], "nextLink": None}
    try:
        body = json.loads(response.text(), parse_float=Decimal)
        properties = body["properties"]
        columns = properties.get("columns") or []
        rows = properties.get("rows") or []
        if not isinstance(columns, list) or not isinstance(rows, list):
            raise TypeError("columns and rows must be lists")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ProviderError(
            f"Azure Cost Management sent a malformed response for {scope}: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    return {"columns": columns, "rows": rows, "nextLink": properties.get("nextLink")}


def _find(names: list[str], wanted: tuple[str, ...]) -> int | None:
    lowered = [n.lower() for n in names]
    for name in wanted:
        if name.lower() in lowered:
            return lowered.index(name.lower())
    return None


def _usage_day(value: Any) -> date:
    text = str(value)
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return datetime.fromisoformat(text.replace("Z", "+00:00")).date()


def parse_rows(
    page: dict[str, Any],
    *,
    cost_column: str,
    groupings: tuple[str, ...],
    scope: str,
    only_day: date | None = None,
) -> list[QueryRow]:
    """Map positional rows through ``columns`` (whose order is not guaranteed).

    A response without ``UsageDate`` is accepted only for a one-day query
    (``only_day``): its rows can then belong to no other day.
    """
    if not page["rows"]:
        return []
    names = [str(c.get("name", "")) for c in page["columns"]]

    def malformed(why: str) -> ProviderError:
        return ProviderError(f"Azure Cost Management sent a malformed response for {scope}: {why}")

    cost_at = _find(names, (cost_column, *COST_COLUMNS))
    currency_at = _find(names, CURRENCY_COLUMNS)
    day_at = _find(names, ("UsageDate",))
    group_at = [_find(names, COLUMN_ALIASES.get(g, (g,))) for g in groupings]
    if cost_at is None or currency_at is None:
        raise malformed(f"no cost or currency column in {names}")
    if day_at is None and only_day is None:
        raise malformed(f"no UsageDate column in {names}")
    if None in group_at:
        raise malformed(f"grouping columns {list(groupings)} missing from {names}")
    out: list[QueryRow] = []
    for row in page["rows"]:
        try:
            cost = row[cost_at]
            if isinstance(cost, bool) or not isinstance(cost, (int, Decimal)):
                raise TypeError(f"cost {cost!r} is not a number")
            out.append(
                QueryRow(
                    day=_usage_day(row[day_at]) if day_at is not None else only_day,  # type: ignore[arg-type]
                    groups=tuple(
                        (str(row[i]) or None) if row[i] is not None else None for i in group_at
                    ),  # type: ignore[index]
                    currency=str(row[currency_at]),
                    cost=Decimal(cost),
                )
            )
        except (IndexError, TypeError, ValueError) as exc:
            raise malformed(f"row {row!r}: {exc}") from None
    return out
