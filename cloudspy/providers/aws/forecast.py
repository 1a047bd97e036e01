"""AWS Cost Explorer ``GetCostForecast``: AWS's own forecast, shown beside CloudSpy's.

One ``MONTHLY`` request per configured account and run: Cost Explorer splits
the window at calendar months, so the first result is AWS's forecast of the
rest of this month and the ``Total`` is the whole horizon. The 80 % bounds of
the (at most two, for a horizon up to a month) results are added up, which
makes the horizon's interval a little wider than an 80 % interval of the sum.
Like every Cost Explorer request it costs $0.01; the caller records it in
``sync_run``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from cloudspy.errors import ProviderError
from cloudspy.models.costs import WindowModel
from cloudspy.models.insights import ProviderForecast
from cloudspy.periods import Window, add_months, month_start
from cloudspy.providers.aws.costs import PRICE_PER_REQUEST
from cloudspy.providers.aws.session import call_aws, client_config, final_error, retry_hint
from cloudspy.providers.base import with_retries

INTERVAL_PCT = 80
SOURCE = "ce-forecast"
# CloudSpy metric → Cost Explorer forecast metric; ListCost has no AWS forecast.
FORECAST_METRICS = {"billed": "UNBLENDED_COST", "effective": "AMORTIZED_COST"}


def request_forecast(client: Any, window: Window, metric: str, *, sleep: Any = None) -> dict:
    """One ``GetCostForecast`` call (throttling retried with backoff)."""
    if metric not in FORECAST_METRICS:
        raise ProviderError(
            f"Cost Explorer has no forecast of the {metric} metric",
            hint="use --metric billed or effective",
        )
    params = {
        "TimePeriod": {"Start": window.start.isoformat(), "End": window.end.isoformat()},
        "Metric": FORECAST_METRICS[metric],
        "Granularity": "MONTHLY",
        "PredictionIntervalLevel": INTERVAL_PCT,
    }

    def once() -> dict:
        return call_aws(lambda: client.get_cost_forecast(**params), what="read the AWS forecast")

    kwargs = {"sleep": sleep} if sleep else {}
    try:
        return with_retries(once, retryable=retry_hint, **kwargs)
    except Exception as exc:
        raise final_error(exc, "read the AWS forecast") from None


def _amount(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def parse_forecast(response: dict, window: Window, scope: str) -> ProviderForecast:
    """A :class:`ProviderForecast` from a ``GetCostForecast`` response."""
    total = response.get("Total") or {}
    results = response.get("ForecastResultsByTime") or []
    means = [_amount(r.get("MeanValue")) for r in results]
    lows = [_amount(r.get("PredictionIntervalLowerBound")) for r in results]
    highs = [_amount(r.get("PredictionIntervalUpperBound")) for r in results]
    amount = _amount(total.get("Amount"))
    if amount is None:
        if not results or None in means:
            raise ProviderError("Cost Explorer returned a forecast without an amount")
        amount = sum(means, Decimal(0))  # type: ignore[arg-type]
    month_end = add_months(month_start(window.start), 1)
    first = results[0] if results else {}
    first_end = (first.get("TimePeriod") or {}).get("End")
    rest = rest_low = rest_high = None
    if first_end and date.fromisoformat(first_end) == month_end:
        rest, rest_low, rest_high = means[0], lows[0], highs[0]
    return ProviderForecast(
        provider="aws",
        scope=scope,
        source=SOURCE,
        currency=total.get("Unit") or "USD",
        forecast=amount,
        lower=None if None in lows or not lows else sum(lows, Decimal(0)),  # type: ignore[arg-type]
        upper=None if None in highs or not highs else sum(highs, Decimal(0)),  # type: ignore[arg-type]
        interval_pct=INTERVAL_PCT,
        window=WindowModel(start=window.start, end=window.end),
        month_rest=rest,
        month_rest_lower=rest_low,
        month_rest_upper=rest_high,
        api_calls=1,
        api_cost=PRICE_PER_REQUEST,
        api_cost_currency="USD",
    )


def account_forecast(source: Any, window: Window, metric: str) -> ProviderForecast:
    """AWS's forecast for one configured account (a ``CostExplorerSource``)."""
    scope = source.scope()
    client = source.session().client("ce", region_name="us-east-1", config=client_config())
    return parse_forecast(request_forecast(client, window, metric), window, scope)
