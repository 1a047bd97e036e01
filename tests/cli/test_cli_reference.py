"""docs/cli.md is generated from the Typer app and may not drift (#15); every option has help."""

from __future__ import annotations

from cloudspy.cli.reference import reference
from tests import paths

DOC = paths.DOCS / "cli.md"


def test_docs_cli_md_is_what_the_app_generates():
    assert DOC.read_text(encoding="utf-8") == reference(), (
        "docs/cli.md is stale: run `python -m cloudspy.cli.reference > docs/cli.md`"
    )


def test_every_command_and_option_has_help_and_shared_options_read_alike():
    import typer

    from cloudspy.cli.main import full_app

    helps: dict[str, set[str]] = {}

    def walk(command, path):
        assert (command.help or "").strip(), f"{path} has no help"
        for param in command.params:
            if param.param_type_name == "option" and param.name != "help":
                assert (param.help or "").strip(), f"{path} {param.opts} has no help"
                helps.setdefault(param.opts[0], set()).add(param.help)
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(full_app()), "cloudspy")
    for flag in ("--metric", "--top", "--offline", "--by", "--wide", "--last", "--since"):
        assert len(helps[flag]) == 1, f"{flag} has {len(helps[flag])} help texts: {helps[flag]}"
    assert "team" in next(iter(helps["--by"]))


def test_the_options_the_issue_found_undocumented_are_documented():
    text = DOC.read_text(encoding="utf-8")
    waste = text.split("## `cloudspy waste`")[1].split("\n## ")[0]
    check = text.split("## `cloudspy check`")[1].split("\n## ")[0]
    assert "`--top`" in waste and "`--region`" in waste
    assert all(f"`{flag}`" in check for flag in ("--provider", "--metric", "--offline"))


def test_shell_completion_completes_commands_and_options():
    """README: `cloudspy --install-completion`; Tab completes through Typer's machinery."""
    import os
    import subprocess
    import sys

    def complete(words: str) -> list[str]:
        env = {**os.environ, "_CLOUDSPY_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ") else 1))}  # fmt: skip
        out = subprocess.run(
            [sys.executable, "-m", "cloudspy"], env=env, capture_output=True, text=True
        )
        return out.stdout.split()

    assert {"costs", "compare"} <= set(complete("cloudspy co"))
    assert "--wide" in complete("cloudspy resources --w")
    script = subprocess.run(
        [sys.executable, "-m", "cloudspy", "--show-completion", "bash"],
        capture_output=True,
        text=True,
        # With shellingham installed Typer makes --show-completion a flag and detects
        # the shell from the process tree, which a test runner's ancestry may not have:
        # this variable makes it take the shell named, whatever runs the tests.
        env={
            **os.environ,
            "SHELL": "/bin/bash",
            "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1",
        },
    )
    assert "_cloudspy_completion" in script.stdout


def test_provider_commands_take_the_root_commands_shared_options():
    """`aws|gcp|azure sync` and `costs` offer what `sync` and `costs` do (#16 item 4:
    only `gcp costs` had `--metric`, no provider `sync` had `--no-progress`)."""
    import typer

    from cloudspy.cli.main import full_app

    root = typer.main.get_command(full_app())

    def options(command) -> set[str]:
        return {p.opts[0] for p in command.params if p.param_type_name == "option"}

    shared = {
        "sync": {
            "--last",
            "--since",
            "--until",
            "--refresh",
            "--no-costs",
            "--no-resources",
            "--no-progress",
        },
        "costs": {"--last", "--since", "--until", "--by", "--metric", "--format", "--offline"},
    }
    for command, wanted in shared.items():
        assert wanted <= options(root.commands[command])
        for provider in ("aws", "gcp", "azure"):
            sub = root.commands[provider].commands[command]
            missing = wanted - options(sub)
            assert not missing, f"cloudspy {provider} {command} lacks {sorted(missing)}"
