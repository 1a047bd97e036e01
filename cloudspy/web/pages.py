"""The dashboard's pages, rendered on the server from the same API the CLI uses.

Charts are the reports' SVG (credits below a zero line, one chart per currency,
currencies never added together); the only script reloads the page when a
filter changes, so the URL holds a view's whole state and can be shared.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from cloudspy.money import AT_MOST, AT_MOST_MEANS, shown
from cloudspy.providers.registry import PROVIDERS as REGISTRY

if TYPE_CHECKING:
    from cloudspy.web.app import ServeConfig

NAV = [
    ("overview", "Overview"),
    ("costs", "Costs"),
    ("resources", "Resources"),
    ("waste", "Waste"),
    ("forecast", "Forecast"),
    ("history", "Sync history"),
]
PERIODS = ["7d", "30d", "90d", "mtd", "last-month", "6m", "ytd"]
DIMENSIONS = ["service", "provider", "account", "region", "category", "charge", "team"]
METRICS = ["billed", "effective", "list"]
# The providers a filter offers: every one with an API connector, in registry order.
PROVIDERS = [info.name for info in REGISTRY.values() if info.entry_point is not None]


@dataclass
class TableView:
    """A table for ``table.html``: headers, rows, right-aligned columns, optional totals."""

    headers: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)
    totals: list[list[str]] = field(default_factory=list)
    id: str | None = None
    sort: Any = None


@cache
def _environment() -> Any:
    from pathlib import Path

    import jinja2

    folder = Path(__file__).parent / "templates"
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder), autoescape=True, trim_blocks=True
    )


def _one(params: Any, name: str, default: str = "") -> str:
    value = params.get(name)
    return value if value else default


def _money(amount: Decimal | None, currency: str | None, upper_bound: bool = False) -> str:
    """A money cell, ``—`` without an amount, ``≤`` before an upper bound."""
    return shown(amount, currency, missing="—", upper_bound=upper_bound)


def _pct(value: Decimal | None) -> str:
    from cloudspy.money import percent

    return percent(value, signed=True)


def _stacked_charts(report: Any, group: str) -> list[str]:
    """One stacked daily chart per currency, a bar segment per group."""
    from cloudspy.reporting.svg import stacked_bars

    charts = []
    by_currency: dict[str, dict[str, list[Decimal]]] = defaultdict(dict)
    days: dict[str, list[Any]] = {}
    for row in report.rows:
        name = " / ".join(row.group.values()) or "all"
        by_currency[row.currency][name] = [p.cost for p in row.series]
        days[row.currency] = [p.start for p in row.series]
    for currency, series in by_currency.items():
        chart = stacked_bars(days[currency], series, currency)
        charts.append(chart.replace("Daily cost by provider", f"Daily cost by {group}"))
    return charts


def overview(config: ServeConfig, params: Any) -> dict[str, Any]:
    """Totals per currency with change, the daily trend by provider, top services and
    accounts, and the freshness of each source."""
    api = config.answers
    last = _one(params, "last", "30d")
    common = {"last": last, "db": config.db, "settings": config.settings}
    by_provider = api.costs(by=["provider"], granularity="day", **common)
    services = api.costs(by=["service"], top=5, **common)
    accounts = api.costs(by=["account"], top=5, **common)

    def top(report: Any, header: str) -> TableView:
        return TableView(
            [header, "Cost", "Share"],
            [
                [" / ".join(r.group.values()), _money(r.cost, r.currency), f"{r.share_pct}%"]
                for r in report.rows
            ],
            right={1, 2},
        )

    return {
        "title": "Overview",
        "last": last,
        "periods": PERIODS,
        "totals": [
            {
                "currency": t.currency,
                "cost": _money(t.cost, t.currency),
                "change": _pct(t.change_pct),
            }
            for t in by_provider.totals
        ],
        "charts": _stacked_charts(by_provider, "provider"),
        "services": top(services, "Service"),
        "accounts": top(accounts, "Account"),
        "freshness": TableView(
            ["Source", "Provider", "Days cached", "Estimated days", "Fetched"],
            [
                [s.scope, s.provider, str(s.days), str(s.estimated_days), s.fetched_at or ""]
                for s in by_provider.sources
            ],
            right={2, 3},
        ),
    }


def costs(config: ServeConfig, params: Any) -> dict[str, Any]:
    """The costs explorer: period, group-by, filters and metric; table and chart together."""
    api = config.answers
    last = _one(params, "last", "30d")
    tag = _one(params, "tag")
    by = f"tag:{tag}" if tag else _one(params, "by", "service")
    filters = {
        name: [params.get(name)] if params.get(name) else []
        for name in ("provider", "region", "service", "account")
    }
    metric = _one(params, "metric", "billed")
    report = api.costs(
        last=last,
        by=[by],
        metric=metric,
        granularity="day",
        top=8,
        db=config.db,
        settings=config.settings,
        **filters,
    )
    table = TableView(
        [by.capitalize(), "Currency", "Cost", "Share", "Change"],
        [
            [
                " / ".join(r.group.values()),
                r.currency,
                _money(r.cost, r.currency),
                f"{r.share_pct}%",
                _pct(r.change_pct),
            ]
            for r in report.rows
        ],
        right={2, 3, 4},
        totals=[
            ["Total", t.currency, _money(t.cost, t.currency), "100%", _pct(t.change_pct)]
            for t in report.totals
        ],
        id="costs-table",
    )
    return {
        "title": f"Costs by {by}",
        "last": last,
        "by": by,
        "metric": metric,
        "periods": PERIODS,
        "dimensions": DIMENSIONS,
        "metrics": METRICS,
        "providers": PROVIDERS,
        "provider": _one(params, "provider"),
        "region": _one(params, "region"),
        "service": _one(params, "service"),
        "account": _one(params, "account"),
        "tag": tag,
        "charts": _stacked_charts(report, by),
        "table": table,
    }


def _sorter(params: Any, headers: list[str]) -> Any:
    def link(header: str) -> str:
        query = {k: v for k, v in params.items() if k not in ("sort", "desc")}
        query["sort"] = header
        if params.get("sort") == header and not params.get("desc"):
            query["desc"] = "1"
        return urlencode(query)

    return link


def _sorted(rows: list[list[str]], headers: list[str], params: Any) -> list[list[str]]:
    column = params.get("sort")
    if column not in headers:
        return rows
    index = headers.index(column)

    def key(row: list[str]) -> Any:
        text = row[index].removeprefix(AT_MOST).lstrip("$€£¥").replace(",", "")
        try:
            return (0, float(text.split()[0]), "")
        except (ValueError, IndexError):
            return (1, 0.0, row[index])

    return sorted(rows, key=key, reverse=bool(params.get("desc")))


def resources(config: ServeConfig, params: Any) -> dict[str, Any]:
    """The unified inventory, filtered by cloud, region and kind, sortable by any column."""
    api = config.answers

    def many(name: str) -> list[str]:
        return [params.get(name)] if params.get(name) else []

    result = api.resources(
        provider=many("provider"),
        region=many("region"),
        kind=many("kind"),
        db=config.db,
        settings=config.settings,
    )
    headers = ["Provider", "Account", "Region", "Kind", "Id", "Name", "State", "Monthly"]
    rows = [
        [r.provider, r.account, r.region, r.kind, r.resource_id, r.name or "", r.state or "",
         _money(r.monthly_cost, r.currency, r.upper_bound)]
        for r in result.rows
    ]  # fmt: skip
    bounded = any(r.upper_bound for r in result.rows)
    return {
        "title": f"Resources ({result.count})",
        "note": result.snapshot.describe() + (f"; {AT_MOST_MEANS}" if bounded else ""),
        "form": [
            {
                "label": "Cloud",
                "name": "provider",
                "value": _one(params, "provider"),
                "options": PROVIDERS,
            },
            {
                "label": "Kind",
                "name": "kind",
                "value": _one(params, "kind"),
                "options": ["vm", "disk", "ip", "snapshot", "load_balancer"],
            },
            {"label": "Region", "name": "region", "value": _one(params, "region"), "options": []},
        ],
        "table": TableView(
            headers,
            _sorted(rows, headers, params),
            right={7},
            id="resources-table",
            sort=_sorter(params, headers),
        ),
    }


def waste(config: ServeConfig, params: Any) -> dict[str, Any]:
    """Findings with their monthly savings, evidence and the fix."""
    api = config.answers
    from cloudspy.waste_rules.registry import all_rules

    report = api.waste(
        provider=[params.get("provider")] if params.get("provider") else [],
        db=config.db,
        settings=config.settings,
    )
    fixes = {rule.meta.id: rule.meta.fix for rule in all_rules()}
    rows = [
        [f.rule, f.provider, f.region, f.resource_id, f.reason,
         _money(f.monthly_savings, f.currency, f.upper_bound), fixes.get(f.rule, "")]
        for f in report.findings
    ]  # fmt: skip
    bounded = any(t.upper_bound for t in report.totals)
    return {
        "title": f"Waste ({len(report.findings)} findings)",
        "note": report.snapshot.describe() + (f"; {AT_MOST_MEANS}" if bounded else ""),
        "form": [
            {
                "label": "Cloud",
                "name": "provider",
                "value": _one(params, "provider"),
                "options": PROVIDERS,
            },
        ],
        "table": TableView(
            ["Rule", "Provider", "Region", "Resource", "Reason and evidence", "Monthly", "Fix"],
            rows,
            right={5},
            totals=[
                [
                    "Total",
                    "",
                    "",
                    f"{t.findings} priced",
                    "",
                    _money(t.monthly_savings, t.currency, t.upper_bound),
                    "",
                ]
                for t in report.totals
            ],
            id="waste-table",
        ),
    }


def forecast(config: ServeConfig, params: Any) -> dict[str, Any]:
    """Our forecast per provider and in total (no provider API: the server calls none)."""
    api = config.answers
    result = api.forecast(
        horizon=_one(params, "horizon", "30d"),
        by=["provider"],
        provider_forecasts=False,
        db=config.db,
        settings=config.settings,
    )
    rows = [
        [("Total " + s.currency) if s.is_total else s.name, s.currency,
         _money(s.actual_to_date, s.currency), _money(s.forecast, s.currency),
         f"{_money(s.lower, s.currency)} – {_money(s.upper, s.currency)}",
         _money(s.period_total, s.currency)]
        for s in result.series
    ]  # fmt: skip
    return {
        "title": f"Forecast ({result.horizon_label})",
        "note": result.method,
        "table": TableView(
            ["Provider", "Currency", "Month to date", "Forecast", "80 % interval", "Month end"],
            rows,
            right={2, 3, 4, 5},
            id="forecast-table",
        ),
    }


def history(config: ServeConfig, params: Any) -> dict[str, Any]:
    """Sync runs and imports, newest first."""
    api = config.answers
    runs = api.history(limit=100, db=config.db, settings=config.settings)
    rows = [
        [r.started_at.isoformat(sep=" ", timespec="seconds"), r.provider, r.source, r.scope,
         r.status, "" if r.rows_written is None else str(r.rows_written),
         "" if r.api_calls is None else str(r.api_calls), r.error or ""]
        for r in runs
    ]  # fmt: skip
    return {
        "title": "Sync history",
        "table": TableView(
            ["Started", "Provider", "Source", "Scope", "Status", "Rows", "API calls", "Error"],
            rows,
            right={5, 6},
            id="history-table",
        ),
    }


PAGES = {
    "overview": ("overview.html", overview),
    "costs": ("costs.html", costs),
    "resources": ("list.html", resources),
    "waste": ("list.html", waste),
    "forecast": ("list.html", forecast),
    "history": ("list.html", history),
}


def render_page(name: str, config: ServeConfig, params: Any) -> tuple[int, str]:
    """(HTTP status, HTML) of a page; a CloudSpy error is shown on the page, one line."""
    from cloudspy.errors import CloudSpyError
    from cloudspy.web.app import error_status

    if name not in PAGES:
        template, context, status = "list.html", {"title": "Not found", "table": None}, 404
        context["error"] = f"there is no page /{name}"
    else:
        template, build = PAGES[name]
        status = 200
        try:
            context = build(config, params)
        except CloudSpyError as exc:
            status = error_status(exc)
            context = {"title": dict(NAV)[name], "error": exc.one_line(), "table": None,
                       "charts": [], "totals": [], "periods": PERIODS}  # fmt: skip
            template = "list.html"
    context.update(page=name, nav=NAV, demo=config.demo)
    return status, _environment().get_template(template).render(**context)
