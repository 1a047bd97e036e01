"""Cost Explorer throttling: retried with backoff, counted, and final after the limit.

CE answers through a local HTTP server (boto3 parses its real JSON protocol);
STS still goes to moto.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from werkzeug.wrappers import Response

from cloudspy import api
from cloudspy.errors import ProviderError
from cloudspy.providers.aws.provider import CostExplorerSource
from cloudspy.providers.aws.settings import AwsAccount
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result

THROTTLED = {
    "__type": "com.amazon.coral.availability#ThrottlingException",
    "message": "Rate exceeded",
}


@pytest.fixture
def ce_server(httpserver, aws_env, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COST_EXPLORER", httpserver.url_for("/"))
    return httpserver


@pytest.fixture
def sleeps(monkeypatch):
    """Record backoff sleeps instead of waiting."""
    waited: list[float] = []
    monkeypatch.setattr("cloudspy.providers.base.time.sleep", waited.append)
    return waited


def answer_in_turn(responses):
    """A handler that plays the given (status, body) pairs in order, then repeats the last."""
    calls = []

    def handler(request):
        calls.append(json.loads(request.data))
        status, body = responses[min(len(calls) - 1, len(responses) - 1)]
        return Response(json.dumps(body), status=status, content_type="application/x-amz-json-1.1")

    handler.calls = calls
    return handler


def test_throttling_is_retried_with_backoff_and_the_run_completes(ce_server, sleeps, db):
    day = date(2026, 9, 1)
    handler = answer_in_turn(
        [
            (400, THROTTLED),
            (400, THROTTLED),
            (200, accounts_page([day], {"123456789012": "payer"})),
            (200, breakdown_page([day_result(day, [(["AWS Lambda", "us-east-1"], "2", "2")])])),
        ]
    )
    ce_server.expect_request("/", method="POST").respond_with_handler(handler)
    [result] = api.sync(
        since="2026-09-01",
        until="2026-09-02",
        sources=[CostExplorerSource(AwsAccount())],
        db=db,
        today=date(2026, 11, 25),
    )
    assert result.status == "ok"
    assert len(handler.calls) == 4
    assert len(sleeps) == 2 and sleeps[1] > sleeps[0]  # exponential backoff
    assert result.api_calls == 2  # only answered requests are billed
    [run] = api.history(db=db)
    assert run.quota_used == {"ce_requests": 2, "throttled": 2}


def test_endless_throttling_fails_the_run_and_records_it(ce_server, sleeps, db):
    ce_server.expect_request("/", method="POST").respond_with_handler(
        answer_in_turn([(400, THROTTLED)])
    )
    with pytest.raises(ProviderError, match="ThrottlingException"):
        api.sync(
            since="2026-09-01",
            until="2026-09-02",
            sources=[CostExplorerSource(AwsAccount())],
            db=db,
            today=date(2026, 11, 25),
        )
    [run] = api.history(db=db)
    assert run.status == "failed"
    assert "ThrottlingException" in run.error
