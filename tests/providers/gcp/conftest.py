"""A local BigQuery / Cloud Billing REST server for the real google-cloud clients.

The clients are pointed at pytest-httpserver on 127.0.0.1 (``api_endpoint``)
with ``AnonymousCredentials``; nothing leaves loopback. BigQuery responses are
the REST shapes the client parses (``jobs.query``, ``getQueryResults``,
``jobs.get``, ``tables.get``); Cloud Billing's are Cloud Custodian recordings.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug import Request, Response

from tests import paths

FIXTURES = paths.FIXTURES / "gcp"
PROJECT = "finops-billing"
TABLE = "finops-billing.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01"
ACCOUNT = "0123AB-4567CD-89EF01"


def fixture(name: str) -> dict[str, Any]:
    """A JSON fixture under tests/fixtures/gcp/."""
    return json.loads((FIXTURES / name).read_text())


def google_error(code: int, status: str, reason: str, message: str) -> dict[str, Any]:
    """A Google API error body."""
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"message": message, "domain": "global", "reason": reason}],
            "status": status,
        }
    }


@dataclass
class FakeBigQuery:
    """Queued answers to ``jobs.query``; fixed answers to the other BigQuery calls."""

    queries: deque = field(default_factory=deque)
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    table: Any = field(default_factory=lambda: fixture("bigquery/table_standard.json"))
    job: dict[str, Any] = field(default_factory=lambda: fixture("bigquery/job_get.json"))
    query_bodies: list[dict[str, Any]] = field(default_factory=list)
    # GET path -> body, for the metadata lists (projects, datasets, tables)
    listing: dict[str, dict[str, Any]] = field(default_factory=dict)

    def answer(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        """Queue one ``jobs.query`` answer (a dict is sent as JSON, a str verbatim)."""
        self.queries.append((body, status, headers or {}))

    def standard_pages(self) -> None:
        """Two pages of the standard fixture: page 1 from jobs.query, page 2 by token."""
        self.answer(fixture("bigquery/query_page1.json"))
        self.pages["page-2"] = fixture("bigquery/query_page2.json")

    def handle(self, request: Request) -> Response:
        """Route one request the way BigQuery's REST API would."""
        path = request.path
        if request.method == "GET" and path in self.listing:
            return _respond(self.listing[path], 200, {})
        if request.method == "POST" and path.endswith("/queries"):
            self.query_bodies.append(json.loads(request.get_data()))
            body, status, headers = self.queries.popleft()
            return _respond(body, status, headers)
        if "/tables/" in path:
            return _respond(self.table, 200 if "error" not in self.table else 404, {})
        if "/jobs/" in path:
            return _respond(self.job, 200, {})
        if "/queries/" in path:
            return _respond(self.pages[request.args["pageToken"]], 200, {})
        return _respond(google_error(404, "NOT_FOUND", "notFound", f"no route {path}"), 404, {})


def _respond(body: Any, status: int, headers: dict[str, str]) -> Response:
    text = body if isinstance(body, str) else json.dumps(body)
    return Response(text, status=status, headers=headers, content_type="application/json")


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """pytest-httpserver on IPv4 loopback with a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture
def bigquery(httpserver) -> FakeBigQuery:
    """The fake BigQuery behind ``httpserver``."""
    fake = FakeBigQuery()
    httpserver.expect_request(re.compile(r"^/bigquery/v2/.*")).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def endpoint(httpserver) -> str:
    """The server's base URL, as a client's ``api_endpoint``."""
    return httpserver.url_for("/").rstrip("/")


@pytest.fixture
def no_sleep() -> list[float]:
    """A sleep that records its delays instead of waiting."""
    return []


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch, no_sleep: list[float]) -> list[float]:
    """Retries in the CLI run without waiting; the delays asked for are recorded."""
    monkeypatch.setattr("cloudspy.providers.gcp.session.pause", no_sleep.append)
    return no_sleep


@pytest.fixture
def anonymous_adc(monkeypatch: pytest.MonkeyPatch) -> None:
    """ADC replaced by anonymous credentials (for the CLI, where nothing is injected)."""
    from google.auth.credentials import AnonymousCredentials

    monkeypatch.setattr(
        "cloudspy.providers.gcp.session.application_default",
        lambda: (AnonymousCredentials(), "adc-project"),
    )


@pytest.fixture
def gcp_env(monkeypatch: pytest.MonkeyPatch, endpoint: str, anonymous_adc: None) -> str:
    """Both GCP endpoints pointed at the local server through the environment."""
    monkeypatch.setenv("CLOUDSPY_GCP_BIGQUERY_ENDPOINT", endpoint)
    monkeypatch.setenv("CLOUDSPY_GCP_BILLING_ENDPOINT", endpoint)
    return endpoint


@pytest.fixture
def billing(httpserver) -> None:
    """Cloud Billing: the recorded billingAccounts.list and one projects page."""
    httpserver.expect_request("/v1/billingAccounts", method="GET").respond_with_json(
        fixture("billing/billing_accounts_list.json")
    )
    httpserver.expect_request(
        "/v1/billingAccounts/CU570D-1A4CU5-70D1A4/projects", method="GET"
    ).respond_with_json(fixture("billing/projects_list.json"))
