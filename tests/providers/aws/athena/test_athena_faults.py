"""Transient AWS errors are retried as botocore's standard mode classifies them (#13 item 15).

CloudSpy switches botocore's own retries off to count and price every call, so
it must classify as botocore would: a plain HTTP 503 (no error body), a 500, a
throttling code and a connection reset are retried; a client error is not. A
reset used to crash with `AttributeError: 'NoneType' object has no attribute 'get'`.
"""

from __future__ import annotations

from datetime import date

import pytest

from cloudspy import api
from cloudspy.errors import ProviderError
from cloudspy.providers.aws.athena import AthenaSource
from cloudspy.providers.aws.settings import AwsAthenaTable
from tests.providers.aws.athena.athena_server import Fault
from tests.providers.aws.athena.conftest import queue_athena_result

TABLE = AwsAthenaTable(database="cur_db", table="cur2", output_location="s3://r/")
NAMES = ["day", "payer", "account", "account_name", "service", "region", "category",
         "currency", "billed", "effective", "list"]  # fmt: skip
ROW = ["2025-09-01", "111111111111", "2", None, "EC2", "us-east-1", "Usage", "USD", "1", "1", "1"]


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)


def _sync(db):
    return api.sync(
        since="2025-09-01", until="2025-09-02", sources=[AthenaSource(TABLE)], db=db,
        today=date(2025, 10, 15),
    )  # fmt: skip


@pytest.mark.parametrize(
    "fault",
    [
        Fault(503, error_type=None, message=""),  # a bare 503, as a load balancer sends it
        Fault(500, "InternalServerException"),
        Fault(400, "TooManyRequestsException", "Rate exceeded"),
        Fault(0, drop=True),  # the connection closes without an answer
    ],
    ids=["plain-503", "500", "throttled", "connection-reset"],
)
def test_a_transient_failure_is_retried_and_the_sync_succeeds(aws, db, fault):
    queue_athena_result(aws, NAMES, [ROW])
    aws.fail_next(fault, fault)
    [result] = _sync(db)
    assert result.status == "ok" and result.rows == 1
    # The two failed attempts were made and counted beside the successful calls.
    assert result.api_calls >= 5


def test_a_client_error_is_not_retried(aws, db):
    aws.fail_next(Fault(400, "InvalidRequestException", "no such workgroup"))
    with pytest.raises(ProviderError, match="InvalidRequestException: no such workgroup"):
        _sync(db)
    assert len(aws.requests) == 1


def test_a_failure_that_persists_is_one_clear_error_not_a_crash(aws, db):
    aws.fail_next(*[Fault(0, drop=True)] * 6)
    with pytest.raises(ProviderError, match="cannot reach AWS to query Athena"):
        _sync(db)
    assert len(aws.requests) == 6  # retried, within a bound
