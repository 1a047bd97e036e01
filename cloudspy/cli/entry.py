"""The console-script entry point, with a fast path for ``--help`` and ``--version``.

``cloudspy --help`` is what people and shell completions run most, and Typer
alone takes longer to import than the whole answer needs. The root help is
therefore generated from the Typer app into ``root_help.txt`` (``python -m
cloudspy.cli.entry --write-help``) and printed from there; a test fails when
the file drifts from what Typer would print. Every other invocation goes to
the Typer app in :mod:`cloudspy.cli.main`. This module imports only ``os`` and
``sys`` so that the fast path costs little more than starting Python.
"""

from __future__ import annotations

import os
import sys

HELP_FILE = os.path.join(os.path.dirname(__file__), "root_help.txt")
_HELP_ARGS = ([], ["--help"], ["-h"])


def typer_root_help() -> str:
    """The root help exactly as the Typer app prints it (at 80 columns)."""
    import contextlib
    import io

    from cloudspy.cli.main import main

    buffer = io.StringIO()
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        with contextlib.redirect_stdout(buffer):
            main(["--help"])
    finally:
        if previous is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = previous
    return buffer.getvalue()


def run() -> None:
    """Answer ``--version`` and the root help directly; hand everything else to Typer."""
    args = sys.argv[1:]
    if args == ["--version"]:
        from cloudspy import __version__

        sys.stdout.write(f"cloudspy {__version__}\n")
        return
    completing = "_CLOUDSPY_COMPLETE" in os.environ  # Tab in a shell: Typer answers
    if args in _HELP_ARGS and os.path.exists(HELP_FILE) and not completing:
        with open(HELP_FILE, encoding="utf-8") as handle:
            sys.stdout.write(handle.read())
        return
    # pydantic looks for plugins in every installed distribution's metadata on
    # first use (~15 ms with the cloud SDKs installed); the CLI uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from cloudspy.cli.main import run as typer_run

    typer_run()


if __name__ == "__main__":
    if sys.argv[1:] == ["--write-help"]:
        with open(HELP_FILE, "w", encoding="utf-8") as out:
            out.write(typer_root_help())
    else:
        run()
