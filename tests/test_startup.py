"""`cloudspy --help` and `--version` stay fast: no cloud SDK, DuckDB or WeasyPrint on import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO_TODAY

HEAVY = (
    "boto3",
    "botocore",
    "duckdb",
    "_duckdb",  # DuckDB's compiled engine, which the store opens through (#12)
    "google",
    "azure",
    "weasyprint",
    "jinja2",
    "keyring",
    "pyarrow",
    "moto",
    "starlette",  # the web stack: only `cloudspy serve` loads it (#17)
    "uvicorn",
    "playwright",
)
PROBE = """
import sys
from cloudspy.cli.main import main
code = main({args!r})
heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({heavy!r}))
print("HEAVY:" + ",".join(heavy))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["costs", "--help"],
        ["import", "--help"],
        ["aws", "--help"],
        ["aws", "sync", "--help"],
        ["sync", "--help"],
        ["serve", "--help"],
    ],
)
def test_help_imports_no_heavy_library(args):
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args, heavy=HEAVY)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert out.strip().splitlines()[-1] == "HEAVY:", out


def test_every_command_has_help_text():
    import typer

    from cloudspy.cli.main import app

    group = typer.main.get_command(app)

    def walk(command, path):
        assert command.help or command.short_help, f"{path} has no help text"
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")
            for param in sub.params:
                if param.param_type_name == "option":
                    assert param.help, f"{path} {name} {param.opts} has no help"

    walk(group, "cloudspy")


def test_python_dash_m_runs():
    out = subprocess.run(
        [sys.executable, "-m", "cloudspy", "--version"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0
    assert out.stdout.startswith("cloudspy ")


def test_the_fast_root_help_is_what_typer_prints():
    """`cloudspy --help` is served from root_help.txt; it must not drift from the app.

    Regenerate with `python -m cloudspy.cli.entry --write-help`.
    """
    from cloudspy.cli.entry import HELP_FILE, typer_root_help

    assert Path(HELP_FILE).read_text(encoding="utf-8") == typer_root_help()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], "Usage: cloudspy"),
        (["--help"], "Commands:"),
        (["-h"], "costs"),
        (["--version"], "cloudspy 0."),
    ],
)
def test_the_entry_point_answers_help_and_version_without_typer(args, expected):
    probe = (
        f"import sys; sys.argv = ['cloudspy', *{args!r}]\n"
        "from cloudspy.cli.entry import run; run()\n"
        "print('TYPER:' + str('typer' in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert expected in out
    assert out.strip().endswith("TYPER:False")


def test_run_builds_only_the_command_asked_for(monkeypatch, capsys):
    """`cloudspy costs` converts one command, not all of them (a speed guard)."""
    import typer

    from cloudspy.cli import main as cli_main

    built: list[int] = []
    original = cli_main.build_app

    def counting(only=None, sub=None):
        app = original(only, sub)
        built.append(len(typer.main.get_command(app).commands))
        return app

    monkeypatch.setattr(cli_main, "build_app", counting)
    monkeypatch.setattr(sys, "argv", ["cloudspy", "--db", "/nonexistent/x.duckdb", "costs"])
    with pytest.raises(SystemExit) as exit_info:
        cli_main.run()
    assert exit_info.value.code == 3  # no cache there
    assert built == [1]
    assert cli_main._command_of(["--db", "x", "--debug", "waste", "--rule", "a"]) == "waste"
    assert cli_main._command_of(["--config", "costs"]) is None


def test_a_provider_command_builds_only_its_subcommand():
    """`cloudspy aws costs` converts the `costs` command of the `aws` group alone; the
    group alone (or an unknown word) gets every subcommand, so click can list them."""
    import typer

    from cloudspy.cli import main as cli_main

    def subcommands(*sub):
        app = cli_main.build_app("aws", *sub)
        return sorted(typer.main.get_command(app).commands["aws"].commands)

    assert subcommands("costs") == ["costs"]
    assert subcommands() == ["costs", "sync"]
    assert subcommands("nope") == ["costs", "sync"]


def test_the_command_table_names_what_each_module_registers():
    """`COMMANDS` maps each command to its module without importing it; it must not drift."""
    from cloudspy.cli import main as cli_main

    for name in cli_main.COMMANDS:
        assert cli_main.command_names(cli_main.command_module(name), name) == {name}


def test_a_command_imports_only_its_own_module():
    """`cloudspy costs` loads costs_cmd, not the other command modules (a speed guard)."""
    probe = (
        "import sys; sys.argv = ['cloudspy', '--db', '/nonexistent/x.duckdb', 'costs']\n"
        "from cloudspy.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('CMDS:' + ','.join(sorted(m for m in sys.modules if m.endswith('_cmd'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    ).stdout
    assert out.strip().splitlines()[-1] == "CMDS:cloudspy.cli.costs_cmd", out


def test_costs_without_a_config_file_loads_no_config_model(tmp_path):
    """No config file: `cloudspy costs` uses the defaults without importing cloudspy.config."""
    probe = (
        "import sys; sys.argv = ['cloudspy', '--db', '/nonexistent/x.duckdb', 'costs', '--offline']\n"
        "from cloudspy.cli.main import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "print('CONFIG:' + str('cloudspy.config' in sys.modules))"
    )
    env = {**os.environ, "CLOUDSPY_CONFIG": str(tmp_path / "absent.toml")}
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env
    ).stdout
    assert out.strip().splitlines()[-1] == "CONFIG:False", out


def test_the_query_defaults_are_those_of_the_settings_model(tmp_path, monkeypatch):
    """Without a config file a query reads the same values as from a default Settings()."""
    from cloudspy import api
    from cloudspy.config import Settings

    monkeypatch.setenv("CLOUDSPY_CONFIG", str(tmp_path / "absent.toml"))
    assert api._query_settings(None) == api._query_settings(Settings())


@pytest.mark.parametrize("output", ["table", "json", "csv"])
def test_costs_answers_without_pydantic(demo_db, tmp_path, output):
    """`cloudspy costs` on a real cache loads no pydantic (a speed guard: ~60 ms, #2).

    Its results are dataclasses (cloudspy.models.plain) and Typer is held below
    0.29, which parses options with pydantic.
    """
    probe = (
        "import sys\n"
        f"sys.argv = ['cloudspy', '--db', {str(demo_db)!r}, 'costs', '--offline',"
        f" '--format', {output!r}]\n"
        "from cloudspy.cli.main import run\n"
        "code = 0\ntry:\n    run()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
        "print('EXIT:' + str(code))\n"
        "print('PYDANTIC:' + str(any(m.split('.')[0] == 'pydantic' for m in sys.modules)))"
    )
    env = {
        **os.environ,
        "CLOUDSPY_CONFIG": str(tmp_path / "absent.toml"),
        "CLOUDSPY_NOW": f"{DEMO_TODAY.isoformat()}T12:00:00",
    }
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env
    )
    lines = out.stdout.strip().splitlines()
    assert "EXIT:0" in lines and lines[-1] == "PYDANTIC:False", out.stdout[-500:] + out.stderr
