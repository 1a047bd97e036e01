"""Fixtures of the fault suites: the slow AWS fake and a CLI bound to one store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from tests.reliability.fake_aws import FakeAws, FakeAwsServer
from tests.reliability.harness import EXPORT_ROWS, Cli, make_cli

# Per Cost Explorer answer: with ~0.1 s of parsing each, fetching takes about
# as long as starting up and as storing, so random kills land in all three.
CE_DELAY = 0.02


@pytest.fixture(scope="module")
def fake_aws() -> Iterator[FakeAwsServer]:
    """The fake AWS on loopback for a module's tests."""
    with FakeAwsServer(FakeAws(delay=CE_DELAY)) as server:
        yield server


@pytest.fixture
def cloudspy(tmp_path: Path, fake_aws: FakeAwsServer) -> Cli:
    """``cloudspy`` subprocesses on a fresh store, reaching only the fake."""
    fake_aws.fake.reset(0)
    return make_cli(tmp_path, fake_aws.url)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two versions of one FOCUS export: as first published, and restated (x1.5)."""
    from benchmarks.focus_data import generate

    folder = tmp_path_factory.mktemp("exports")
    first, restated = folder / "gen0.parquet", folder / "gen1.parquet"
    generate(first, EXPORT_ROWS)
    with duckdb.connect() as conn:
        conn.execute(
            f"COPY (SELECT * REPLACE (CAST(BilledCost * 1.5 AS DECIMAL(18, 6)) AS BilledCost)"
            f" FROM read_parquet('{first}')) TO '{restated}' (FORMAT parquet)"
        )
    return [first, restated]
