"""Fixtures for the bad-input corpus: a base store built once, copied per case."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import DEMO_TODAY


@pytest.fixture(scope="session")
def corpus_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store (ending on DEMO_TODAY) that cases copy before they run."""
    from cloudspy.demo import load_demo

    path = tmp_path_factory.mktemp("corpus-base") / "base.duckdb"
    load_demo(path, today=DEMO_TODAY)
    return path


@pytest.fixture
def store_copy(corpus_base: Path, tmp_path: Path) -> Path:
    """A private copy of the base store for one case."""
    target = tmp_path / "store" / "cloudspy.duckdb"
    target.parent.mkdir()
    shutil.copy(corpus_base, target)
    return target
