"""Results of ``cloudspy waste``, ``schedule`` and ``permissions`` (pydantic v2, no cloud SDK)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cloudspy.models.exact import Exact
from cloudspy.models.inventory import Snapshot


class MoneyTotal(BaseModel):
    """A monthly amount in one currency (currencies are never added together).

    ``findings`` is written ``count`` in JSON, the name the CLI documented first:
    the library's JSON and the CLI's are one contract (#13).
    """

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    currency: str
    monthly_savings: Exact
    findings: int = Field(serialization_alias="count", validation_alias="count")
    # True when a finding it adds up is an upper bound: the total is one too.
    upper_bound: bool = False


class WasteFinding(BaseModel):
    """One wasteful resource: the rule, the reason, the evidence and the priced saving."""

    rule: str
    title: str
    severity: str
    provider: str
    account: str
    region: str
    kind: str
    resource_id: str
    name: str | None = None
    reason: str
    evidence: dict[str, Any]
    monthly_savings: Exact | None = None
    currency: str | None = None
    price_basis: str
    # "actual" (billed cost in the cache), "list" (a list price), "actual+list", or
    # None when unpriced: what a dashboard filters on without parsing price_basis (#14).
    price_source: str | None = None
    # True when monthly_savings is at most what is billed: a list price of a size that
    # bounds the bill from above (a snapshot sized by its disk), the basis says which.
    upper_bound: bool = False


class WasteReport(BaseModel):
    """The answer of :func:`cloudspy.waste`: findings by monthly saving, totals per currency."""

    snapshot: Snapshot
    rules: list[str]
    totals: list[MoneyTotal]
    findings: list[WasteFinding]
    warnings: list[str] = Field(default_factory=list)


class ScheduleSuggestion(BaseModel):
    """An off-hours schedule for one VM, found in its hourly utilization."""

    provider: str
    account: str
    region: str
    resource_id: str
    name: str | None = None
    timezone: str
    pattern: str  # weeknights-and-weekends | every-night
    off_hour: int
    on_hour: int
    hours_off_per_week: int
    hours_saved_per_month: Exact
    monthly_savings: Exact | None = None
    currency: str | None = None
    price_basis: str
    custodian_offhours: str
    weeks_observed: int
    idle_cpu_percent: float


class ScheduleReport(BaseModel):
    """The answer of :func:`cloudspy.schedule`."""

    snapshot: Snapshot
    timezone: str
    vms_analyzed: int
    suggestions: list[ScheduleSuggestion]
    totals: list[MoneyTotal]
    warnings: list[str] = Field(default_factory=list)


class PermissionsDocument(BaseModel):
    """The least-privilege, read-only permissions CloudSpy's code declares for a provider."""

    provider: str
    format: str  # iam-policy | permission-list
    permissions: list[str]
    reasons: dict[str, str]
    document: Any
