"""The OpenAPI 3.1 document of ``/api/v1`` (served at ``/api/v1/openapi.json``)."""

from __future__ import annotations

from typing import Any

from cloudspy import __version__

_PERIOD = ["last", "since", "until"]
_FILTERS = ["provider", "region", "service", "account"]
PARAMETERS: dict[str, tuple[str, bool, str]] = {
    # name: (type, repeatable, description) — the CLI option of the same name
    "last": ("string", False, "Period: Nd, Nw, Nm, Ny, mtd, ytd, last-month, last-week."),
    "since": ("string", False, "First day, YYYY-MM-DD (UTC)."),
    "until": ("string", False, "Day after the last, YYYY-MM-DD (exclusive)."),
    "by": ("string", True, "Group by a dimension (provider, service, region, tag:KEY, team …)."),
    "provider": ("string", True, "Only this provider."),
    "region": ("string", True, "Only this region."),
    "service": ("string", True, "Only services whose name contains this."),
    "account": ("string", True, "Only this account, project or subscription."),
    "metric": ("string", False, "billed, effective or list."),
    "top": ("integer", False, "How many rows, largest first."),
    "granularity": ("string", False, "Trend buckets: day, week or month."),
    "period": ("string", False, "compare: week, month, quarter or year."),
    "horizon": ("string", False, "forecast: 30d, month-end …"),
    "history": ("string", False, "forecast: the history it learns from, e.g. 90d."),
    "kind": ("string", True, "resources: vm, disk, ip, snapshot, load_balancer."),
    "state": ("string", True, "resources: the resource state."),
    "tag": ("string", True, "resources: KEY=VALUE."),
    "rule": ("string", True, "waste: only this rule."),
    "min_monthly_savings": ("string", False, "waste: hide smaller findings."),
    "limit": ("integer", False, "history: how many runs."),
}
ENDPOINTS: dict[str, tuple[str, list[str]]] = {
    "costs": ("Costs over a window, grouped (cloudspy costs)",
              [*_PERIOD, "by", *_FILTERS, "metric", "top", "granularity"]),
    "compare": ("This period against the previous one (cloudspy compare)",
                ["period", "since", "until", "by", *_FILTERS, "metric", "top"]),
    "forecast": ("Forecast per group and in total (cloudspy forecast)",
                 ["horizon", "history", "by", *_FILTERS, "metric"]),
    "resources": ("The inventory (cloudspy resources)",
                  ["provider", "region", "kind", "state", "tag"]),
    "waste": ("Priced waste findings (cloudspy waste)",
              ["provider", "region", "rule", "min_monthly_savings"]),
    "history": ("Sync runs and imports (cloudspy history)", ["limit"]),
}  # fmt: skip


def openapi() -> dict[str, Any]:
    """The document: one GET per endpoint, its query parameters, its errors."""
    paths: dict[str, Any] = {}
    for name, (summary, params) in ENDPOINTS.items():
        parameters = []
        for param in params:
            kind, many, text = PARAMETERS[param]
            schema: dict[str, Any] = {"type": kind}
            if many:
                schema = {"type": "array", "items": {"type": kind}}
            parameters.append(
                {
                    "name": param,
                    "in": "query",
                    "required": False,
                    "description": text,
                    "schema": schema,
                    "explode": True,
                }
            )
        paths[f"/api/v1/{name}"] = {
            "get": {
                "summary": summary,
                "description": f"Exactly the JSON of `cloudspy {name} --format json`.",
                "parameters": parameters,
                "responses": {
                    "200": {"description": "The CLI's JSON.", "content": {"application/json": {}}},
                    "400": {"description": "A bad parameter; `error` is the CLI's one line."},
                    "401": {"description": "A token is required (non-loopback bind)."},
                    "404": {"description": "Nothing cached for the question."},
                    "503": {"description": "A sync or import holds the store; retry."},
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "CloudSpy",
            "version": __version__,
            "description": "Read-only API over the local CloudSpy cache.",
        },
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
