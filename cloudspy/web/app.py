"""The ASGI application: dashboard pages, ``/api/v1/*``, ``/metrics`` and ``/healthz``.

Every answer comes from the same :mod:`cloudspy.api` functions the CLI calls (handed
in as :class:`Answers` by ``cloudspy.api.serve``, so this package does not import the
API that starts it; #16), and
the JSON API writes exactly the CLI's ``--format json`` (the same renderers), so
there is one contract. Query parameters are the CLI's option names (``last``,
``since``, ``until``, ``by`` repeatable, ``provider``, ``region``, ``service``,
``account``, ``metric``, ``top`` …). A bad parameter is a 400 carrying the CLI's
one-line message; a store held by a writer (a cron sync) is a 503 with
``Retry-After`` after a short wait, never a hang.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cloudspy.web.security import COOKIE, SECURITY_HEADERS, Guard

# A request waits this long for a writer (sync, import) to release the store, then
# answers 503: a dashboard refresh is not worth holding a cron job's lock for.
REQUEST_LOCK_WAIT = 3.0


class Answers(Protocol):
    """The functions a server answers with: :mod:`cloudspy.api` is one."""

    costs: Callable[..., Any]
    compare: Callable[..., Any]
    forecast: Callable[..., Any]
    resources: Callable[..., Any]
    waste: Callable[..., Any]
    history: Callable[..., Any]
    metrics_text: Callable[..., str]


@dataclass(frozen=True)
class ServeConfig:
    """What one server answers from, and who may ask."""

    db: Path
    settings: Any
    guard: Guard
    answers: Answers
    demo: bool = False


def _many(params: Any, name: str) -> list[str]:
    return [v for v in params.getlist(name) if v != ""]


def _one(params: Any, name: str) -> str | None:
    value = params.get(name)
    return value if value not in (None, "") else None


def _int(params: Any, name: str) -> int | None:
    from cloudspy.errors import UsageError

    value = _one(params, name)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise UsageError(
            f"--{name.replace('_', '-')} must be a whole number, not {value!r}"
        ) from None


def _filters(params: Any) -> dict[str, list[str]]:
    return {
        "provider": _many(params, "provider"),
        "region": _many(params, "region"),
        "service": _many(params, "service"),
        "account": _many(params, "account"),
    }


def api_costs(config: ServeConfig, params: Any) -> str:
    """``/api/v1/costs``: ``cloudspy costs --format json``."""
    import json

    api = config.answers
    from cloudspy.render.costs_render import costs_document

    report = api.costs(
        last=_one(params, "last"),
        since=_one(params, "since"),
        until=_one(params, "until"),
        by=_many(params, "by") or ["service"],
        metric=_one(params, "metric"),
        granularity=_one(params, "granularity"),
        top=_int(params, "top"),
        db=config.db,
        settings=config.settings,
        **_filters(params),
    )
    # The CLI's JSON value, written compactly (C encoder): the same contract, less time.
    return json.dumps(costs_document(report), ensure_ascii=False, separators=(",", ":"))


def api_compare(config: ServeConfig, params: Any) -> str:
    """``/api/v1/compare``: ``cloudspy compare --format json``."""
    api = config.answers
    from cloudspy.render.compare_render import compare_json

    result = api.compare(
        period=_one(params, "period") or "month",
        since=_one(params, "since"),
        until=_one(params, "until"),
        by=_many(params, "by") or ["service"],
        metric=_one(params, "metric"),
        top=_int(params, "top") or 5,
        db=config.db,
        settings=config.settings,
        **_filters(params),
    )
    return compare_json(result)


def api_forecast(config: ServeConfig, params: Any) -> str:
    """``/api/v1/forecast``: ``cloudspy forecast --offline --format json``."""
    api = config.answers
    from cloudspy.render.forecast_render import forecast_json

    result = api.forecast(
        horizon=_one(params, "horizon") or "30d",
        history=_one(params, "history") or "90d",
        by=_many(params, "by") or ["provider"],
        metric=_one(params, "metric"),
        provider_forecasts=False,  # the server calls no cloud API
        db=config.db,
        settings=config.settings,
        **_filters(params),
    )
    return forecast_json(result)


def api_resources(config: ServeConfig, params: Any) -> str:
    """``/api/v1/resources``: ``cloudspy resources --format json``."""
    api = config.answers
    from cloudspy.render.inventory_render import resources_json

    result = api.resources(
        provider=_many(params, "provider"),
        region=_many(params, "region"),
        kind=_many(params, "kind"),
        state=_many(params, "state"),
        tag=_many(params, "tag"),
        db=config.db,
        settings=config.settings,
    )
    return resources_json(result)


def api_waste(config: ServeConfig, params: Any) -> str:
    """``/api/v1/waste``: ``cloudspy waste --format json``."""
    api = config.answers
    from cloudspy.render.waste_render import waste_json

    report = api.waste(
        provider=_many(params, "provider"),
        region=_many(params, "region"),
        rule=_many(params, "rule"),
        min_monthly_savings=_one(params, "min_monthly_savings"),
        db=config.db,
        settings=config.settings,
    )
    return waste_json(report)


def api_history(config: ServeConfig, params: Any) -> str:
    """``/api/v1/history``: ``cloudspy history --format json``."""
    import json

    api = config.answers
    runs = api.history(limit=_int(params, "limit") or 50, db=config.db, settings=config.settings)
    return json.dumps([r.model_dump(mode="json") for r in runs], indent=2)


API: dict[str, Callable[[ServeConfig, Any], str]] = {
    "costs": api_costs,
    "compare": api_compare,
    "forecast": api_forecast,
    "resources": api_resources,
    "waste": api_waste,
    "history": api_history,
}


def error_status(exc: Exception) -> int:
    """The HTTP status of a CloudSpy error: bad input 400, no data 404, a held store 503."""
    from cloudspy.errors import NoDataError, StoreLockedError, UsageError

    if isinstance(exc, UsageError):
        return 400
    if isinstance(exc, StoreLockedError):
        return 503
    if isinstance(exc, NoDataError):
        return 404
    return 500


def refusal(request: Any, guard: Any) -> Any:
    """The response that refuses ``request`` before any page or API sees it (a write
    method, an unknown Host, no token), the login redirect, or None to let it through."""
    from starlette.responses import JSONResponse, PlainTextResponse

    if request.method not in ("GET", "HEAD"):
        return PlainTextResponse("read-only: only GET and HEAD\n", status_code=405)
    if not guard.host_allowed(request.headers.get("host")):
        return PlainTextResponse("unknown Host header\n", status_code=400)
    if request.url.path == "/login":
        return _login(request, guard)
    if not guard.token_ok(request.headers.get("authorization"), request.cookies.get(COOKIE)):
        return JSONResponse(
            {
                "error": "a token is required: Authorization: Bearer TOKEN, or open the"
                " one-time link `cloudspy serve` printed"
            },
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return None


def _login(request: Any, guard: Any) -> Any:
    """``/login?token=…``: the one-time link sets the session cookie and goes home."""
    from starlette.responses import PlainTextResponse, RedirectResponse

    offered = request.query_params.get("token", "")
    if guard.token is None or not guard.token_ok(f"Bearer {offered}", None):
        return PlainTextResponse("the link's token is not this server's\n", status_code=401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(COOKIE, offered, httponly=True, samesite="strict")
    return response


def create_app(config: ServeConfig) -> Any:
    """The Starlette application for ``config``."""
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from cloudspy.errors import CloudSpyError
    from cloudspy.web import pages
    from cloudspy.web.openapi import openapi

    guard = config.guard

    class Guarded:
        """Host check, token check, read-only methods and security headers, on every request."""

        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
            if scope["type"] != "http":
                await self.app(scope, receive, send)
                return
            response = refusal(Request(scope), guard)
            if response is not None:
                response.headers.update(SECURITY_HEADERS)
                await response(scope, receive, send)
                return

            async def send_with_headers(message: dict) -> None:
                if message["type"] == "http.response.start":
                    headers = list(message.get("headers", []))
                    headers += [
                        (k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()
                    ]
                    message = {**message, "headers": headers}
                await send(message)

            await self.app(scope, receive, send_with_headers)

    async def api_route(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        name = request.path_params["name"]
        handler = API.get(name)
        if handler is None:
            return JSONResponse({"error": f"no /api/v1/{name}"}, status_code=404)
        try:
            text = await run_in_threadpool(handler, config, request.query_params)
        except CloudSpyError as exc:
            status = error_status(exc)
            headers = {"Retry-After": "5"} if status == 503 else None
            return JSONResponse({"error": exc.one_line()}, status_code=status, headers=headers)
        return Response(text, media_type="application/json")

    async def openapi_route(request: Request) -> Response:
        return JSONResponse(openapi())

    async def metrics_route(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool

        try:
            text = await run_in_threadpool(
                config.answers.metrics_text,
                provider=_many(request.query_params, "provider"),
                db=config.db,
                settings=config.settings,
            )
        except CloudSpyError as exc:
            return PlainTextResponse(f"# {exc.one_line()}\n", status_code=error_status(exc))
        return PlainTextResponse(text, media_type="text/plain; version=0.0.4")

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok", "cache": config.db.exists(), "demo": config.demo})

    async def page_route(request: Request) -> Response:
        from starlette.concurrency import run_in_threadpool
        from starlette.responses import HTMLResponse

        name = request.path_params.get("page", "overview") or "overview"
        status, html = await run_in_threadpool(
            pages.render_page, name, config, request.query_params
        )
        return HTMLResponse(html, status_code=status)

    static = Path(__file__).parent / "static"
    routes = [
        Route("/api/v1/openapi.json", openapi_route),
        Route("/api/v1/{name}", api_route),
        Route("/metrics", metrics_route),
        Route("/healthz", healthz),
        Mount("/static", app=StaticFiles(directory=static), name="static"),
        Route("/", page_route),
        Route("/{page}", page_route),
    ]
    return Starlette(routes=routes, middleware=[Middleware(Guarded)])
