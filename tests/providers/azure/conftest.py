"""Azure test rig: a loopback server replaying Cost Management responses to the real SDK.

The SDK clients are the production ones; only their credential and their
authentication policy are fakes (Azure clients refuse bearer tokens over
plain http, DESIGN.md §6). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from azure.core.pipeline.policies import SansIOHTTPPolicy

from tests import paths

FIXTURES = paths.FIXTURES / "azure"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"
SCOPE = f"/subscriptions/{SUBSCRIPTION}"
QUERY_PATH = f"{SCOPE}/providers/Microsoft.CostManagement/query"
QPU_HEADERS = {
    "x-ms-ratelimit-microsoft.costmanagement-qpu-consumed": "1",
    "x-ms-ratelimit-microsoft.costmanagement-qpu-remaining": "QueryResource=11",
}


def spec_example(name: str) -> dict[str, Any]:
    """The 200 body of a published azure-rest-api-specs example."""
    return json.loads((FIXTURES / name).read_text())["responses"]["200"]["body"]


def cassette_query_body(name: str) -> dict[str, Any]:
    """The query response body of a Cloud Custodian vcr cassette (wrapper stripped)."""
    cassette = json.loads((FIXTURES / name).read_text())
    for interaction in cassette["interactions"]:
        if "CostManagement/query" in interaction["request"]["uri"]:
            return interaction["response"]["body"]["data"]
    raise AssertionError(f"{name} has no query interaction")


def totals_by_currency(bodies: list[str]) -> dict[str, Decimal]:
    """Independent reconciliation: sum the served bodies' cost column per currency."""
    totals: dict[str, Decimal] = {}
    for text in bodies:
        props = json.loads(text, parse_float=Decimal)["properties"]
        names = [c["name"] for c in props["columns"]]
        for row in props["rows"]:
            currency = row[names.index("Currency")]
            totals[currency] = totals.get(currency, Decimal(0)) + Decimal(
                row[names.index("PreTaxCost")]
            )
    return totals


class FakeAuthPolicy(SansIOHTTPPolicy):
    """Stands in for ARMChallengeAuthenticationPolicy: a fixed header, no token service."""

    def on_request(self, request: Any) -> None:
        request.http_request.headers["Authorization"] = "Bearer test-token"


class FakeCredential:
    """A credential that is never asked (the fake policy replaces the bearer policy)."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        raise AssertionError("tests never fetch a real token")


@dataclass
class Replay:
    """Answers each POST/GET with ``answer(path, body, request)``; records every request."""

    answer: Callable[[str, dict[str, Any] | None, Any], Any] | None = None
    requests: list[tuple[str, str, dict[str, Any] | None, dict[str, str]]] = field(
        default_factory=list
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, request: Any) -> Any:
        body = json.loads(request.data) if request.data else None
        with self.lock:
            self.requests.append((request.method, request.full_path, body, dict(request.headers)))
        assert self.answer is not None, "no answer configured"
        return self.answer(request.path, body, request)

    def queries(self) -> list[dict[str, Any]]:
        """The query bodies POSTed, in order."""
        return [r[2] for r in self.requests if r[0] == "POST" and r[2] is not None]


def respond(
    body: Any = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
    raw: str | None = None,
) -> Any:
    """A werkzeug response with a JSON (or raw) body."""
    from werkzeug import Response

    text = raw if raw is not None else ("" if body is None else json.dumps(body))
    return Response(text, status=status, headers=headers or {}, content_type="application/json")


@pytest.fixture
def replay(httpserver: Any) -> Replay:
    """The loopback server with one catch-all handler."""
    import re

    rig = Replay()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(rig.handle)
    return rig


@pytest.fixture
def connector(httpserver: Any) -> Any:
    """A Connector whose clients talk to the loopback server with a fake auth policy."""
    from cloudspy.providers.azure.session import Connector, Endpoints

    endpoints = Endpoints(
        "public", httpserver.url_for("").rstrip("/"), "http://127.0.0.1:9", "test/.default"
    )
    return Connector(
        endpoints,
        credential=FakeCredential(),
        client_options={"authentication_policy": FakeAuthPolicy()},
    )


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every sleep the retry and QPU-gate code asks for; none actually waits."""
    import time

    asked: list[float] = []
    monkeypatch.setattr(time, "sleep", asked.append)
    return asked


@pytest.fixture
def azure_cli(cli: Any, connector: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """The CLI with the Azure provider wired to the loopback server; returns (invoke, db)."""
    from cloudspy.providers.azure import provider

    monkeypatch.setattr(
        provider.AzureProvider, "make_connector", staticmethod(lambda _azure: connector)
    )
    db = tmp_path / "cache.duckdb"

    def invoke(*args: str, config: str | None = None) -> Any:
        prefix = ["--db", str(db)]
        if config is not None:
            path = tmp_path / "config.toml"
            path.write_text(config)
            prefix += ["--config", str(path)]
        return cli(*prefix, *args)

    invoke.db = db  # type: ignore[attr-defined]
    return invoke
