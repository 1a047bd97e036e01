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
    # Built an hour before the cases run (below), so a case's own sync_run is the newest.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLOUDSPY_NOW", f"{DEMO_TODAY.isoformat()}T11:00:00")
        load_demo(path, today=DEMO_TODAY)
    return path


@pytest.fixture
def store_copy(corpus_base: Path, tmp_path: Path) -> Path:
    """A private copy of the base store for one case."""
    target = tmp_path / "store" / "cloudspy.duckdb"
    target.parent.mkdir()
    shutil.copy(corpus_base, target)
    return target


@pytest.fixture(autouse=True)
def _demo_day_is_today(monkeypatch: pytest.MonkeyPatch) -> None:
    """The base store ends on DEMO_TODAY; CloudSpy's clock (CLOUDSPY_NOW) says so too.

    Subprocess cases inherit it through the environment.
    """
    monkeypatch.setenv("CLOUDSPY_NOW", f"{DEMO_TODAY.isoformat()}T12:00:00")
