"""Export fixtures: a copy of the demo store with hostile text in it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.exporting.hostile import add_hostile_rows


@pytest.fixture(scope="session")
def hostile_db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store plus one hostile row (read-only use)."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    shutil.copy(demo_db, path)
    add_hostile_rows(path)
    return path
