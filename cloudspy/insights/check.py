"""Limits for CI: budgets (actual and forecast period-end) and maximum increases.

The evaluators (:func:`evaluate_budget`, :func:`evaluate_increase`) are pure;
:func:`check_store` reads what they need from the store. Nothing here exits:
the CLI turns ``CheckResult.breached`` into exit code 1, and stale or missing
data raises :class:`StaleDataError` (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from cloudspy.cost_query.teams import TEAM, unallocated_notes
from cloudspy.currencies import amount_text
from cloudspy.errors import NoDataError, UsageError
from cloudspy.insights.baseline import BaselineFile
from cloudspy.insights.compare import change_pct
from cloudspy.insights.cost_reads import (
    GroupTotal,
    answerable_scopes,
    daily_series,
    full_series,
    require_complete,
    window_totals,
)
from cloudspy.insights.forecast import MIN_HISTORY_DAYS, forecast
from cloudspy.insights.period_pairs import next_period_start, period_pair, period_start
from cloudspy.models.costs import WindowModel
from cloudspy.models.insights import CheckItem, CheckResult
from cloudspy.periods import Window
from cloudspy.store.cost_queries import METRIC_COLUMNS, CostFilter, newest_day
from cloudspy.store.dimension import Dimension

if TYPE_CHECKING:
    import duckdb

HISTORY_DAYS = 84


class StaleDataError(NoDataError):
    """The cache's newest day is older than ``[check] max_stale_days`` allows."""


@dataclass(frozen=True)
class Limit:
    """One limit: a budget and/or a maximum increase, for the total or per group."""

    name: str
    by: Dimension | None = None
    group: str | None = None
    budget: tuple[Decimal, str | None] | None = None
    increase: tuple[Decimal, bool, str | None] | None = None
    min_amount: Decimal | None = None


def _money(amount: Decimal, currency: str) -> str:
    return amount_text(amount, currency)


def _group(limit: Limit, key: tuple[str, ...]) -> dict[str, str]:
    return {limit.by.name: key[0]} if limit.by is not None else {}


def _where(group: dict[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in group.items()) or "total"


def _currency_of(limit: Limit, wanted: str | None, currencies: set[str], what: str) -> set[str]:
    if wanted:
        return {wanted}
    if len(currencies) > 1:
        raise UsageError(
            f"{limit.name}: the costs are in {', '.join(sorted(currencies))}; a {what} "
            "without a currency is ambiguous",
            hint="name the currency, e.g. --budget '5000 USD'",
        )
    return currencies


def evaluate_budget(
    limit: Limit,
    actual: list[GroupTotal],
    projected: dict[tuple[tuple[str, ...], str], Decimal],
    period_label: str,
) -> list[CheckItem]:
    """Budget items: actual period-to-date, and actual + forecast to period end, per group.

    ``projected`` maps (key, currency) to the forecast period-end total.
    """
    assert limit.budget is not None
    amount, wanted = limit.budget
    found = {(g.key, g.currency): g.cost for g in actual}
    idents = set(found) | set(projected)
    if limit.group is not None:
        idents = {i for i in idents if i[0] == (limit.group,)}
        if not idents:
            idents = {((limit.group,), c) for c in {i[1] for i in found} or {wanted or "USD"}}
    currencies = _currency_of(limit, wanted, {i[1] for i in idents}, "budget")
    items = []
    for key, currency in sorted(i for i in idents if i[1] in currencies):
        group = _group(limit, key)
        spent = found.get((key, currency), Decimal(0))
        items.append(
            CheckItem(
                limit=limit.name,
                kind="budget",
                group=group,
                currency=currency,
                actual=spent,
                threshold=_money(amount, currency),
                limit_amount=amount,
                breached=spent > amount,
                message=f"{_where(group)}: {_money(spent, currency)} spent in {period_label}, "
                f"budget {_money(amount, currency)}",
            )
        )
        if (key, currency) in projected:
            total = projected[(key, currency)]
            items.append(
                CheckItem(
                    limit=limit.name,
                    kind="budget-forecast",
                    group=group,
                    currency=currency,
                    actual=total,
                    threshold=_money(amount, currency),
                    limit_amount=amount,
                    breached=total > amount,
                    message=f"{_where(group)}: {period_label} is forecast to end at "
                    f"{_money(total, currency)}, budget {_money(amount, currency)}",
                )
            )
    return items


def evaluate_increase(
    limit: Limit, current: list[GroupTotal], baseline: list[GroupTotal]
) -> list[CheckItem]:
    """Increase items: each group's change against its baseline, per currency.

    A percentage limit cannot judge a group without a baseline: such a group is
    reported as new, not breached (an absolute limit still applies to it).
    Groups below ``min_amount`` in both periods are left out.
    """
    assert limit.increase is not None
    value, is_pct, wanted = limit.increase
    cur = {(g.key, g.currency): g.cost for g in current}
    base = {(g.key, g.currency): g.cost for g in baseline}
    idents = set(cur) | set(base)
    if limit.group is not None:
        idents = {i for i in idents if i[0] == (limit.group,)}
    if not is_pct:
        currencies = _currency_of(limit, wanted, {i[1] for i in idents}, "maximum increase")
        idents = {i for i in idents if i[1] in currencies}
    threshold = f"+{value}%" if is_pct else f"+{value}"
    items = []
    for key, currency in sorted(idents):
        now, before = cur.get((key, currency), Decimal(0)), base.get((key, currency))
        floor = limit.min_amount
        if floor is not None and now < floor and (before or Decimal(0)) < floor:
            continue
        change = now - (before or Decimal(0))
        pct = change_pct(now, before) if before is not None else None
        breached = (pct is not None and pct > value) if is_pct else change > value
        group = _group(limit, key)
        shown = "new, no baseline" if before is None else f"{pct if pct is not None else '—'}%"
        items.append(
            CheckItem(
                limit=limit.name,
                kind="increase",
                group=group,
                currency=currency,
                actual=now,
                threshold=threshold if is_pct else _money(value, currency),
                baseline=before,
                change=change,
                change_pct=pct,
                breached=breached,
                message=f"{_where(group)}: {_money(now, currency)} against "
                f"{_money(before or Decimal(0), currency)} ({shown}), "
                f"limit {threshold if is_pct else '+' + _money(value, currency)}",
            )
        )
    return items


def check_freshness(
    conn: duckdb.DuckDBPyConnection, filters: CostFilter, today: date, max_stale_days: int
) -> date:
    """The newest cached day; StaleDataError when it is older than allowed, or nothing is cached."""
    newest = newest_day(conn, filters.providers)
    if newest is None:
        raise StaleDataError(
            "no costs are cached", hint="run `cloudspy sync` (or `cloudspy import FILE`) first"
        )
    age = (today - newest).days
    if age > max_stale_days:
        raise StaleDataError(
            f"the cached costs are stale: the newest cached day is {newest}, {age} days old "
            f"(allowed: {max_stale_days})",
            hint="run `cloudspy sync` before `cloudspy check`, or raise [check] max_stale_days",
        )
    return newest


def _projections(
    conn: duckdb.DuckDBPyConnection,
    limit: Limit,
    filters: CostFilter,
    metric: str,
    today: date,
    period_end: date,
    actual: list[GroupTotal],
) -> dict[tuple[tuple[str, ...], str], Decimal]:
    history = Window(today - timedelta(days=HISTORY_DAYS), today)
    dims = [limit.by] if limit.by else []
    series = daily_series(conn, history, dims, filters, metric)
    spent = {(g.key, g.currency): g.cost for g in actual}
    out = {}
    for ident, points in series.items():
        first = min(points)
        span = Window(max(first, history.start), today)
        if span.days < MIN_HISTORY_DAYS:
            continue
        ahead = (period_end - today).days
        rest = forecast(full_series(points, span), today, ahead).total if ahead else Decimal(0)
        out[ident] = spent.get(ident, Decimal(0)) + rest
    return out


def check_store(
    conn: duckdb.DuckDBPyConnection,
    limits: list[Limit],
    *,
    period: str,
    today: date,
    filters: CostFilter,
    metric: str,
    max_stale_days: int,
    baseline: BaselineFile | None = None,
    partial: bool = False,
) -> CheckResult:
    """Evaluate every limit against the cache (and the baseline file, when given)."""
    newest = check_freshness(conn, filters, today, max_stale_days)
    start = period_start(period, today)
    end = next_period_start(period, start)
    to_date = Window(start, today)
    label = f"{period} {start.isoformat()[: 7 if period == 'month' else 10]}"
    items: list[CheckItem] = []
    warnings: list[str] = []
    baseline_window: Window | None = None
    # Days after the newest cached one are the allowed lag (max_stale_days), not holes;
    # a day missing before it is unknown spend and refuses the check (#13).
    known_end = min(today, newest + timedelta(days=1))
    for limit in limits:
        dims = [limit.by] if limit.by else []
        if limit.budget is not None:
            answerable_scopes(conn, Window(today - timedelta(days=1), today), dims, filters, metric)
            require_complete(conn, _until(to_date, known_end), filters, "the budget period")
            require_complete(
                conn,
                _until(Window(today - timedelta(days=HISTORY_DAYS), today), known_end),
                filters,
                "the history the budget projection reads",
            )
            actual = window_totals(conn, to_date, dims, filters, metric)
            projected = _projections(conn, limit, filters, metric, today, end, actual)
            items += evaluate_budget(limit, actual, projected, label)
            if limit.by is not None and limit.by.name == TEAM:
                warnings += unallocated_notes([(g.key[0], g.currency, g.cost) for g in actual])
        if limit.increase is not None:
            current_w, base_totals, baseline_window = _increase_inputs(
                conn, limit, dims, filters, metric, period, today, baseline, partial
            )
            require_complete(conn, _until(current_w, known_end), filters, "the checked period")
            if baseline is None:
                require_complete(conn, baseline_window, filters, "the previous period")
            current = window_totals(conn, current_w, dims, filters, metric)
            items += evaluate_increase(limit, current, base_totals)
    return CheckResult(
        period=period,
        window=WindowModel(start=to_date.start, end=to_date.end),
        baseline_window=WindowModel(start=baseline_window.start, end=baseline_window.end)
        if baseline_window
        else None,
        metric=METRIC_COLUMNS[metric],
        newest_day=newest,
        items=items,
        warnings=list(dict.fromkeys(warnings)),
    )


def _until(window: Window, end: date) -> Window:
    """``window`` cut to end at ``end`` at the latest."""
    return Window(window.start, max(window.start, min(window.end, end)))


def _increase_inputs(
    conn: duckdb.DuckDBPyConnection,
    limit: Limit,
    dims: list[Dimension],
    filters: CostFilter,
    metric: str,
    period: str,
    today: date,
    baseline: BaselineFile | None,
    partial: bool,
) -> tuple[Window, list[GroupTotal], Window]:
    """The window to judge, the baseline totals, and the baseline's window."""
    if baseline is None:
        pair = period_pair(period, today, partial=partial)
        answerable_scopes(conn, pair.current, dims, filters, metric)
        return (
            pair.current,
            window_totals(conn, pair.previous, dims, filters, metric),
            pair.previous,
        )
    if baseline.metric != METRIC_COLUMNS[metric]:
        raise UsageError(
            f"the baseline {baseline.path} holds {baseline.metric}, not {METRIC_COLUMNS[metric]}",
            hint="pass the same --metric it was written with",
        )
    wanted = [limit.by.name] if limit.by else []
    if wanted and baseline.group_by != wanted:
        raise UsageError(
            f"the baseline {baseline.path} is grouped by {baseline.group_by or 'nothing'}, "
            f"not by {wanted}",
            hint=f"write it with `cloudspy costs --by {wanted[0]} --format json`",
        )
    current = Window(today - timedelta(days=baseline.window.days), today)
    answerable_scopes(conn, current, dims, filters, metric)
    return current, baseline.rows if wanted else baseline.totals, baseline.window
