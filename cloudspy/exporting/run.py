"""Run one export: open the store read-only, write the file atomically, report what was written."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

from cloudspy.errors import UsageError
from cloudspy.exporting import FORMATS, ROW_FORMATS
from cloudspy.exporting.selection import RowSelection
from cloudspy.models.costs import CurrencyTotal, WindowModel
from cloudspy.models.reporting import ExportResult, WasteRow
from cloudspy.reporting.atomic import OutputError, atomic_path, write_atomic

WasteSource = Callable[[], Sequence[WasteRow]]


def _write_failure(exc: Exception) -> str:
    """The OS reason inside a DuckDB write error ("File too large"), else its first line."""
    import re

    text = str(exc)
    found = re.search(r'Could not write file [^:]*: ([^"\n]+)', text)
    if found:
        return found.group(1).strip()
    lines = text.strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def check_format(fmt: str) -> str:
    """Validate an export format name."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    return fmt


def export_rows_file(
    db: Path,
    fmt: str,
    out: Path,
    selection: RowSelection,
    *,
    metric: str,
    lock_timeout: float,
) -> ExportResult:
    """Write the selected cost rows as ``fmt`` (csv, json, parquet, focus) to ``out``."""
    from cloudspy.exporting.rows import export_rows
    from cloudspy.store.connection import connect

    if fmt not in ROW_FORMATS:
        raise UsageError(f"{fmt!r} is not a row format", hint=f"use {', '.join(ROW_FORMATS)}")
    import duckdb

    try:
        with connect(db, read_only=True, timeout=lock_timeout) as conn, atomic_path(out) as tmp:
            rows, totals = export_rows(conn, selection, fmt, tmp, out)
    except duckdb.IOException as exc:
        # DuckDB's COPY reports a full disk or EFBIG as its own IOException (#7).
        raise OutputError(f"cannot write {out}: {_write_failure(exc)}") from None
    notes = []
    if rows == 0:
        notes.append(f"no cost rows in {selection.window}: the file has only a header")
    return ExportResult(
        path=str(out),
        format=fmt,
        rows=rows,
        bytes=out.stat().st_size,
        window=WindowModel(start=selection.window.start, end=selection.window.end),
        metric=metric,
        totals=[CurrencyTotal(currency=c, cost=v) for c, v in totals],
        notes=notes,
    )


def prometheus_text(
    db: Path,
    selection: RowSelection,
    *,
    today: date,
    metric_column: str,
    waste: WasteSource,
    lock_timeout: float,
) -> tuple[str, int, str | None]:
    """The Prometheus exposition text, its number of samples, and why waste is missing
    (None when it is there): what the textfile export writes and ``serve`` answers."""
    from cloudspy.errors import NoDataError
    from cloudspy.exporting.prometheus import render
    from cloudspy.store.connection import connect

    findings: Sequence[WasteRow] | None
    note = None
    try:
        findings = waste()
    except NoDataError as exc:
        findings, note = None, exc.one_line()
    with connect(db, read_only=True, timeout=lock_timeout) as conn:
        text, samples = render(
            conn,
            today=today,
            filters=selection.filters,
            metric_column=metric_column,
            waste=findings,
            waste_note=note,
        )
    return text, samples, note


def export_prometheus_file(
    db: Path,
    out: Path,
    selection: RowSelection,
    *,
    today: date,
    metric_column: str,
    waste: WasteSource,
    lock_timeout: float,
) -> ExportResult:
    """Write the Prometheus metrics to ``out`` (atomically, as the textfile collector needs)."""
    text, samples, note = prometheus_text(
        db,
        selection,
        today=today,
        metric_column=metric_column,
        waste=waste,
        lock_timeout=lock_timeout,
    )
    size = write_atomic(out, text)
    return ExportResult(
        path=str(out),
        format="prometheus",
        rows=samples,
        bytes=size,
        metric=metric_column,
        notes=[f"waste: no data: {note}"] if note else [],
    )
