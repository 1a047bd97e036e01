"""``cloudspy costs``: spend over a window, grouped, with share, change and trend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer

from cloudspy.cli.options import (
    Account,
    By,
    Format,
    Last,
    Metric,
    Offline,
    Provider,
    Region,
    Service,
    Since,
    Top,
    Until,
    Wide,
    check_format,
)
from cloudspy.cli.state import CliState, state_of


def refresh_if_stale(
    state: CliState,
    providers: list[str],
    last: str | None,
    since: str | None,
    until: str | None,
    *,
    refresh: bool,
    make_sources: Callable[[], list[Any]] | None = None,
    identity: list[str] | None = None,
    strict: bool = False,
) -> None:
    """Sync first when the cache misses days of the window or holds stale estimates.

    The sources are ``make_sources()`` (a provider command's own options, named
    by ``identity``), else the configured ones of ``providers`` (or, with no
    account in the config, those of the credentials each SDK finds, #12). Whether
    the cache is fresh is decided from the store alone when it has seen the same
    config and credentials before: no SDK is imported then. A failed refresh is a
    warning and the answer comes from the cache, unless ``refresh`` or ``strict``
    (a provider command given its own credentials) make it an error.
    """
    from cloudspy import api
    from cloudspy.errors import CloudSpyError, StoreLockedError
    from cloudspy.periods import resolve_window
    from cloudspy.providers.registry import identity_key

    key = identity_key(
        state.config_path(),
        providers,
        [str(part or "") for part in identity or ["-"]] if make_sources is not None else None,
    )
    if key is None:
        if not state.db_path().exists():
            raise api.no_accounts_error(state.db_path())
        return  # no config and no credentials: the answer comes from the cache
    if key is not None and not refresh:
        window = resolve_window(last, since, until, default=state.default_period())
        if api.cache_is_fresh(key, window, db=state.db_path(), lock_timeout=state.lock_timeout()):
            # The key holds the config file's digest: these bytes were validated before.
            state.config_known_valid = True
            return
    # What follows may call cloud APIs: never while holding the cache open.
    api.release_store(state.db_path())
    settings = state.settings()
    sources: list[Any] = []
    try:
        if make_sources is not None:
            sources = make_sources()
        else:
            state.announce_detected()
            sources = api.configured_sources(settings, providers, warn=state.warn)
        if not sources:
            return
        window = resolve_window(last, since, until, default=settings.default_period)
        span = (window.previous().start.isoformat(), window.end.isoformat())
        results = []
        if refresh or api.needs_sync(window, sources, db=state.db_path(), settings=settings):
            results = api.sync(
                last=None,
                since=span[0],
                until=span[1],
                sources=sources,
                refresh=refresh,
                db=state.db_path(),
                settings=settings,
                progress=state.progress,
            )
        failed = [r for r in results if r.status not in ("ok", "cached")]
        for result in failed:
            state.warn(f"{result.scope}: {result.status}: {result.error}; showing cached data")
        if not failed:
            api.remember_scopes(key, sources, db=state.db_path(), settings=settings)
    except StoreLockedError:
        # The cached answer needs the same lock: falling back would wait twice.
        raise
    except CloudSpyError as exc:
        if refresh or strict:
            raise
        state.warn(f"could not refresh the cache ({exc.one_line()}); showing cached data")


def costs(
    ctx: typer.Context,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    by: By = None,
    granularity: Annotated[
        str | None, typer.Option("--granularity", "-g", help="Trend buckets: day, week or month.")
    ] = None,
    provider: Provider = None,
    region: Region = None,
    service: Service = None,
    account: Account = None,
    metric: Metric = None,
    top: Top = None,
    output: Format = "table",
    offline: Offline = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Fetch the window again, final days included.")
    ] = False,
    wide: Wide = False,
) -> None:
    """Actual spend over a window, grouped, with share, change and trend."""
    from cloudspy import api
    from cloudspy.errors import UsageError
    from cloudspy.render.costs_render import costs_csv, costs_json, costs_table

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv"))
    if offline and refresh:
        raise UsageError("--offline and --refresh contradict each other")
    # A warm run reads the cache twice (fresh? then the answer): one open serves both.
    with api.one_store_open(state.db_path()):
        if not offline and not state.demo:
            refresh_if_stale(state, provider or [], last, since, until, refresh=refresh)
        report = api.costs(
            last=last,
            since=since,
            until=until,
            by=by or ["service"],
            provider=provider or [],
            region=region or [],
            service=service or [],
            account=account or [],
            metric=metric,
            granularity=granularity,
            top=top,
            db=state.db_path(),
            settings=state.query_settings(),
        )
    for warning in report.warnings:
        state.warn(warning)
    if output == "json":
        typer.echo(costs_json(report), nl=False)
    elif output == "csv":
        typer.echo(costs_csv(report), nl=False)
    else:
        state.print_table(costs_table(report, width=state.width(), wide=wide), wide=wide)


def provider_costs(
    ctx: typer.Context,
    provider: str,
    make_sources: Callable[[], list[Any]],
    *,
    last: str | None,
    since: str | None,
    until: str | None,
    by: list[str] | None,
    output: str,
    offline: bool,
    refresh: bool,
    metric: str | None = None,
    identity: list[str | None] | None = None,
) -> None:
    """``cloudspy aws|gcp|azure costs``: sync with that provider's own sources, then show.

    ``identity`` are the options that pick the sources (profile, role, table …):
    with the config and credentials they name the identity whose freshness the
    cache remembers, so a warm run builds no source and imports no SDK.
    """
    from cloudspy import api

    # One open of the cache for the freshness check and the answer, as `costs` does.
    with api.one_store_open(state_of(ctx).db_path()):
        if not offline:
            refresh_if_stale(
                state_of(ctx),
                [provider],
                last,
                since,
                until,
                refresh=refresh,
                make_sources=make_sources,
                identity=[str(part or "") for part in identity or []],
                strict=True,
            )
        costs(
            ctx,
            last=last,
            since=since,
            until=until,
            by=by,
            granularity=None,
            provider=[provider],
            region=None,
            service=None,
            account=None,
            metric=metric,
            top=None,
            output=output,
            offline=True,
            refresh=False,
        )


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("costs")(costs)
