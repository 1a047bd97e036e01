"""``cloudspy check``: budgets and maximum increases for CI; exit 1 when a limit is breached."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from cloudspy.cli.options import By, Metric, Offline, Provider, check_format
from cloudspy.cli.state import state_of


def check(
    ctx: typer.Context,
    budget: Annotated[
        str | None, typer.Option("--budget", help="Budget per period, e.g. 5000 or '5000 USD'.")
    ] = None,
    period: Annotated[str | None, typer.Option("--period", help="month (default) or week.")] = None,
    max_increase: Annotated[
        str | None,
        typer.Option("--max-increase", help="Largest allowed increase: 10% or '500 USD'."),
    ] = None,
    baseline: Annotated[
        str,
        typer.Option(
            "--baseline",
            help="previous-period (default) or a file from `cloudspy costs --format json`.",
        ),
    ] = "previous-period",
    partial: Annotated[
        bool,
        typer.Option("--partial", help="Increase: period to date against the same days before."),
    ] = False,
    by: By = None,
    min_amount: Annotated[
        str | None,
        typer.Option("--min-amount", help="Ignore groups below this amount in both periods."),
    ] = None,
    provider: Provider = None,
    metric: Metric = None,
    output: Annotated[
        str, typer.Option("--format", "-f", help="text, json, markdown or junit.")
    ] = "text",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the report to this file too.")
    ] = None,
    offline: Offline = False,
) -> int:
    """Fail CI on cost regressions: exit 0 within limits, 1 breached, 2 usage, 3 stale data."""
    from cloudspy import api
    from cloudspy.cli.costs_cmd import refresh_if_stale
    from cloudspy.errors import ExitCode
    from cloudspy.render.check_render import check_json, check_markdown, check_text
    from cloudspy.render.junit import check_junit

    state = state_of(ctx)
    check_format(output, ("text", "json", "markdown", "junit"))
    if not offline and not state.demo:
        refresh_if_stale(state, provider or [], "90d", None, None, refresh=False)
    result = api.check(
        budget=budget,
        max_increase=max_increase,
        period=period,
        partial=partial,
        baseline=baseline,
        by=by or [],
        min_amount=min_amount,
        provider=provider or [],
        metric=metric,
        db=state.db_path(),
        settings=state.settings(),
    )
    for warning in result.warnings:
        state.warn(warning)
    render = {"text": check_text, "json": check_json, "markdown": check_markdown}
    text = check_junit(result) if output == "junit" else render[output](result)
    typer.echo(text, nl=False)
    if out is not None:
        _write(out, text)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        _write(Path(summary), check_markdown(result) + "\n", append=True)
    return ExitCode.LIMIT_BREACHED if result.breached else ExitCode.OK


def _write(path: Path, text: str, *, append: bool = False) -> None:
    from cloudspy.errors import CloudSpyError

    try:
        with path.open("a" if append else "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise CloudSpyError(f"cannot write {path}: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("check")(check)
