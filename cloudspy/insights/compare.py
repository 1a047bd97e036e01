"""This period against the previous one: change per group, top movers, new and vanished groups.

:func:`compare_groups` is pure (group totals in, result out); :func:`compare_store`
fetches the two windows' group totals from the store and calls it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from cloudspy.cost_query.teams import TEAM, unallocated_share
from cloudspy.insights.cost_reads import GroupTotal, answerable_scopes, window_totals
from cloudspy.insights.period_pairs import PeriodPair
from cloudspy.models.costs import WindowModel
from cloudspy.models.insights import CompareResult, CompareRow, CompareTotal
from cloudspy.store.cost_queries import METRIC_COLUMNS, CostFilter, covered_days
from cloudspy.store.dimension import Dimension

if TYPE_CHECKING:
    import duckdb

PCT = Decimal("0.01")


def change_pct(current: Decimal, previous: Decimal) -> Decimal | None:
    """Relative change in percent; against a negative baseline (credits) the sign still
    says up or down. None when there is no baseline."""
    if not previous:
        return None
    return ((current - previous) * 100 / abs(previous)).quantize(PCT)


def _status(in_current: bool, in_previous: bool, change: Decimal) -> str:
    if in_current and not in_previous:
        return "new"
    if in_previous and not in_current:
        return "vanished"
    return "changed" if change else "unchanged"


def compare_groups(
    current: list[GroupTotal],
    previous: list[GroupTotal],
    group_by: list[str],
    *,
    top: int = 5,
) -> tuple[list[CompareTotal], list[CompareRow], list[CompareRow], list[CompareRow]]:
    """Totals per currency, every group's row (largest change first), movers up and down.

    Groups are matched on (key, currency); a group present in only one window is
    ``new`` or ``vanished``. Movers are the ``top`` largest changes per currency.
    """
    cur = {(g.key, g.currency): g for g in current}
    prev = {(g.key, g.currency): g for g in previous}
    rows: list[CompareRow] = []
    for ident in sorted(set(cur) | set(prev)):
        c, p = cur.get(ident), prev.get(ident)
        now = c.cost if c else Decimal(0)
        before = p.cost if p else Decimal(0)
        labels = {**(p.labels if p else {}), **(c.labels if c else {})}
        rows.append(
            CompareRow(
                group=dict(zip(group_by, ident[0], strict=True)),
                labels=labels,
                currency=ident[1],
                current=now,
                previous=before,
                change=now - before,
                change_pct=change_pct(now, before),
                status=_status(c is not None, p is not None, now - before),
            )
        )
    rows.sort(key=lambda r: (r.currency, -abs(r.change), -r.current))
    totals = []
    for currency in sorted({r.currency for r in rows}):
        now = sum((r.current for r in rows if r.currency == currency), Decimal(0))
        before = sum((r.previous for r in rows if r.currency == currency), Decimal(0))
        totals.append(
            CompareTotal(
                currency=currency,
                current=now,
                previous=before,
                change=now - before,
                change_pct=change_pct(now, before),
            )
        )
    up: list[CompareRow] = []
    down: list[CompareRow] = []
    for currency in sorted({r.currency for r in rows}):
        mine = [r for r in rows if r.currency == currency]
        up += sorted((r for r in mine if r.change > 0), key=lambda r: -r.change)[:top]
        down += sorted((r for r in mine if r.change < 0), key=lambda r: r.change)[:top]
    return totals, rows, up, down


def _with_unallocated(totals: list[CompareTotal], rows: list[CompareRow]) -> list[CompareTotal]:
    shares = unallocated_share([(r.group[TEAM], r.currency, r.current) for r in rows])
    return [
        t.model_copy(
            update={
                "unallocated": shares.get(t.currency, (None, None))[0],
                "unallocated_pct": shares.get(t.currency, (None, None))[1],
            }
        )
        for t in totals
    ]


def compare_store(
    conn: duckdb.DuckDBPyConnection,
    pair: PeriodPair,
    dims: list[Dimension],
    filters: CostFilter,
    metric: str,
    *,
    top: int = 5,
) -> CompareResult:
    """Compare ``pair.current`` with ``pair.previous`` from the cache."""
    warnings: list[str] = []
    scopes = answerable_scopes(conn, pair.current, dims, filters, metric)
    note = pair.note
    partial = pair.partial
    short = [s for s in scopes if s["days"] < pair.current.days]
    if short:
        partial = True
        note = "; ".join(
            f"{s['scope']} has data for {s['days']} of {pair.current.days} days" for s in short
        )
    prev_window = (pair.previous.start, pair.previous.end)
    prev_scopes = covered_days(conn, *prev_window, filters.providers)
    for s in scopes:
        if prev_scopes.get(s["scope"], 0) < pair.previous.days:
            warnings.append(
                f"{s['scope']} has data for {prev_scopes.get(s['scope'], 0)} of "
                f"{pair.previous.days} days of the previous period: its groups may look new"
            )
    group_by = [d.name for d in dims]
    current = window_totals(conn, pair.current, dims, filters, metric)
    previous = window_totals(conn, pair.previous, dims, filters, metric)
    totals, rows, up, down = compare_groups(current, previous, group_by, top=top)
    if TEAM in group_by:
        totals = _with_unallocated(totals, rows)
    return CompareResult(
        period=pair.period,
        label=pair.label + (" (partial)" if partial and not pair.partial else ""),
        current=WindowModel(start=pair.current.start, end=pair.current.end),
        previous=WindowModel(start=pair.previous.start, end=pair.previous.end),
        partial=partial,
        partial_note=note,
        metric=METRIC_COLUMNS[metric],
        group_by=group_by,
        totals=totals,
        rows=rows,
        movers_up=up,
        movers_down=down,
        new_groups=[r for r in rows if r.status == "new"],
        vanished_groups=[r for r in rows if r.status == "vanished"],
        warnings=warnings,
    )
