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

    def settings(self) -> Settings:
        """The validated config (read once)."""
        if self._settings is None:
            from cloudspy.config import load_settings

            self._settings = load_settings(self.config)
        return self._settings

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

    def db_path(self) -> Path:
        """``--db``, else the demo store with ``--demo``, else ``$CLOUDSPY_DB`` or the default."""
        if self.db:
            return self.db.expanduser()
        from cloudspy.paths import demo_db_path, user_db_path

        return demo_db_path() if self.demo else user_db_path()

    def stdout(self) -> Console:
        """A console for data (stdout)."""
        return _console(sys.stdout, self.no_color)

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

    # Piped output gets a wide page (or $COLUMNS) instead of rich's 80 columns,
    # so tables written to files and CI logs are not folded.
    width = None if stream.isatty() or os.environ.get("COLUMNS") else 160
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
