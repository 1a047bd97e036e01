"""The providers' own forecasts (where a provider publishes one), shown beside CloudSpy's.

A provider offers one by a ``cost_forecast(settings, window, metric)`` static
method on its registry entry point, returning
:class:`~cloudspy.models.insights.ProviderForecast` items. A failure is a
warning, never the command's failure; every billed request is recorded in
``sync_run`` so ``cloudspy history`` shows what it cost.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cloudspy.config import Settings
from cloudspy.errors import CloudSpyError, UsageError
from cloudspy.models.insights import ForecastResult, ProviderForecast
from cloudspy.periods import Window
from cloudspy.providers.base import FORECAST
from cloudspy.providers.registry import configured_with, provider_info


def fetch_provider_forecasts(
    settings: Settings, providers: list[str], window: Window, metric: str
) -> tuple[list[ProviderForecast], list[str]]:
    """Every configured provider's own forecast for ``window``, and warnings for failures.

    ``providers`` (CLI names) limits which are asked; empty asks all configured.
    """
    wanted = {provider_info(p).name for p in providers}
    found: list[ProviderForecast] = []
    warnings: list[str] = []
    for info, provider in configured_with(FORECAST, settings, wanted):
        try:
            found.extend(provider.cost_forecast(settings, window, metric))
        except CloudSpyError as exc:
            warnings.append(f"{info.title}'s own forecast is not shown: {exc.one_line()}")
    return found, warnings


def _cli_name(provider_name: str) -> str | None:
    try:
        return provider_info(provider_name).name
    except UsageError:  # a provider CloudSpy has no entry for (imported FOCUS files)
        return None


def attach(result: ForecastResult, forecasts: list[ProviderForecast]) -> ForecastResult:
    """Put the provider forecasts beside the matching series.

    A series matches when it is one provider's whole spend (grouped by provider
    only) in the forecast's currency, and that provider published exactly one
    forecast (several scopes may overlap, e.g. a payer and its member account).
    """
    series = []
    for s in result.series:
        match = None
        if list(s.group) == ["provider"]:
            name = _cli_name(s.group["provider"])
            mine = [f for f in forecasts if f.provider == name and f.currency == s.currency]
            match = mine[0] if len(mine) == 1 else None
        if match is not None:
            s = s.model_copy(update={"provider_scope": match.scope})
            if match.month_rest is not None:
                forecasts = [
                    f.model_copy(update={"period_total": s.actual_to_date + match.month_rest})
                    if f is match
                    else f
                    for f in forecasts
                ]
        series.append(s)
    return result.model_copy(update={"series": series, "provider_forecasts": forecasts})


def record_calls(
    db: Path, forecasts: list[ProviderForecast], today: date, lock_timeout: float
) -> list[str]:
    """A ``sync_run`` row per forecast request (what it cost); warnings when it cannot."""
    from cloudspy.store.connection import connect
    from cloudspy.store.sync_log import Run

    billed = [f for f in forecasts if f.api_calls]
    if not billed:
        return []
    try:
        with connect(db, read_only=False, timeout=lock_timeout) as conn:
            for f in billed:
                window = (f.window.start, f.window.end) if f.window else (today, today)
                run = Run(
                    db,
                    provider=f.provider,
                    source=f.source,
                    scope=f.scope,
                    what="forecast",
                    window=window,
                    lock_timeout=lock_timeout,
                ).start(conn)
                run.finish(
                    conn,
                    status="ok",
                    api_calls=f.api_calls,
                    api_cost=f.api_cost,
                    api_cost_currency=f.api_cost_currency,
                    quota={f"{f.source}_requests": f.api_calls},
                )
    except CloudSpyError as exc:
        return [f"the provider forecast's API calls were not recorded: {exc.one_line()}"]
    return []
