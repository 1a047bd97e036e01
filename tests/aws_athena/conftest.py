"""moto's server on loopback for the Athena cost source, with fake credentials."""

from __future__ import annotations

import json
import urllib.request

import pytest

ACCOUNT = "123456789012"


@pytest.fixture(scope="session")
def moto_url():
    """A moto server on 127.0.0.1 (random port) for the whole session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url, monkeypatch):
    """boto3 pointed at moto with fake credentials; moto's state reset for each test."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    post(moto_url, "/moto-api/reset", {})
    return moto_url


def post(base: str, path: str, body: dict) -> None:
    """POST JSON to moto's control API."""
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status in (200, 201)


def queue_athena_result(base: str, names: list[str], rows: list[list[str | None]]) -> None:
    """Queue one query result the way Athena returns it: a header row, then text cells."""

    def row(values):
        return {"Data": [{} if v is None else {"VarCharValue": v} for v in values]}

    result = {
        "rows": [row(names)] + [row(r) for r in rows],
        "column_info": [
            {"Name": n, "Label": n, "Type": "varchar", "Nullable": "UNKNOWN"} for n in names
        ],
    }
    post(
        base,
        "/moto-api/static/athena/query-results",
        {"account_id": ACCOUNT, "region": "us-east-1", "results": [result]},
    )
