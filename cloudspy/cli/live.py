"""A live display of a sync on a terminal: one line per source, updated as it goes (#15).

Each line shows the source, what it is doing now (its latest progress message),
how many steps (requests, pages, windows) it has reported, and the time since it
started; a finished source shows its result. Messages that name no source (a
provider's own detail) scroll above the display. Off a terminal, with
``--no-progress`` or in CI (``CI`` set), the plain lines of before are printed.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

DONE_MARKERS = (" row(s), ", "already cached and final", ": failed: ", "skipped:")


def live_wanted(no_progress: bool) -> bool:
    """Whether to draw the live display: stderr is a terminal, not CI, not switched off."""
    ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    return sys.stderr.isatty() and not no_progress and not ci


@dataclass
class _Line:
    label: str
    phase: str = "waiting"
    steps: int = 0
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None


class LiveSync:
    """A progress callback that keeps one line per source and draws them with rich's Live."""

    def __init__(self, console: Any, labels: Sequence[str]) -> None:
        self.console = console
        self.lines = {label: _Line(label) for label in labels}
        self._lock = threading.Lock()
        self._live: Any = None

    def __enter__(self) -> LiveSync:
        from rich.live import Live

        self._live = Live(self, console=self.console, refresh_per_second=8, transient=False)
        self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(*exc)

    def _line_of(self, message: str) -> _Line | None:
        matches = [ln for label, ln in self.lines.items() if message.startswith(label + ":")]
        if matches:
            return max(matches, key=lambda ln: len(ln.label))
        return next(iter(self.lines.values())) if len(self.lines) == 1 else None

    def __call__(self, message: str) -> None:
        with self._lock:
            line = self._line_of(message)
            if line is None:
                if self._live is not None:
                    self._live.console.print(f"[dim]…[/dim] {message}", highlight=False)
                return
            text = message[len(line.label) + 1 :].strip() if message.startswith(
                line.label + ":") else message  # fmt: skip
            line.phase = text
            line.steps += 1
            if any(marker in message for marker in DONE_MARKERS):
                line.finished = time.monotonic()

    def __rich__(self) -> Any:
        from rich.table import Table
        from rich.text import Text

        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        grid.add_column(justify="right", no_wrap=True)
        now = time.monotonic()
        with self._lock:
            for line in self.lines.values():
                elapsed = (line.finished or now) - line.started
                mark = "✓" if line.finished else "⠿"
                grid.add_row(
                    Text(f"{mark} {line.label}", style="bold" if not line.finished else ""),
                    Text(line.phase),
                    Text(f"{line.steps} step(s)", style="dim"),
                    Text(f"{elapsed:5.1f}s", style="dim"),
                )
        return grid
