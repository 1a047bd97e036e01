"""The ``cloudspy`` entry point: global options, command registration, exit codes.

This is the one place exceptions become exit codes (DESIGN.md §4): a
CloudSpyError prints one line on stderr and exits with its code; a usage error
from option parsing exits 2; anything unexpected exits 3 with a hint to rerun
with ``--debug``, which shows the traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from typer.core import TyperGroup

from cloudspy import __version__
from cloudspy.cli.state import CliState
from cloudspy.providers.registry import PROVIDERS


class CloudSpyGroup(TyperGroup):
    """The root command group: runs a command and turns its errors into exit codes."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: object,
    ) -> int:
        """Run with click's standalone handling replaced by :func:`guarded`."""
        argv = list(sys.argv[1:] if args is None else args)
        code = guarded(
            lambda: super(CloudSpyGroup, self).main(
                argv, prog_name or "cloudspy", complete_var, standalone_mode=False, **extra
            ),
            debug=_debug_requested(argv),
        )
        if standalone_mode:
            sys.exit(code)
        return code


# Each top-level command (or group) and the module of ``cloudspy.cli`` that
# registers it, in the order the modules are registered (Typer lists plain
# commands before groups in `cloudspy --help`). Naming the module here, instead
# of importing every module to ask it, lets `cloudspy costs` import costs_cmd
# alone; a test checks this table against what each module registers.
COMMANDS: dict[str, str] = {
    "costs": "costs_cmd",
    "import": "import_cmd",
    "sync": "sync_cmd",
    "history": "history_cmd",
    "demo": "demo_cmd",
    "init": "init_cmd",
    # One group per provider that declares its commands (cli/provider_cmd.py), by name.
    **{
        info.name: "provider_cmd"
        for info in sorted(PROVIDERS.values(), key=lambda info: info.name)
        if info.commands is not None
    },
    "compare": "compare_cmd",
    "forecast": "forecast_cmd",
    "check": "check_cmd",
    "alert": "alert_cmd",
    "secret": "secret_cmd",
    "report": "report_cmd",
    "export": "export_cmd",
    "resources": "resources_cmd",
    "waste": "waste_cmd",
    "schedule": "schedule_cmd",
    "permissions": "permissions_cmd",
    "prices": "prices_cmd",
    "serve": "serve_cmd",
}


def command_module(name: str) -> ModuleType:
    """The command module registering the top-level command ``name`` (imported now)."""
    return import_module(f"cloudspy.cli.{COMMANDS[name]}")


def _version(value: bool) -> None:
    if value:
        print(f"cloudspy {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="The cache file (default: $CLOUDSPY_DB or the user data dir)."),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", help="The config file (default: ~/.config/cloudspy/config.toml)."),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="Use the demo store of `cloudspy demo`.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    no_color: Annotated[
        bool, typer.Option("--no-color", help="No colours (also NO_COLOR).")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """What your AWS, GCP and Azure clouds cost, and where money is wasted."""
    ctx.obj = CliState(db=db, config=config, debug=debug, no_color=no_color, demo=demo)


def build_app(only: str | None = None, sub: str | None = None) -> typer.Typer:
    """The root app with every command, or only the one named ``only``.

    Typer turns every registered command into a click command (evaluating all
    their annotations) before it runs one; :func:`run` builds an app holding just
    the command asked for, which saves that work on every invocation.
    """
    root_app = typer.Typer(
        name="cloudspy",
        cls=CloudSpyGroup,
        help="What your AWS, GCP and Azure clouds cost, and where money is wasted.",
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        no_args_is_help=True,
        add_completion=True,  # --install-completion / --show-completion (README)
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    root_app.callback()(root)
    for name in COMMANDS if only is None else (only,):
        _register(command_module(name), root_app, name, sub)
    return root_app


def _register(module: ModuleType, app: typer.Typer, name: str, sub: str | None = None) -> None:
    """Let ``module`` add the command ``name``: a module serving several commands (the
    provider groups) has ``register_command(app, name)``, the others ``register(app)``."""
    if hasattr(module, "register_command"):
        module.register_command(app, name, sub)
    else:
        module.register(app)


def command_names(module: ModuleType, name: str) -> set[str]:
    """The top-level command names a command module registers when asked for ``name``
    (checks :data:`COMMANDS`)."""
    scratch = typer.Typer()
    _register(module, scratch, name)
    return {c.name for c in scratch.registered_commands if c.name} | {
        g.name for g in scratch.registered_groups if g.name
    }


_full_app: typer.Typer | None = None


def full_app() -> typer.Typer:
    """The root app with every command, built once on first use.

    Building it imports every command module, which `cloudspy costs` never needs;
    so it is not built at import time.
    """
    global _full_app
    if _full_app is None:
        _full_app = build_app()
    return _full_app


def __getattr__(name: str) -> typer.Typer:
    """``cloudspy.cli.main.app`` (the full app, for tests and tools), built lazily (PEP 562)."""
    if name == "app":
        return full_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_VALUED_GLOBALS = ("--db", "--config")


def _command_of(argv: list[str]) -> str | None:
    """The command word in ``argv`` (after the global options), if any."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg in _VALUED_GLOBALS:
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def _debug_requested(argv: list[str]) -> bool:
    return "--debug" in argv or os.environ.get("CLOUDSPY_DEBUG") == "1"


def _fail(message: str, code: int) -> int:
    from cloudspy.redaction import scrub

    sys.stderr.write(f"cloudspy: error: {scrub(message)}\n")
    return code


def _print_traceback() -> None:
    """The current traceback on stderr, secrets struck out (provider errors echo URLs, #7)."""
    import traceback

    from cloudspy.redaction import scrub

    sys.stderr.write(scrub(traceback.format_exc()))


def _kinds(exc: BaseException) -> set[str]:
    """Class names in the exception's MRO.

    Typer 0.29 vendors click as ``typer._click`` while older releases use click
    itself; matching on names serves both without importing private modules.
    """
    return {cls.__name__ for cls in type(exc).__mro__}


def guarded(call: Callable[[], object], *, debug: bool) -> int:
    """Run ``call`` and return the exit code its outcome stands for."""
    from cloudspy.errors import CloudSpyError, ExitCode

    try:
        result = call()
    except CloudSpyError as exc:
        if debug:
            _print_traceback()
        return _fail(exc.one_line(), exc.exit_code)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:
        kinds = _kinds(exc)
        if "NoArgsIsHelpError" in kinds:
            print(exc.ctx.get_help())  # type: ignore[attr-defined]
            return ExitCode.OK
        if "UsageError" in kinds:
            ctx = getattr(exc, "ctx", None)
            command = ctx.command_path if ctx else "cloudspy"
            message = exc.format_message()  # type: ignore[attr-defined]
            return _fail(f"{message} (see `{command} --help`)", ExitCode.USAGE)
        if "ClickException" in kinds:
            return _fail(exc.format_message(), ExitCode.USAGE)  # type: ignore[attr-defined]
        if "Abort" in kinds:
            return _fail("aborted", 130)
        if debug:
            _print_traceback()
        first = str(exc).splitlines()[0] if str(exc) else ""
        return _fail(
            f"unexpected {type(exc).__name__}: {first} (rerun with --debug for the traceback)",
            ExitCode.RUNTIME,
        )
    return int(result) if isinstance(result, int) else ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code instead of exiting."""
    return typer.main.get_command(full_app()).main(argv, standalone_mode=False)


def run() -> None:
    """Console-script entry point: runs an app holding only the command asked for.

    An unknown or missing command gets the full app, so that click names the
    choices in its error and ``cloudspy`` alone prints the root help.
    """
    argv = sys.argv[1:]
    name = _command_of(argv)
    sub = _command_of(argv[argv.index(name) + 1 :]) if name in COMMANDS else None
    (build_app(name, sub) if name in COMMANDS else full_app())()
