"""`cloudspy --help` and `--version` stay fast: no cloud SDK, DuckDB or WeasyPrint on import."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = (
    "boto3",
    "botocore",
    "duckdb",
    "google",
    "azure",
    "weasyprint",
    "jinja2",
    "keyring",
    "pyarrow",
    "moto",
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
