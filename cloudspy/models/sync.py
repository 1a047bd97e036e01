"""Results of syncs and imports, and the sync history."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from cloudspy.models.exact import Exact


class SyncResult(BaseModel):
    """What one sync of one scope did."""

    run_id: str
    provider: str
    source: str
    scope: str
    status: str
    window_start: date | None = None
    window_end: date | None = None
    days_fetched: int = 0
    rows: int = 0
    api_calls: int = 0
    api_cost: Exact | None = None
    api_cost_currency: str | None = None
    error: str | None = None


class ImportResult(BaseModel):
    """What one imported file added to the cache."""

    path: str
    format: str
    rows: int
    replaced_rows: int
    providers: list[str]
    currencies: list[str]
    first_day: date | None
    last_day: date | None
    warnings: list[str] = Field(default_factory=list)


class SyncRun(BaseModel):
    """A row of ``cloudspy history``."""

    id: str
    provider: str
    source: str
    scope: str
    what: str
    window_start: date | None
    window_end: date | None
    started_at: datetime
    finished_at: datetime | None
    status: str
    rows_written: int | None
    api_calls: int | None
    api_cost: Exact | None
    api_cost_currency: str | None
    quota_used: dict[str, Any] | None
    error: str | None


class InitResult(BaseModel):
    """What ``cloudspy init`` found and wrote (or would write, with ``dry_run``)."""

    path: str
    text: str
    written: bool
    providers: list[str] = Field(default_factory=list)  # the providers with credentials
