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
        raise ImportFileError(
            f"{path} is not a readable {kind.upper()} file ({error_reason(exc)})"
        ) from None
    if kind == "csv" and len(rows) == 1 and "," in rows[0][0]:
        # The sniffer falls back to one column when rows have differing field
        # counts; "the header has no BilledCost" would then mislead (#7).
        raise ImportFileError(
            f"{path} is not a readable CSV file (its rows have different numbers of fields)",
            hint="is it truncated or hand-edited? export it again",
        )
    return {row[0]: row[1] for row in rows}


def error_reason(exc: BaseException) -> str:
    """The first line of a DuckDB read error, or plain words for a file not in UTF-8.

    DuckDB's first line for a Latin-1 or UTF-16 file is only "CSV Error on Line: N";
    the reason is further down its message (#7).
    """
    text = str(exc).strip()
    if "not utf-8 encoded" in text:
        return "it is not UTF-8 text: save it as UTF-8"
    return text.splitlines()[0] if text else type(exc).__name__
