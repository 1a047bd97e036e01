"""The report examples in examples/reports/ stay valid and render (#6)."""

from __future__ import annotations

import shutil
import tomllib
from datetime import date
from pathlib import Path

import pytest

from cloudspy import api
from cloudspy.config import Settings
from tests import paths

EXAMPLES = paths.EXAMPLES / "reports"


@pytest.mark.parametrize(
    "snippet, name",
    [("monthly-management.toml", "monthly"), ("weekly-team.toml", "web-weekly")],
)
def test_example_reports_render(demo_db: Path, tmp_path: Path, snippet: str, name: str) -> None:
    settings = Settings.model_validate(tomllib.loads((EXAMPLES / snippet).read_text()))
    for template in EXAMPLES.glob("*.html.j2"):
        shutil.copy(template, tmp_path)
    out = tmp_path / "r.html"
    result = api.report(
        out, name=name, db=demo_db, settings=settings, config_dir=tmp_path, today=date(2026, 11, 25)
    )
    html = out.read_text()
    assert settings.reports[name].title in html
    assert [s.status for s in result.sections if s.kind == "breakdown"] == ["ok"] * len(
        [s for s in result.sections if s.kind == "breakdown"]
    )
    assert "No data:" in html or all(s.status == "ok" for s in result.sections)
