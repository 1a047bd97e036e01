"""Global options shared by every command (``--db``, ``--config``, ``--format`` …)."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from cloudspy.config import Settings


@dataclass
class CliState:
    """What the root callback parsed; commands read it from ``ctx.obj``."""

    db: Path | None = None
    config: Path | None = None
    debug: bool = False
    no_color: bool = False
    demo: bool = False
    _settings: Any = None
    _announced: bool = False
    # The config file's bytes were validated by an earlier run (the cache remembers
    # their digest): its plain values may be read without loading the models.
    config_known_valid: bool = False

    def settings(self) -> Settings:
        """The validated config (read once)."""
        if self._settings is None:
            from cloudspy.config import load_settings

            self._settings = load_settings(self.config)
        return self._settings

    def announce_detected(self) -> None:
        """Say once on stderr which ambient credentials stand in for a config (#12)."""
        if self._announced:
            return
        self._announced = True
        for ambient in self.settings().detected:
            self.progress(f"no config: using {ambient.description}")

    def query_settings(self) -> Any:
        """What ``api.costs`` needs: the validated settings, or, on the warm path with a
        config the cache has seen validated and no teams in it, ``api.QuerySettings``
        read from the TOML alone (no pydantic, #12). None without a config file."""
        from cloudspy import api, paths

        if self._settings is not None or not self.config_known_valid:
            return self.settings_if_any()
        if self.quick_setting(None, "teams", None) is not None:
            return self.settings()
        return api.QuerySettings(
            str(self.quick_setting(None, "default_period", paths.DEFAULT_PERIOD)),
            str(self.quick_setting(None, "default_metric", paths.DEFAULT_METRIC)),
            {},
            self.lock_timeout(),
        )

    def settings_if_any(self) -> Settings | None:
        """The validated config, or None when no ``--config`` is given and no config file exists.

        For API calls that take ``settings=None`` as "the user's config file": they
        then use the built-in defaults without loading the config models at all.
        """
        if self._settings is None and self.config is None:
            from cloudspy.paths import user_config_path

            if not user_config_path().exists():
                return None
        return self.settings()

    def config_path(self) -> Path:
        """``--config``, else the default config file (which may not exist)."""
        if self.config is not None:
            return self.config.expanduser()
        from cloudspy.paths import user_config_path

        return user_config_path()

    def default_period(self) -> str:
        """The configured default period (see :meth:`quick_setting`)."""
        from cloudspy import paths

        return str(self.quick_setting(None, "default_period", paths.DEFAULT_PERIOD))

    def lock_timeout(self) -> float:
        """The configured wait for the cache's lock (see :meth:`quick_setting`)."""
        from cloudspy import paths

        value = self.quick_setting("cache", "lock_timeout_seconds", None)
        return float(value) if value is not None else paths.DEFAULT_LOCK_TIMEOUT_SECONDS

    def quick_setting(self, section: str | None, key: str, default: Any) -> Any:
        """One setting read from the TOML without validating the whole config.

        For the warm ``costs`` path only, which must not load the config models
        (pydantic); a value of the wrong type falls back to the validated settings,
        which report the error.
        """
        if self._settings is not None:
            part = getattr(self._settings, section) if section else self._settings
            return getattr(part, key)
        config = self.config_path()
        if not config.exists():
            return default
        import tomllib

        try:
            raw = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            self.settings()  # raises the config error
            raise
        table = raw.get(section, {}) if section else raw
        value = table.get(key, default) if isinstance(table, dict) else default
        if value is default or (isinstance(value, str | int | float) and value is not True):
            return value
        settings = self.settings()  # validates: a wrong value is reported there
        return getattr(getattr(settings, section) if section else settings, key)

    def db_path(self) -> Path:
        """``--db``, else the demo store with ``--demo``, else ``$CLOUDSPY_DB`` or the default."""
        if self.db:
            return self.db.expanduser()
        from cloudspy.paths import demo_db_path, user_db_path

        return demo_db_path() if self.demo else user_db_path()

    def stdout(self) -> Console:
        """A console for data (stdout)."""
        return _console(sys.stdout, self.no_color)

    def print_table(self, table: Any, *, wide: bool = False) -> None:
        """Print a table on stdout; with ``--wide`` at its full width, even past the terminal's
        (long lines, as ``kubectl -o wide`` prints them) rather than squeezed into it."""
        console = self.stdout()
        needed = getattr(table, "min_width", None)
        if wide and needed:
            console.width = max(console.width, needed)
        console.print(table)

    def width(self) -> int:
        """The columns tables on stdout are laid out for."""
        return int(self.stdout().width)

    def stderr(self) -> Console:
        """A console for progress, warnings and errors (stderr)."""
        return _console(sys.stderr, self.no_color)

    def progress(self, message: str) -> None:
        """One progress line on stderr."""
        self.stderr().print(f"[dim]…[/dim] {message}", highlight=False, markup=True)

    def warn(self, message: str) -> None:
        """One warning line on stderr."""
        console = self.stderr()
        console.print(f"warning: {message}", style="yellow", highlight=False, markup=False)


def _console(stream: Any, no_color: bool) -> Console:
    from rich.console import Console

    # Without a terminal (a pipe, a file, CI) tables are laid out for 120 columns unless
    # $COLUMNS says otherwise (#15), instead of rich's 80.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 120
    return Console(
        file=stream,
        width=width,
        no_color=no_color or "NO_COLOR" in os.environ,
        highlight=False,
        soft_wrap=False,
    )


def state_of(ctx: Any) -> CliState:
    """The CliState of a Typer context (a default one outside the root callback)."""
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj
