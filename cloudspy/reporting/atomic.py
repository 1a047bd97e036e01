"""Atomic output files: write beside the target, then rename over it.

A report or export that fails half-way (a render error, a full disk, Ctrl-C)
never leaves a truncated file where last week's good one was: the target is
replaced only by :func:`os.replace` of a complete temporary file in the same
folder, which is atomic on POSIX and Windows.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from cloudspy.errors import CloudSpyError


class OutputError(CloudSpyError):
    """The output file cannot be written (missing folder, permissions, disk full)."""


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; rename it over ``target`` on success.

    The caller (or a library such as DuckDB's ``COPY``) writes the whole file to
    the yielded path. On any exception the temporary file is removed and
    ``target`` is left untouched.
    """
    target = Path(target).expanduser()
    folder = target.parent if str(target.parent) else Path()
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {target}: the folder {folder} does not exist",
            hint="create it first or pick another --out",
        )
    # A device, FIFO or symlink to one (/dev/stdout, /dev/null) is written through, never
    # renamed over: os.replace would swap the device node for a plain file (bug: #7).
    special = target.exists() and not target.resolve().is_file() and not target.is_dir()
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=None if special else folder
        )
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp creates 0600; the result gets the usual umask-based mode instead.
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        if special:
            with target.open("wb") as sink:
                sink.write(temporary.read_bytes())
            temporary.unlink()
        else:
            temporary.replace(target)
    except OSError as exc:
        with suppress(OSError):
            temporary.unlink()
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise


def write_atomic(target: Path, data: bytes | str) -> int:
    """Write ``data`` to ``target`` atomically; return the number of bytes written."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_path(target) as temporary:
        temporary.write_bytes(payload)
    return len(payload)
