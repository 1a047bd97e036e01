"""Build a :class:`~cloudspy.models.CostReport` from the cache.

The cache is asked first what it holds for the window (``cost_coverage``), so a
question it cannot answer at the requested grain or metric gets a clear
message instead of a wrong number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudspy.errors import NoDataError, UsageError
from cloudspy.models.costs import (
    CostGroup,
    CostReport,
    CurrencyTotal,
    SeriesPoint,
    SourceFreshness,
    WindowModel,
)
from cloudspy.periods import Window
from cloudspy.store.cost_queries import (
    METRIC_COLUMNS,
    AggregateSpec,
    CostFilter,
    aggregate,
    bucket_starts,
    coverage,
    covered_days,
    has_overlaps,
)
from cloudspy.store.dimension import Dimension

HUNDRED = Decimal(100)
PCT = Decimal("0.01")


@dataclass
class CostQuery:
    """A costs question: window, grouping, filters, metric, granularity, top N."""

    window: Window
    dims: list[Dimension] = field(default_factory=list)
    filters: CostFilter = field(default_factory=CostFilter)
    metric: str = "billed"
    granularity: str | None = None
    top: int | None = None

    def resolved_granularity(self) -> str:
        """The explicit granularity, or one that gives a readable number of buckets."""
        if self.granularity:
            return self.granularity
        if self.window.days <= 62:
            return "day"
        return "week" if self.window.days <= 190 else "month"


def check_answerable(scopes: list[dict[str, Any]], query: CostQuery) -> None:
    needed = {d.needs: d.name for d in query.dims}
    needed.update({name: name for name in query.filters.dimension_names()})
    for scope in scopes:
        have = set(scope["dimensions"])
        for need, asked in needed.items():
            ok = need in have or (need == "tag" and f"{asked}" in have)
            if not ok:
                raise NoDataError(
                    f"the cached {scope['source']} data of {scope['scope']} has no "
                    f"{asked!r} breakdown (it has: {', '.join(sorted(have))})",
                    hint="ask by one of those, filter it out with --provider, or import a "
                    "FOCUS/CUR export that has it",
                )
        if query.metric not in scope["metrics"]:
            raise NoDataError(
                f"the cached {scope['source']} data of {scope['scope']} has no "
                f"{METRIC_COLUMNS[query.metric]} (it has: {', '.join(scope['metrics'])})",
                hint="use --metric " + " or --metric ".join(scope["metrics"]),
            )


def run_cost_query(db: Path, query: CostQuery, *, lock_timeout: float = 15.0) -> CostReport:
    """Answer ``query`` from the cache at ``db``."""
    from cloudspy.store.connection import connect

    if query.metric not in METRIC_COLUMNS:
        raise UsageError(f"unknown --metric {query.metric!r}", hint="use billed, effective or list")
    window, previous = query.window, query.window.previous()
    granularity = query.resolved_granularity()
    with connect(db, read_only=True, timeout=lock_timeout) as conn:
        scopes = coverage(conn, window.start, window.end, query.filters.providers)
        if not scopes:
            raise NoDataError(
                f"no costs are cached for {window}",
                hint="run `cloudspy sync` or `cloudspy import FILE`, or pick another window",
            )
        check_answerable(scopes, query)
        prev_days = covered_days(conn, previous.start, previous.end, query.filters.providers)
        spec = AggregateSpec(
            dims=query.dims,
            metric_column=METRIC_COLUMNS[query.metric],
            current=(window.start, window.end),
            previous=(previous.start, previous.end),
            filters=query.filters,
            granularity=granularity,
            top=query.top,
            exclude_overlaps=has_overlaps(conn, previous.start, window.end),
        )
        result = aggregate(conn, spec)
    warnings = _coverage_warnings(scopes, window)
    previous_complete = all(prev_days.get(s["scope"], 0) >= previous.days for s in scopes)
    if not previous_complete:
        warnings.append(f"the previous period {previous} is not fully cached: no change shown")
    return _assemble(query, granularity, previous, previous_complete, scopes, result, warnings)


def _coverage_warnings(scopes: list[dict[str, Any]], window: Window) -> list[str]:
    out = []
    for scope in scopes:
        missing = window.days - scope["days"]
        if missing > 0:
            out.append(f"{scope['scope']} has no data for {missing} of {window.days} days")
        if scope["estimated_days"]:
            out.append(
                f"{scope['scope']}: {scope['estimated_days']} day(s) are estimates the "
                "provider may still restate"
            )
    return out


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(PCT)


def _assemble(
    query: CostQuery,
    granularity: str,
    previous: Window,
    previous_complete: bool,
    scopes: list[dict[str, Any]],
    result: Any,
    warnings: list[str],
) -> CostReport:
    window = query.window
    buckets = bucket_starts(window.start, window.end, granularity)
    totals: dict[str, list[Decimal]] = {}
    for g in result.groups:
        cur, prev = totals.setdefault(g["currency"], [Decimal(0), Decimal(0)]), g["previous"]
        cur[0] += g["cost"]
        cur[1] += prev or Decimal(0)
    rows = []
    for g in result.groups:
        # A group that vanished this period still shows, at zero, beside its old cost.
        names = [d.name for d in query.dims]
        series_map = dict(result.series.get((*g["key"], g["currency"]), []))
        prev = g["previous"] if previous_complete else None
        change = (g["cost"] - prev) if prev is not None else None
        rows.append(
            CostGroup(
                group=dict(zip(names, g["key"], strict=True)),
                labels=g["labels"],
                currency=g["currency"],
                cost=g["cost"],
                share_pct=_pct(g["cost"], totals[g["currency"]][0]),
                previous_cost=prev,
                change=change,
                change_pct=_pct(change, prev) if change is not None and prev else None,
                # A bucket whose rows all lack the metric (no ListCost on tax, say) adds 0.
                series=[
                    SeriesPoint(start=b, cost=series_map.get(b) or Decimal(0)) for b in buckets
                ],
            )
        )
    total_models = []
    for currency, (cost, prev) in sorted(totals.items()):
        prev_value = prev if previous_complete else None
        total_models.append(
            CurrencyTotal(
                currency=currency,
                cost=cost,
                previous_cost=prev_value,
                change_pct=_pct(cost - prev_value, prev_value) if prev_value else None,
            )
        )
    return CostReport(
        window=WindowModel(start=window.start, end=window.end),
        previous_window=WindowModel(start=previous.start, end=previous.end),
        metric=METRIC_COLUMNS[query.metric],
        group_by=[d.name for d in query.dims],
        granularity=granularity,
        totals=total_models,
        rows=rows,
        previous_complete=previous_complete,
        sources=[
            SourceFreshness(
                scope=s["scope"],
                source=s["source"],
                provider=s["provider"],
                days=s["days"],
                estimated_days=s["estimated_days"],
                fetched_at=s["fetched_at"].isoformat(timespec="seconds")
                if s["fetched_at"]
                else None,
            )
            for s in scopes
        ],
        warnings=warnings,
    )


def latest_day(db: Path) -> date | None:
    """The newest day any scope has cached (for the demo and freshness lines)."""
    from cloudspy.store.connection import connect
    from cloudspy.store.cost_queries import newest_day

    with connect(db, read_only=True) as conn:
        return newest_day(conn, [])
