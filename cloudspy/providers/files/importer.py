"""``cloudspy import``: billing export files into the cache, replacing earlier copies.

Each file is its own scope (``file:<absolute path>``): importing a file again —
a cron job re-reading an export the provider rewrote — replaces the rows that
file brought last time, in one transaction, so nothing is counted twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cloudspy.errors import ImportFileError, UsageError
from cloudspy.models.sync import ImportResult
from cloudspy.providers.files import azure_export, cur2, focus
from cloudspy.providers.files.mapping import FileMapping, bad_date, check_amounts
from cloudspy.providers.files.reader import describe, error_reason, file_kind, source_sql
from cloudspy.store.connection import connect, in_utc
from cloudspy.store.cost_writes import (
    coverage_from_rollup,
    incoming_view,
    replace_costs,
    scope_row_count,
    scope_summary,
)
from cloudspy.store.sync_log import Run

if TYPE_CHECKING:
    import duckdb

FORMATS = ("auto", "focus", "cur2", "azure-export")
FILE_PRIORITY = 30  # a provider's own export beats an API pull of the same days


def _friendly(path: Path, exc: Exception) -> ImportFileError:
    text = error_reason(exc)
    if "NOT NULL constraint failed" in text:
        column = text.rsplit(".", 1)[-1]
        return ImportFileError(f"{path}: a row has no value in required column {column}")
    return ImportFileError(f"{path}: {text}", hint="nothing was imported from this file")


def _focus_mapping(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    columns: dict[str, str],
    *,
    path: str,
    scope: str,
) -> FileMapping:
    focus.check_columns(path, columns)
    return FileMapping(
        format=focus.FORMAT,
        source="focus-file",
        select=focus.select_sql(source, columns, scope=scope),
        dimensions=focus.DIMENSIONS,
        metrics=focus.METRICS,
    )


# Tried in this order by --format auto: each looks at the header only.
_MAPPINGS = {
    "focus": (focus.looks_like, _focus_mapping),
    "cur2": (cur2.looks_like, cur2.mapping),
    "azure-export": (azure_export.looks_like, azure_export.mapping),
}


def _detect(path: Path, columns: dict[str, str]) -> str:
    for name, (looks_like, _) in _MAPPINGS.items():
        if looks_like(columns):
            return name
    raise ImportFileError(
        f"{path} is not a FOCUS, CUR 2.0 or Azure cost export file (its header has none of"
        " BilledCost, line_item_unblended_cost or Date/Cost/SubscriptionId/MeterCategory)",
        hint="export FOCUS 1.0 or newer, CUR 2.0, or an Azure cost export CSV",
    )


def import_one(conn: duckdb.DuckDBPyConnection, path: Path, fmt: str = "auto") -> ImportResult:
    """Import one file on an open read-write connection (one transaction)."""
    import duckdb

    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}", hint=f"use one of {', '.join(FORMATS)}")
    path = path.expanduser().resolve()
    kind = file_kind(path)
    columns = describe(conn, path, kind)
    name = _detect(path, columns) if fmt == "auto" else fmt
    scope = f"file:{path}"
    in_utc(conn)
    before = scope_row_count(conn, scope)
    try:
        mapping = _MAPPINGS[name][1](
            conn, source_sql(path, kind), columns, path=str(path), scope=scope
        )
    except duckdb.Error as exc:
        raise _friendly(path, exc) from None
    # Written on this connection, in the import's own transaction (no API to call).
    run = Run(None, provider="files", source=mapping.source, scope=scope, what="costs")
    run.start(conn)

    def refuse_empty(count: int) -> None:
        if count == 0:
            raise ImportFileError(
                f"{path} has no cost rows", hint="nothing was imported or replaced"
            )
        check_amounts(conn, scope, path)

    cov_sql, cov_params = coverage_from_rollup(
        scope, mapping.source, run.id, mapping.dimensions, mapping.metrics, FILE_PRIORITY
    )
    try:
        with incoming_view(conn, mapping.select):
            rows = replace_costs(
                conn,
                scope,
                None,
                coverage_sql=cov_sql,
                coverage_params=cov_params,
                check=refuse_empty,
            )
    except ImportFileError as exc:
        run.finish(conn, status="failed", error=exc.message)
        raise
    except duckdb.Error as exc:
        error = bad_date(conn, source_sql(path, kind), str(exc), path) or _friendly(path, exc)
        run.finish(conn, status="failed", error=error.message)
        raise error from None
    run.finish(conn, status="ok", rows=rows)
    summary = scope_summary(conn, scope)
    from cloudspy.currencies import is_iso_4217

    unknown = [c for c in summary[1] or [] if not is_iso_4217(c)]
    warnings = list(mapping.warnings)
    if unknown:
        # Real exports carry such codes (an Azure file said "MC"); the amounts are kept,
        # never added to another currency, and shown with two decimals.
        warnings.append(
            f"{path.name}: BillingCurrency {', '.join(map(repr, unknown))} is not an ISO 4217 "
            "code; its amounts are kept apart from every other currency"
        )
    return ImportResult(
        path=str(path),
        format=mapping.format,
        rows=rows,
        replaced_rows=before,
        providers=summary[0] or [],
        currencies=summary[1] or [],
        first_day=summary[2],
        last_day=summary[3],
        warnings=warnings,
    )


def import_files(
    db: Path, paths: list[Path], fmt: str = "auto", *, lock_timeout: float = 15.0
) -> list[ImportResult]:
    """Import each file in turn; a bad file stops the run with the earlier ones kept."""
    if not paths:
        raise UsageError("no files given", hint="cloudspy import FILE [FILE ...]")
    results = []
    for path in paths:
        with connect(db, read_only=False, timeout=lock_timeout) as conn:
            results.append(import_one(conn, Path(path), fmt))
    return results
