"""Bugs the fault suites of #7 found, each pinned by a direct test (in-process, fast)."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.errors import StoreLockedError
from cloudspy.periods import Window
from cloudspy.store import connection
from cloudspy.store.connection import connect
from cloudspy.sync import _store_open
from tests.reliability.harness import hold_write_lock


class ScopeProbe:
    """A cost source whose scope() (an STS call for AWS) checks whether the store is held."""

    provider = "aws"
    source = "ce"
    priority = 10
    label = "probe"

    def __init__(self, db: Path) -> None:
        self.db = db
        self.store_held: bool | None = None

    def scope(self) -> str:
        try:
            # DuckDB refuses a read-write open beside an open read-only one in
            # the same process: success means the store was closed.
            duckdb.connect(str(self.db), read_only=False).close()
            self.store_held = False
        except duckdb.Error:
            self.store_held = True
        return "aws:ce:probe"

    def wanted_dimensions(self) -> list[str]:
        return ["provider"]

    def fetch_note(self, ranges) -> str:
        return "a test source, free"


def test_bug_needs_sync_asked_the_provider_while_holding_the_store(tmp_path: Path) -> None:
    """#7: `costs` called STS inside its read of the cache, blocking a cron sync's writes."""
    db = tmp_path / "cache.duckdb"
    with connect(db, read_only=False):
        pass
    probe = ScopeProbe(db)
    window = Window(date(2026, 2, 1), date(2026, 3, 1))
    assert api.needs_sync(window, [probe], db=db, settings=Settings())
    assert probe.store_held is False


def test_bug_lock_holder_with_newlines_in_its_command_broke_the_one_line_error(
    tmp_path: Path, monkeypatch
) -> None:
    """#7: a holder started with `python -c "<several lines>"` split the one-line error."""
    cmdline = tmp_path / "cmdline"
    cmdline.write_bytes(b"python\0-c\0import time\ntime.sleep(60)\n\0")
    real = Path.read_bytes
    monkeypatch.setattr(
        Path,
        "read_bytes",
        lambda self: real(cmdline) if str(self) == f"/proc/{os.getpid()}/cmdline" else real(self),
    )
    holder = connection._lock_holder(f"Conflicting lock is held in python (PID {os.getpid()})")
    assert holder == f"process {os.getpid()} (python -c import time time.sleep(60))"


def test_bug_threads_of_one_process_waited_one_bound_each_in_turn(tmp_path: Path) -> None:
    """#7: parallel sync threads queued for the store one after another, each a full wait:
    four sources behind a busy writer waited four times [cache] lock_timeout_seconds."""
    db = tmp_path / "cache.duckdb"
    with connect(db, read_only=False):
        pass
    holder = hold_write_lock(db, dict(os.environ), 60)
    timeout = 1.0

    def one(_: int) -> float:
        started = time.monotonic()
        with (
            pytest.raises(StoreLockedError, match=f"locked by process {holder.pid}"),
            _store_open(db, read_only=True, timeout=timeout),
        ):
            pass
        return time.monotonic() - started

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            waits = list(pool.map(one, range(4)))
    finally:
        holder.kill()
        holder.wait()
    assert max(waits) < 2 * timeout, waits
