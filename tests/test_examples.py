"""The shipped examples stay valid: config.toml loads, the CI workflows run real commands."""

from __future__ import annotations

from cloudspy.config import load_settings
from tests import paths

EXAMPLES = paths.EXAMPLES


def test_example_config_loads_and_configures_every_provider():
    settings = load_settings(EXAMPLES / "config.toml")
    assert set(settings.configured_providers()) == {"aws", "gcp", "azure"}
    assert set(settings.teams) == {"web", "data"}
    assert "monthly" in settings.reports
    assert [limit.name for limit in settings.check.limits] == [
        "monthly budget",
        "no team grows by more than a fifth",
    ]


def test_the_readme_python_example_runs_on_the_demo_store(demo_db, tmp_path, monkeypatch):
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    code = readme.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.setenv("CLOUDSPY_DB", str(demo_db))
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "october.pdf").stat().st_size > 1000


def test_every_command_is_in_the_readme():
    import typer

    from cloudspy.cli.main import app

    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    for name in typer.main.get_command(app).commands:
        assert f"cloudspy {name}" in readme or f"cloudspy --demo {name}" in readme, name
