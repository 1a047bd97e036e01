"""``cloudspy forecast``: the coming days per group and in total, with intervals."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.options import (
    Account,
    By,
    Format,
    Metric,
    Offline,
    Provider,
    Region,
    Service,
    Wide,
    check_format,
)
from cloudspy.cli.state import state_of


def forecast(
    ctx: typer.Context,
    horizon: Annotated[
        str, typer.Option("--horizon", help="Nd or Nw from today (up to 92 days), or month-end.")
    ] = "30d",
    history: Annotated[
        str, typer.Option("--history", help="History the forecast learns from: Nd or Nw.")
    ] = "90d",
    by: By = None,
    provider: Provider = None,
    region: Region = None,
    service: Service = None,
    account: Account = None,
    metric: Metric = None,
    output: Format = "table",
    offline: Offline = False,
    wide: Wide = False,
) -> None:
    """Forecast per group (default: provider) and in total, with the month-end projection."""
    from cloudspy import api
    from cloudspy.cli.costs_cmd import refresh_if_stale
    from cloudspy.insights.forecast_options import parse_history, parse_horizon
    from cloudspy.render.forecast_render import (
        forecast_csv,
        forecast_json,
        forecast_table,
        provider_table,
    )

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv"))
    parse_horizon(horizon)  # bad input fails before any sync
    parse_history(history)
    online = not offline and not state.demo
    if online:
        refresh_if_stale(state, provider or [], history, None, None, refresh=False)
    result = api.forecast(
        horizon=horizon,
        by=by or ["provider"],
        history=history,
        provider=provider or [],
        region=region or [],
        service=service or [],
        account=account or [],
        metric=metric,
        provider_forecasts=online,
        db=state.db_path(),
        settings=state.settings(),
    )
    for warning in result.warnings:
        state.warn(warning)
    if output == "json":
        typer.echo(forecast_json(result), nl=False)
    elif output == "csv":
        typer.echo(forecast_csv(result), nl=False)
    else:
        console = state.stdout()
        state.print_table(forecast_table(result, width=state.width(), wide=wide), wide=wide)
        providers = provider_table(result)
        if providers is not None:
            console.print(providers)


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("forecast")(forecast)
