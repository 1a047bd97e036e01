"""Open a CSV or Parquet billing file as a DuckDB relation and describe its columns.

CSV is read with every column as text, so money never passes through DOUBLE
(DuckDB's type sniffing would make it one); the normalizing SQL casts to
DECIMAL itself. ``NULL`` and empty cells are both null, as the FOCUS sample needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cloudspy.errors import ImportFileError

if TYPE_CHECKING:
    import duckdb

CSV_SUFFIXES = (".csv", ".csv.gz", ".csv.zst", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq", ".snappy.parquet")


def check_readable(path: Path) -> None:
    """Refuse a path that does not exist, is a folder, or is empty."""
    if not path.exists():
        raise ImportFileError(f"{path} does not exist")
    if path.is_dir():
        raise ImportFileError(f"{path} is a folder", hint="name the files, e.g. exports/*.parquet")
    if path.stat().st_size == 0:
        raise ImportFileError(f"{path} is empty")


def file_kind(path: Path) -> str:
    """``csv`` or ``parquet``, from the name, else from the file's magic bytes."""
    check_readable(path)
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    try:
        with path.open("rb") as handle:
            head = handle.read(4)
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return "parquet" if head == b"PAR1" else "csv"


def source_sql(path: Path, kind: str) -> str:
    """The table function reading ``path`` (the path is a quoted SQL literal)."""
    literal = "'" + str(path).replace("'", "''") + "'"
    if kind == "parquet":
        return f"read_parquet({literal})"
    return f"read_csv({literal}, all_varchar = true, header = true, nullstr = ['NULL', ''])"


def describe(conn: duckdb.DuckDBPyConnection, path: Path, kind: str) -> dict[str, str]:
    """Column name → DuckDB type of the file, or a clear error if it cannot be read."""
    import duckdb

    check_readable(path)
    try:
        rows = conn.execute(f"DESCRIBE SELECT * FROM {source_sql(path, kind)}").fetchall()
    except (duckdb.Error, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ImportFileError(f"{path} is not a readable {kind.upper()} file ({first})") from None
    return {row[0]: row[1] for row in rows}
