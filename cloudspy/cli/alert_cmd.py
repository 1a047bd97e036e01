"""``cloudspy alert``: cost spikes and new groups, each sent once per channel."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.options import By, Metric, Offline, Provider
from cloudspy.cli.state import state_of


def alert(
    ctx: typer.Context,
    channel: Annotated[
        list[str] | None,
        typer.Option("--channel", help="slack, email or webhook (default: all configured)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the alerts; send and record nothing.")
    ] = False,
    by: By = None,
    provider: Provider = None,
    metric: Metric = None,
    offline: Offline = False,
) -> int:
    """Detect cost spikes and new services/accounts; send each once (exit 3: a channel failed)."""
    from cloudspy import api
    from cloudspy.cli.costs_cmd import refresh_if_stale
    from cloudspy.errors import ExitCode

    state = state_of(ctx)
    if not offline and not state.demo:
        refresh_if_stale(state, provider or [], "42d", None, None, refresh=False)
    run = api.alert(
        channel=channel or [],
        dry_run=dry_run,
        by=by or [],
        provider=provider or [],
        metric=metric,
        db=state.db_path(),
        settings=state.settings(),
    )
    for warning in run.warnings:
        state.warn(warning)
    out = state.stdout()
    shown = run.pending if run.dry_run else run.detected
    verb = "would send" if run.dry_run else "detected"
    out.print(f"{len(shown)} alert(s) {verb}", markup=False)
    for item in shown:
        out.print(f"  {item.kind:5}  {item.message}", markup=False)
    for outcome in run.channels:
        if outcome.ok:
            out.print(f"{outcome.channel}: sent {outcome.sent} alert(s)", markup=False)
        else:
            state.warn(f"{outcome.channel}: failed: {outcome.error}")
    return ExitCode.RUNTIME if run.failed else ExitCode.OK


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("alert")(alert)
