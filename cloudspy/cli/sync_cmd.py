"""``cloudspy sync``: fetch costs from every configured provider into the cache."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from cloudspy.cli.inventory_sync import NoCosts, NoResources, check_parts, sync_inventory_cli
from cloudspy.cli.options import Last, NoProgress, Provider, Since, Until
from cloudspy.cli.state import CliState, state_of


def report_results(state: CliState, results: Sequence[object]) -> int:
    """Print one line per synced source on stdout; return 3 if any failed."""
    from cloudspy.errors import ExitCode
    from cloudspy.money import machine

    failed = 0
    for r in results:
        if r.status == "failed":  # type: ignore[attr-defined]
            failed += 1
            typer.echo(f"{r.scope}: FAILED: {r.error}")  # type: ignore[attr-defined]
            continue
        price = machine(r.api_cost) if r.api_cost is not None else "0"  # type: ignore[attr-defined]
        typer.echo(
            f"{r.scope}: {r.status}, {r.days_fetched} day(s) fetched, {r.rows} row(s), "  # type: ignore[attr-defined]
            f"{r.api_calls} API call(s) costing {price} {r.api_cost_currency or 'USD'}"  # type: ignore[attr-defined]
        )
    if failed:
        state.warn(f"{failed} of {len(results)} source(s) failed; the others were stored")
        return ExitCode.RUNTIME
    return ExitCode.OK


def sync_costs_cli(
    state: CliState,
    *,
    sources: list[Any] | None = None,
    providers: list[str] | None = None,
    last: str | None,
    since: str | None,
    until: str | None,
    refresh: bool,
    no_progress: bool = False,
) -> int:
    """Sync costs from ``sources`` (or the configured ones of ``providers``), 90 days
    by default; print one line per source and return the exit code.

    On a terminal a live display keeps one line per source (:mod:`cloudspy.cli.live`);
    in logs, CI or with ``--no-progress``, one plain line per source.
    """
    from cloudspy import api
    from cloudspy.cli.live import LiveSync, live_wanted
    from cloudspy.periods import resolve_window

    settings = state.settings()
    # A bad period is a usage error before anything else (credentials included).
    resolve_window(last if (last or since) else "90d", since, until, default="90d")
    if sources is None:
        state.announce_detected()
        sources = api.configured_sources(settings, providers or [], warn=state.warn)
        if not sources:
            raise api.no_accounts_error()

    def run(progress: Any, detail: bool) -> list[Any]:
        return api.sync(
            last=last if (last or since) else "90d",
            since=since,
            until=until,
            sources=sources,
            refresh=refresh,
            db=state.db_path(),
            settings=settings,
            progress=progress,
            detail=detail,
        )

    if live_wanted(no_progress):
        with LiveSync(state.stderr(), [s.label for s in sources]) as live:
            results = run(live, True)
    else:
        results = run(state.progress, False)
    return report_results(state, results)


def sync(
    ctx: typer.Context,
    provider: Provider = None,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch final days again too.")] = False,
    no_costs: NoCosts = False,
    no_resources: NoResources = False,
    no_progress: NoProgress = False,
) -> None:
    """Sync costs (in parallel), inventory and utilization of every configured provider."""
    state = state_of(ctx)
    check_parts(no_costs, no_resources)
    code = 0
    if not no_costs:
        code = sync_costs_cli(
            state,
            providers=provider or [],
            last=last,
            since=since,
            until=until,
            refresh=refresh,
            no_progress=no_progress,
        )
    if not no_resources:
        code = max(code, sync_inventory_cli(state, providers=provider or [], required=no_costs))
    if code:
        raise typer.Exit(code)


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("sync")(sync)
