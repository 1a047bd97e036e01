"""Short-lived DuckDB connections with bounded, explained waits for the file lock.

DuckDB lets one process open a file read-write, or several open it read-only,
never both (DESIGN.md §6). So CloudSpy never holds a connection while it calls a
cloud API: fetch first, then open, write in one short transaction, close.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cloudspy.errors import NoDataError, StoreError, StoreLockedError
from cloudspy.store.engine import engine

if TYPE_CHECKING:
    import duckdb

DEFAULT_LOCK_TIMEOUT = 15.0
# DuckDB shares one database instance per file inside a process, and refuses a
# read-only and a read-write open of the same file side by side; threads of one
# process (parallel syncs) therefore take turns here instead of failing.
_PROCESS_LOCK = threading.RLock()
# Who holds the file while a thread of this process waits for it: the threads
# queued behind that one name the same holder when their wait runs out.
_waiting_on: str | None = None
_PID = re.compile(r"PID (\d+)")
# Files whose read-only opens share one connection (see keep_reads_open), and that
# connection once opened. Guarded by _PROCESS_LOCK.
_keeping: set[Path] = set()
_kept: dict[Path, duckdb.DuckDBPyConnection] = {}


def _lock_holder(message: str) -> str:
    """Name the process DuckDB says holds the lock, with its command line when visible."""
    match = _PID.search(message)
    if not match:
        return "another process"
    pid = match.group(1)
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        # Whitespace collapsed: an argument may hold newlines, the error is one line.
        command = " ".join(raw.replace(b"\0", b" ").decode(errors="replace").split())
    except OSError:
        command = ""
    return f"process {pid} ({command[:120]})" if command else f"process {pid}"


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _open(
    path: Path, read_only: bool, timeout: float, since: float | None = None
) -> duckdb.DuckDBPyConnection:
    duckdb = engine()
    # The wait is bounded from ``since`` (when the caller began waiting), not per attempt.
    deadline = (time.monotonic() if since is None else since) + timeout
    delay = 0.05
    while True:
        try:
            conn = duckdb.connect(str(path), read_only=read_only)
            _note_holder(None)
            # No progress bar: stderr belongs to CloudSpy's own progress lines.
            conn.execute("PRAGMA disable_progress_bar")
            return conn
        except duckdb.IOException as exc:
            if "not a valid DuckDB database file" in str(exc):
                raise StoreError(
                    f"the cache {path} is not a readable DuckDB file (corrupted or not DuckDB)",
                    hint="move it aside or pass --db; CloudSpy never overwrites it",
                ) from exc
            if not _is_lock_error(exc):
                raise StoreError(
                    f"cannot open the cache {path}: {_first_line(exc)}",
                    hint="check the path and its permissions, or pass --db",
                ) from exc
            holder = _note_holder(_lock_holder(str(exc)))
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreLockedError(
                    f"the cache {path} is locked by {holder}; waited {timeout:g}s",
                    hint="try again when it finishes, or raise [cache] lock_timeout_seconds",
                ) from None
            time.sleep(min(delay, left))
            delay = min(delay * 2, 1.0)
        except duckdb.Error as exc:
            raise StoreError(
                f"the cache {path} is not a readable DuckDB file ({_first_line(exc)})",
                hint="move it aside or pass --db; CloudSpy never overwrites it",
            ) from exc


def _note_holder(holder: str | None) -> str | None:
    global _waiting_on
    _waiting_on = holder
    return holder


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _check_is_cloudspy(conn: duckdb.DuckDBPyConnection, path: Path) -> set[str]:
    """Refuse a DuckDB file that holds someone else's tables (never migrate over it).

    Returns the file's table and view names.
    """
    from cloudspy.store.migrations import main_relations

    tables = main_relations(conn)
    if tables and "_migrations" not in tables:
        raise StoreError(
            f"{path} is a DuckDB file but not a CloudSpy cache",
            hint="pass --db with another path; CloudSpy leaves this file alone",
        )
    return tables


@contextmanager
def connect(
    path: Path, *, read_only: bool = True, timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the cache, migrated to the current schema, and close it afterwards.

    A read-only open of a file that does not exist yet raises :class:`NoDataError`:
    there is nothing cached to answer from.
    """
    path = Path(path)
    if read_only and not path.exists():
        raise NoDataError(
            f"no cache at {path} yet",
            hint="run `cloudspy sync`, `cloudspy import FILE` or `cloudspy demo` first",
        )
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the cache folder {path.parent}: {exc}") from exc
    started = time.monotonic()
    # Threads queued here spend the same bounded wait, not one wait each in turn.
    if not _PROCESS_LOCK.acquire(timeout=max(timeout, 0.0)):
        holder = _waiting_on
        raise StoreLockedError(
            f"the cache {path} is locked by {holder}; waited {timeout:g}s"
            if holder
            else f"the cache {path} is in use by another thread of this process;"
            f" waited {timeout:g}s",
            hint="try again when it finishes, or raise [cache] lock_timeout_seconds",
        )
    try:
        kept = _kept.get(path)
        if kept is not None and read_only:
            yield kept
            return
        if kept is not None:
            # DuckDB refuses a write open beside a read-only one in the same process.
            del _kept[path]
            kept.close()
        conn = _open(path, read_only, timeout, since=started)
        try:
            conn = _prepare(conn, path, read_only, timeout)
        except BaseException:
            conn.close()
            raise
        if read_only and path in _keeping:
            _kept[path] = conn
            yield conn
            return
        try:
            yield conn
        finally:
            conn.close()
    finally:
        _PROCESS_LOCK.release()


@contextmanager
def keep_reads_open(path: Path) -> Iterator[None]:
    """Within the block, read-only opens of ``path`` share one connection.

    A warm ``cloudspy costs`` reads the store twice (is it fresh? then the
    answer); opening the file once saves a sizeable part of its budget (#12).
    A write open in between closes the shared connection first. Call
    :func:`stop_keeping` before any cloud API call: the shared connection is a
    read lock that would keep another process's sync from writing. Blocks nest:
    the connection is closed when the outermost one ends.
    """
    path = Path(path)
    with _PROCESS_LOCK:
        outermost = path not in _keeping
        _keeping.add(path)
    try:
        yield
    finally:
        if outermost:
            stop_keeping(path)


def stop_keeping(path: Path) -> None:
    """Close the shared read connection to ``path`` and open per use again."""
    path = Path(path)
    with _PROCESS_LOCK:
        _keeping.discard(path)
        kept = _kept.pop(path, None)
        if kept is not None:
            kept.close()


def _prepare(
    conn: duckdb.DuckDBPyConnection, path: Path, read_only: bool, timeout: float
) -> duckdb.DuckDBPyConnection:
    """Check the file is ours and bring its schema up to date; return the usable connection."""
    duckdb = engine()
    from cloudspy.store.migrations import all_versions, applied_versions, apply_migrations

    try:
        tables = _check_is_cloudspy(conn, path)
        if not read_only:
            apply_migrations(conn)
            return conn
        if all_versions() <= applied_versions(conn, tables):
            return conn
    except duckdb.Error as exc:
        raise StoreError(
            f"the cache {path} could not be read ({_first_line(exc)})",
            hint="move it aside or pass --db; nothing was changed",
        ) from exc
    # An older cache opened for reading: upgrade it once with a short write open.
    conn.close()
    with connect(path, read_only=False, timeout=timeout):
        pass
    return _open(path, True, timeout)


def in_utc(conn: duckdb.DuckDBPyConnection) -> None:
    """Make this session read and write timestamps in UTC (file imports and exports:
    a file's zoned timestamps become the naive UTC the ``cost`` table holds)."""
    conn.execute("SET TimeZone = 'UTC'")
