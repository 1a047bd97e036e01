"""``cloudspy report``: a PDF or HTML report a finance lead can read without a terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloudspy.cli.options import Account, Metric, Provider, Region, Service, Since, Until
from cloudspy.cli.state import state_of


def report(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="A report defined as [reports.NAME] in config.toml.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="FILE.pdf or FILE.html (replaced atomically)."),
    ] = None,
    period: Annotated[
        str | None,
        typer.Option("--period", help="last-month (default), mtd, 30d, last-week, Nd, Nm …"),
    ] = None,
    since: Since = None,
    until: Until = None,
    provider: Provider = None,
    region: Region = None,
    service: Service = None,
    account: Account = None,
    metric: Metric = None,
    title: Annotated[str | None, typer.Option("--title", help="The report's title.")] = None,
    template: Annotated[
        Path | None,
        typer.Option("--template", help="Your own Jinja2 template (see docs/reports.md)."),
    ] = None,
) -> None:
    """Write a PDF or HTML cost report: totals, trends, breakdowns, forecast, waste."""
    from cloudspy import api
    from cloudspy.config import user_config_path

    state = state_of(ctx)
    config_file = state.config or user_config_path()
    result = api.report(
        out,
        name=name,
        period=period,
        since=since,
        until=until,
        provider=provider or [],
        region=region or [],
        service=service or [],
        account=account or [],
        metric=metric,
        title=title,
        template=template,
        db=state.db_path(),
        settings=state.settings(),
        config_dir=config_file.expanduser().parent,
    )
    for warning in result.warnings:
        state.warn(warning)
    empty = [s.title for s in result.sections if s.status == "no_data"]
    if empty:
        state.warn(f"sections without data: {', '.join(empty)}")
    state.progress(f"wrote {result.format.upper()} report to {result.path}")


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("report")(report)
