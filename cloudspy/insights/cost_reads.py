"""What the insights read from the store: group totals and daily series, via ``aggregate``.

Everything here is a thin call into :mod:`cloudspy.store.cost_queries`, so the
insights share one aggregation path with ``cloudspy costs``; only aggregates
(one row per group, or per group and day) come back to Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cloudspy.cost_query.query import CostQuery, check_answerable
from cloudspy.errors import NoDataError
from cloudspy.periods import Window
from cloudspy.store.cost_queries import (
    METRIC_COLUMNS,
    AggregateSpec,
    CostFilter,
    aggregate,
    coverage,
    has_overlaps,
)
from cloudspy.store.dimension import Dimension

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class GroupTotal:
    """One group's cost in one currency over a window."""

    key: tuple[str, ...]
    currency: str
    cost: Decimal
    labels: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def answerable_scopes(
    conn: duckdb.DuckDBPyConnection,
    window: Window,
    dims: list[Dimension],
    filters: CostFilter,
    metric: str,
) -> list[dict[str, Any]]:
    """The cached scopes of ``window``; NoDataError when none, or when one lacks the grain."""
    scopes = coverage(conn, window.start, window.end, filters.providers)
    if not scopes:
        raise NoDataError(
            f"no costs are cached for {window}",
            hint="run `cloudspy sync` or `cloudspy import FILE`, or pick another period",
        )
    check_answerable(scopes, CostQuery(window=window, dims=dims, filters=filters, metric=metric))
    return scopes


def require_complete(
    conn: duckdb.DuckDBPyConnection, window: Window, filters: CostFilter, what: str
) -> None:
    """Refuse to answer when a cached account misses days of ``window``.

    A day that no source covers is unknown, not zero spend: summing around it
    would understate forecasts and budgets (#13). The error names the days and
    the command that fills them.
    """
    from cloudspy.store.cost_queries import coverage_gaps

    gaps = coverage_gaps(conn, window.start, window.end, filters.providers)
    if not gaps:
        return
    first = min(day for days in gaps.values() for day in days)
    last = max(day for days in gaps.values() for day in days)
    named = "; ".join(
        f"{provider} {account}: {_day_ranges(days)}" for (provider, account), days in gaps.items()
    )
    raise NoDataError(
        f"{what} ({window}) has days with no cached costs, which are not zero spend: {named}",
        hint=f"fill them with `cloudspy sync --since {first} --until {last + timedelta(days=1)}`"
        " (or import the files that cover them), or pick another period",
    )


def _day_ranges(days: list[date]) -> str:
    """``2026-11-01 – 2026-11-14 (14 days), 2026-11-20`` for sorted ``days``."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = [
        f"{run[0]}" if len(run) == 1 else f"{run[0]} – {run[-1]} ({len(run)} days)" for run in runs
    ]
    return ", ".join(parts)


def _spec(
    conn: duckdb.DuckDBPyConnection,
    window: Window,
    dims: list[Dimension],
    filters: CostFilter,
    metric: str,
    granularity: str,
) -> AggregateSpec:
    # An empty "previous" window: aggregate() then answers for ``window`` alone.
    return AggregateSpec(
        dims=dims,
        metric_column=METRIC_COLUMNS[metric],
        current=(window.start, window.end),
        previous=(window.start, window.start),
        filters=filters,
        granularity=granularity,
        top=None,
        exclude_overlaps=has_overlaps(conn, window.start, window.end),
    )


def window_totals(
    conn: duckdb.DuckDBPyConnection,
    window: Window,
    dims: list[Dimension],
    filters: CostFilter,
    metric: str,
) -> list[GroupTotal]:
    """Every group's cost in ``window``, per currency."""
    if window.days == 0:
        return []
    result = aggregate(conn, _spec(conn, window, dims, filters, metric, "month"))
    return [
        GroupTotal(tuple(g["key"]), g["currency"], g["cost"], dict(g["labels"]))
        for g in result.groups
    ]


def daily_series(
    conn: duckdb.DuckDBPyConnection,
    window: Window,
    dims: list[Dimension],
    filters: CostFilter,
    metric: str,
) -> dict[tuple[tuple[str, ...], str], dict[date, Decimal]]:
    """Per (group key, currency): the cost of each day of ``window`` that has any."""
    result = aggregate(conn, _spec(conn, window, dims, filters, metric, "day"))
    out: dict[tuple[tuple[str, ...], str], dict[date, Decimal]] = {}
    n = len(dims)
    for key, points in result.series.items():
        out[(tuple(key[:n]), key[n])] = dict(points)
    return out


def full_series(points: dict[date, Decimal], window: Window) -> list[Decimal]:
    """A value for every day of ``window`` (zero where nothing was charged)."""
    return [points.get(day, Decimal(0)) for day in window.each_day()]
