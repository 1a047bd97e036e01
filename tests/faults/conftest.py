"""Fault rigs: throttling storms, silent servers, denials, expiry and broken bodies.

Every provider is driven through its real SDK client against servers on
127.0.0.1 that this package controls: pytest-httpserver handlers that answer
a scripted sequence (:class:`Script`), a *black hole* socket that accepts
connections and never answers (timeouts), and a fake AWS STS + Cost Explorer
endpoint whose role credentials expire on demand. Backoff sleeps are recorded,
not slept, and ``CLOUDSPY_HTTP_TIMEOUT`` keeps timeouts short.
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from werkzeug import Request, Response

from cloudspy.periods import month_start, utc_today
from tests.providers.gcp.conftest import httpserver_listen_address  # noqa: F401 (IPv4 loopback fixture)

HTTP_TIMEOUT = "0.3"
CE_TARGET = "AWSInsightsIndexService.GetCostAndUsage"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/cloudspy-read"


def closed_days(count: int = 2) -> tuple[date, date]:
    """``[start, end)`` of ``count`` days in a month already closed (final, not re-fetched)."""
    start = month_start(month_start(utc_today()) - timedelta(days=1)) - timedelta(days=20)
    return start, start + timedelta(days=count)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every backoff the retry code asks for, recorded instead of slept.

    ``cloudspy.providers.base.time`` is the ``time`` module, so the Azure QPU
    gate and GCP's ``pause`` (both ``time.sleep``) are recorded here too.
    """
    asked: list[float] = []
    monkeypatch.setattr("cloudspy.providers.base.time.sleep", asked.append)
    return asked


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    """Cloud API requests time out after a fraction of a second."""
    monkeypatch.setenv("CLOUDSPY_HTTP_TIMEOUT", HTTP_TIMEOUT)
    return float(HTTP_TIMEOUT)


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A TCP port that completes connections (kernel backlog) and never answers a byte."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


Answer = Callable[[Request], Response]


@dataclass
class Script:
    """Answers requests in turn from a list; the last answer repeats. Counts what it served."""

    answers: list[Answer] = field(default_factory=list)
    served: list[Request] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, request: Request) -> Response:
        with self.lock:
            index = min(len(self.served), len(self.answers) - 1)
            self.served.append(request)
        return self.answers[index](request)


def body(
    payload: Any,
    status: int = 200,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> Answer:
    """An answer: a dict/list sent as JSON, a str sent verbatim."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return lambda _request: Response(
        text, status=status, headers=headers or {}, content_type=content_type
    )


# The broken bodies every provider must survive, as (name, body, content type).
HTML_ERROR_PAGE = "<html><head><title>502 Bad Gateway</title></head><body>proxy</body></html>"
BROKEN_BODIES = {
    "truncated-json": ('{"rows": [[1.5, "USD"', "application/json"),
    "html-error-page-with-200": (HTML_ERROR_PAGE, "text/html"),
    "wrong-content-type": ("rows=1&cost=2", "application/x-www-form-urlencoded"),
}


# --- AWS: one loopback endpoint plays STS (query/XML) and Cost Explorer (JSON) --------------


def _sts_xml(action: str, inner: str) -> str:
    return (
        f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<{action}Result>{inner}</{action}Result>"
        f"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{action}Response>"
    )


@dataclass
class FakeAws:
    """STS AssumeRole / GetCallerIdentity and a scripted Cost Explorer.

    ``expirations`` are the ``Expiration`` of successive AssumeRole answers (the
    last repeats); each answer carries a new access key ``ASIAFAKE<n>``.
    ``ce`` answers GetCostAndUsage; ``ce_keys`` records the key that signed each request.
    """

    ce: Script = field(default_factory=Script)
    expirations: list[datetime] = field(
        default_factory=lambda: [datetime.now(UTC) + timedelta(hours=1)]
    )
    assume_calls: int = 0
    ce_keys: list[str] = field(default_factory=list)

    def handle(self, request: Request) -> Response:
        """Route STS (form-encoded) and Cost Explorer (X-Amz-Target) requests."""
        target = request.headers.get("X-Amz-Target", "")
        if target:
            self.ce_keys.append(_signing_key(request))
            assert target == CE_TARGET, target
            return self.ce(request)
        form = urllib.parse.parse_qs(request.get_data(as_text=True))
        action = form.get("Action", [""])[0]
        if action == "AssumeRole":
            self.assume_calls += 1
            n = self.assume_calls
            expiry = self.expirations[min(n, len(self.expirations)) - 1]
            inner = (
                f"<Credentials><AccessKeyId>ASIAFAKE{n}</AccessKeyId>"
                f"<SecretAccessKey>secret{n}</SecretAccessKey><SessionToken>token{n}</SessionToken>"
                f"<Expiration>{expiry.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration></Credentials>"
                f"<AssumedRoleUser><AssumedRoleId>AROAFAKE:cloudspy</AssumedRoleId>"
                f"<Arn>{ROLE_ARN}/cloudspy</Arn></AssumedRoleUser>"
            )
            return Response(_sts_xml("AssumeRole", inner), content_type="text/xml")
        if action == "GetCallerIdentity":
            inner = (
                f"<Arn>arn:aws:sts::{ACCOUNT}:assumed-role/cloudspy-read/cloudspy</Arn>"
                f"<UserId>AROAFAKE:cloudspy</UserId><Account>{ACCOUNT}</Account>"
            )
            return Response(_sts_xml("GetCallerIdentity", inner), content_type="text/xml")
        return Response("unknown action", status=400)


def _signing_key(request: Request) -> str:
    auth = request.headers.get("Authorization", "")
    return auth.partition("Credential=")[2].partition("/")[0]


@pytest.fixture
def fake_aws(httpserver: Any, monkeypatch: pytest.MonkeyPatch) -> FakeAws:
    """boto3's STS and Cost Explorer pointed at :class:`FakeAws`, with static fake keys."""
    import re

    fake = FakeAws()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    url = httpserver.url_for("/")
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COST_EXPLORER", url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIASTATIC")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "static")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return fake


def ce_error(code: str, message: str, status: int = 400) -> Answer:
    """A Cost Explorer (awsJson1.1) error answer."""
    return body(
        {"__type": f"com.amazonaws.ce#{code}", "message": message},
        status=status,
        content_type="application/x-amz-json-1.1",
    )


def ce_page(page: dict[str, Any]) -> Answer:
    """A Cost Explorer page answer."""
    return body(page, content_type="application/x-amz-json-1.1")
