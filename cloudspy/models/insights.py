"""Results of compare, forecast, check and alert: the documented JSON of those commands.

Money is :class:`~decimal.Decimal` beside its currency; amounts of different
currencies are never added, so every total is per currency.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, computed_field, model_serializer

from cloudspy.models.costs import WindowModel
from cloudspy.models.exact import Exact


class CompareRow(BaseModel):
    """One group in one currency: this period against the previous one."""

    group: dict[str, str]
    labels: dict[str, str] = Field(default_factory=dict)
    currency: str
    current: Exact
    previous: Exact
    change: Exact
    change_pct: Exact | None = None
    status: Literal["new", "vanished", "changed", "unchanged"]


class CompareTotal(BaseModel):
    """The total of one currency in both periods."""

    currency: str
    current: Exact
    previous: Exact
    change: Exact
    change_pct: Exact | None = None
    unallocated: Exact | None = None
    unallocated_pct: Exact | None = None


class CompareResult(BaseModel):
    """The answer of :func:`cloudspy.compare`."""

    period: str
    label: str
    current: WindowModel
    previous: WindowModel
    partial: bool = False
    partial_note: str | None = None
    metric: str
    group_by: list[str]
    totals: list[CompareTotal]
    rows: list[CompareRow]
    movers_up: list[CompareRow] = Field(default_factory=list)
    movers_down: list[CompareRow] = Field(default_factory=list)
    new_groups: list[CompareRow] = Field(default_factory=list)
    vanished_groups: list[CompareRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)


class ForecastPoint(BaseModel):
    """One forecast day: the expected cost and its 80 % interval."""

    day: date
    mean: Exact
    lower: Exact
    upper: Exact


class ForecastSeries(BaseModel):
    """Our forecast of one group (or ``"total"``) in one currency.

    ``forecast``/``lower``/``upper`` cover the horizon; ``period_*`` is the
    month-end projection: ``actual_to_date`` plus the forecast rest of the month.
    """

    name: str
    currency: str
    actual_to_date: Exact = Decimal(0)
    forecast: Exact
    lower: Exact
    upper: Exact
    period_total: Exact
    period_lower: Exact
    period_upper: Exact
    group: dict[str, str] = Field(default_factory=dict)
    labels: dict[str, str] = Field(default_factory=dict)
    is_total: bool = False
    history: WindowModel | None = None
    mape: Exact | None = None
    backtest_origins: int = 0
    backtest_days: int = 0
    points: list[ForecastPoint] = Field(default_factory=list)
    provider_scope: str | None = None


class ProviderForecast(BaseModel):
    """A forecast published by the provider itself (AWS GetCostForecast), shown beside ours."""

    provider: str
    scope: str
    currency: str
    forecast: Exact
    lower: Exact | None = None
    upper: Exact | None = None
    interval_pct: int | None = None
    error: str | None = None
    window: WindowModel | None = None
    month_rest: Exact | None = None
    month_rest_lower: Exact | None = None
    month_rest_upper: Exact | None = None
    period_total: Exact | None = None
    source: str = ""
    api_calls: int = 0
    api_cost: Exact | None = None
    api_cost_currency: str | None = None


class ForecastResult(BaseModel):
    """The answer of :func:`cloudspy.forecast`."""

    horizon: WindowModel
    history: WindowModel
    to_date: WindowModel | None = None
    metric: str
    method: str
    interval_pct: int
    series: list[ForecastSeries]
    provider_forecasts: list[ProviderForecast] = Field(default_factory=list)
    horizon_label: str = ""
    month: WindowModel | None = None
    group_by: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @model_serializer(mode="wrap")
    def _documented(self, handler: Any, info: Any) -> Any:
        """JSON in the documented forecast schema (one contract with the CLI, #13)."""
        if info.mode == "json":
            from cloudspy.models.forecast_document import forecast_document

            return forecast_document(self)
        return handler(self)


class CheckItem(BaseModel):
    """One limit evaluated for one group (or the total) in one currency."""

    limit: str
    kind: Literal["budget", "budget-forecast", "increase"]
    group: dict[str, str] = Field(default_factory=dict)
    currency: str
    actual: Exact
    threshold: str
    limit_amount: Exact | None = None
    baseline: Exact | None = None
    change: Exact | None = None
    change_pct: Exact | None = None
    breached: bool
    message: str


class CheckResult(BaseModel):
    """The answer of :func:`cloudspy.check`; ``breached`` decides exit code 1."""

    period: str
    window: WindowModel
    baseline_window: WindowModel | None = None
    metric: str
    newest_day: date | None = None
    items: list[CheckItem]
    warnings: list[str] = Field(default_factory=list)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def breached(self) -> bool:
        """Whether any limit is breached (in the JSON too, as the CLI always wrote it)."""
        return any(item.breached for item in self.items)


class Alert(BaseModel):
    """A cost spike or a newly appeared group, identified by a stable de-duplication key."""

    key: str
    kind: Literal["spike", "new"]
    dimension: str
    group: str
    day: date
    currency: str
    amount: Exact
    baseline: Exact | None = None
    message: str


class ChannelOutcome(BaseModel):
    """What one channel did with the pending alerts."""

    channel: str
    sent: int = 0
    ok: bool = True
    error: str | None = None


class AlertRun(BaseModel):
    """The answer of :func:`cloudspy.alert`."""

    dry_run: bool
    detected: list[Alert]
    new: int = 0
    pending: list[Alert] = Field(default_factory=list)
    channels: list[ChannelOutcome] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def failed(self) -> bool:
        """Whether any channel failed to deliver."""
        return any(not c.ok for c in self.channels)
