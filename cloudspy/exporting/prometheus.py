"""Prometheus text exposition (format 0.0.4) for node_exporter's textfile collector.

Families written (all gauges; money in the currency named by the label):

- ``cloudspy_cost_last_day`` / ``cloudspy_cost_month_to_date``: cost per
  provider, service and account for yesterday (UTC) and for yesterday's month up
  to today;
- ``cloudspy_waste_monthly_savings``: open waste findings' savings per provider,
  rule and currency;
- ``cloudspy_last_sync_timestamp_seconds``, ``cloudspy_last_sync_success`` and
  ``cloudspy_last_sync_status``: the newest sync of each source and how it ended.

The textfile collector reads whatever is in the file when it scrapes, so the
file is always replaced atomically by the caller.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from cloudspy.exporting.selection import RowSelection
from cloudspy.models.reporting import WasteRow
from cloudspy.periods import Window, month_start
from cloudspy.store.cost_queries import CostFilter
from cloudspy.store.export_queries import cost_by_service, latest_runs

if TYPE_CHECKING:
    import duckdb

_PLACES = Decimal("0.0001")


def escape_label(value: str) -> str:
    """A label value escaped as the text format requires (backslash, quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


@dataclass
class Sample:
    """One line of a metric family."""

    labels: dict[str, str]
    value: Decimal | float | int


def family(name: str, help_text: str, samples: Iterable[Sample]) -> list[str]:
    """The ``# HELP``/``# TYPE`` header and sample lines of one gauge family."""
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for sample in samples:
        labels = ",".join(f'{k}="{escape_label(v)}"' for k, v in sample.labels.items())
        value = sample.value
        text = str(value.quantize(_PLACES)) if isinstance(value, Decimal) else repr(value)
        lines.append(f"{name}{{{labels}}} {text}" if labels else f"{name} {text}")
    return lines


def windows(today: date) -> tuple[Window, Window]:
    """Yesterday, and yesterday's month up to today (never empty, even on the 1st)."""
    yesterday = today - timedelta(days=1)
    return Window(yesterday, today), Window(month_start(yesterday), today)


def _cost_samples(
    conn: duckdb.DuckDBPyConnection, window: Window, filters: CostFilter, metric_column: str
) -> list[Sample]:
    where, params = RowSelection(window, filters).where(conn)
    rows = cost_by_service(conn, where, params, metric_column)
    return [
        Sample(
            {"provider": r[0], "service": r[1], "account": r[2], "currency": r[3]},
            r[4] if r[4] is not None else Decimal(0),
        )
        for r in rows
    ]


def _epoch(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()


def render(
    conn: duckdb.DuckDBPyConnection,
    *,
    today: date,
    filters: CostFilter,
    metric_column: str,
    waste: Sequence[WasteRow] | None,
    waste_note: str | None,
) -> tuple[str, int]:
    """The whole exposition text and its number of samples."""
    day, mtd = windows(today)
    lines: list[str] = []
    count = 0
    for name, window, what in (
        ("cloudspy_cost_last_day", day, f"{metric_column} on {day.start} (UTC)"),
        ("cloudspy_cost_month_to_date", mtd, f"{metric_column} from {mtd.start} to {today}"),
    ):
        samples = _cost_samples(conn, window, filters, metric_column)
        count += len(samples)
        lines += family(name, f"{what}, per provider, service and account.", samples)
    if waste is None:
        lines.append(f"# cloudspy_waste_monthly_savings: no data: {waste_note}")
    else:
        totals: dict[tuple[str, str, str], Decimal] = {}
        for finding in waste:
            if finding.monthly_savings is None or not finding.currency:
                continue
            key = (finding.provider or "", finding.rule, finding.currency)
            totals[key] = totals.get(key, Decimal(0)) + finding.monthly_savings
        samples = [
            Sample({"provider": k[0], "rule": k[1], "currency": k[2]}, v)
            for k, v in sorted(totals.items())
        ]
        count += len(samples)
        lines += family(
            "cloudspy_waste_monthly_savings",
            "Monthly savings of open waste findings, per provider and rule.",
            samples,
        )
    runs = latest_runs(conn)
    keys = [{"provider": r[0], "source": r[1], "scope": r[2]} for r in runs]
    lines += family(
        "cloudspy_last_sync_timestamp_seconds",
        "When the newest sync or import of each source finished (or started).",
        [Sample(k, _epoch(r[4])) for k, r in zip(keys, runs, strict=True)],
    )
    lines += family(
        "cloudspy_last_sync_success",
        "1 when the newest sync of each source succeeded, else 0.",
        [Sample(k, int(r[3] == "ok")) for k, r in zip(keys, runs, strict=True)],
    )
    lines += family(
        "cloudspy_last_sync_status",
        "The status of the newest sync of each source (ok, failed, partial, running).",
        [Sample({**k, "status": r[3]}, 1) for k, r in zip(keys, runs, strict=True)],
    )
    count += 3 * len(runs)
    return "\n".join(lines) + "\n", count
