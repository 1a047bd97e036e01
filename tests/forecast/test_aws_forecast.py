"""AWS GetCostForecast beside CloudSpy's forecast, through a local CE server (moto lacks it).

boto3 parses the responses below, written in the botocore model's shape
(``ce/2017-10-25/service-2.json``: Total + ForecastResultsByTime with string
amounts); STS (the account id) goes to moto.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from werkzeug.wrappers import Response

from cloudspy import api
from cloudspy.config import Settings
from tests.insights.conftest import TODAY, daily

START = TODAY - timedelta(days=100)
SETTINGS = Settings.model_validate({"aws": {"accounts": [{"name": "payer"}]}})
FORECAST = {
    "Total": {"Amount": "3105.5", "Unit": "USD"},
    "ForecastResultsByTime": [
        {
            "TimePeriod": {"Start": "2026-11-25", "End": "2026-12-01"},
            "MeanValue": "605.5",
            "PredictionIntervalLowerBound": "580.25",
            "PredictionIntervalUpperBound": "630.75",
        },
        {
            "TimePeriod": {"Start": "2026-12-01", "End": "2026-12-25"},
            "MeanValue": "2500",
            "PredictionIntervalLowerBound": "2300",
            "PredictionIntervalUpperBound": "2700",
        },
    ],
}
DENIED = {"__type": "AccessDeniedException", "Message": "not allowed to ce:GetCostForecast"}


@pytest.fixture
def ce_server(httpserver, aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COST_EXPLORER", httpserver.url_for("/"))
    return httpserver


def answer(status, body, calls):
    def handler(request):
        calls.append((request.headers.get("X-Amz-Target"), json.loads(request.data)))
        return Response(json.dumps(body), status=status, content_type="application/x-amz-json-1.1")

    return handler


@pytest.fixture
def aws_store(store_factory):
    return store_factory(
        daily(START, TODAY, "EC2", "100")
        + daily(START, TODAY, "VM", "50", currency="EUR", provider="Microsoft"),
        START,
    )


def test_the_aws_forecast_is_shown_beside_ours_and_its_price_recorded(ce_server, aws_store):
    calls: list = []
    ce_server.expect_request("/", method="POST").respond_with_handler(answer(200, FORECAST, calls))
    result = api.forecast(provider_forecasts=True, db=aws_store, settings=SETTINGS, today=TODAY)
    [(target, body)] = calls
    assert target == "AWSInsightsIndexService.GetCostForecast"
    assert body == {
        "TimePeriod": {"Start": "2026-11-25", "End": "2026-12-25"},
        "Metric": "UNBLENDED_COST",
        "Granularity": "MONTHLY",
        "PredictionIntervalLevel": 80,
    }
    [aws] = result.provider_forecasts
    assert aws.scope == "aws:ce:123456789012" and aws.currency == "USD"
    assert (aws.forecast, aws.lower, aws.upper) == (
        Decimal("3105.5"),
        Decimal("2880.25"),
        Decimal("3330.75"),
    )
    assert aws.month_rest == Decimal("605.5")
    ours = next(s for s in result.series if s.name == "AWS")
    assert ours.provider_scope == aws.scope and ours.forecast == Decimal("3000.0000")
    assert aws.period_total == ours.actual_to_date + Decimal("605.5")
    eur = next(s for s in result.series if s.name == "Microsoft")
    assert eur.provider_scope is None
    [run] = [r for r in api.history(db=aws_store) if r.source == "ce-forecast"]
    assert (run.what, run.api_calls, run.api_cost, run.status) == (
        "forecast",
        1,
        Decimal("0.01"),
        "ok",
    )


def test_effective_cost_asks_for_amortized_and_list_cost_is_not_asked(ce_server, aws_store):
    calls: list = []
    ce_server.expect_request("/", method="POST").respond_with_handler(answer(200, FORECAST, calls))
    api.forecast(
        metric="effective", provider_forecasts=True, db=aws_store, settings=SETTINGS, today=TODAY
    )
    assert calls[0][1]["Metric"] == "AMORTIZED_COST"
    listed = api.forecast(
        metric="list", provider_forecasts=True, db=aws_store, settings=SETTINGS, today=TODAY
    )
    assert len(calls) == 1 and listed.provider_forecasts == []
    assert any("no forecast of the list metric" in w for w in listed.warnings)


def test_a_failing_aws_forecast_is_a_warning_and_ours_stands(ce_server, aws_store):
    calls: list = []
    ce_server.expect_request("/", method="POST").respond_with_handler(answer(400, DENIED, calls))
    result = api.forecast(provider_forecasts=True, db=aws_store, settings=SETTINGS, today=TODAY)
    assert result.provider_forecasts == []
    assert any("AWS's own forecast is not shown" in w for w in result.warnings)
    assert {s.name for s in result.series} >= {"AWS", "total"}


def test_cli_shows_it_beside_ours_and_offline_asks_nothing(
    cli, ce_server, aws_store, tmp_path, frozen_today
):
    config = tmp_path / "config.toml"
    config.write_text('[[aws.accounts]]\nname = "payer"\n')
    calls: list = []

    def handler(request):
        target = request.headers.get("X-Amz-Target", "")
        calls.append(target)
        if target.endswith("GetCostForecast"):
            return Response(json.dumps(FORECAST), content_type="application/x-amz-json-1.1")
        # The refresh before the forecast is refused: a warning, the cache answers.
        return Response(json.dumps(DENIED), status=400, content_type="application/x-amz-json-1.1")

    ce_server.expect_request("/", method="POST").respond_with_handler(handler)
    out = cli("--db", aws_store, "--config", config, "forecast")
    assert out.exit_code == 0, out.stderr
    assert "Provider's own forecast" in out.stdout and "$3,105.50" in out.stdout
    assert "aws:ce:123456789012" in out.stdout
    asked = len(calls)
    offline = cli("--db", aws_store, "--config", config, "forecast", "--offline")
    assert offline.exit_code == 0 and "Provider's own forecast" not in offline.stdout
    assert len(calls) == asked
