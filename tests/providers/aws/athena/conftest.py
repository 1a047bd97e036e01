"""A local Athena (rest-json, as the pinned botocore speaks it) beside moto, with fake credentials."""

from __future__ import annotations

import pytest

from tests.providers.aws.athena.athena_server import AthenaServer

ACCOUNT = "123456789012"


@pytest.fixture(scope="session")
def athena_server():
    """The fake Athena on 127.0.0.1 (random port) for the whole session."""
    server = AthenaServer().start()
    yield server
    server.stop()


@pytest.fixture
def aws(aws_env, athena_server, monkeypatch):
    """boto3 pointed at moto, Athena at the fake; both reset for each test.

    ``AWS_ENDPOINT_URL_ATHENA`` is botocore's own per-service endpoint setting,
    so this is the path a user with a private Athena endpoint takes too.
    """
    athena_server.reset()
    monkeypatch.setenv("AWS_ENDPOINT_URL_ATHENA", athena_server.url)
    return athena_server


def queue_athena_result(server: AthenaServer, names: list[str], rows: list[list[str | None]]):
    """The next query returns these aggregates, as Athena returns text cells."""
    server.queue_result(names, rows)
