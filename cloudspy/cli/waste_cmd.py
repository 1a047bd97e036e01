"""``cloudspy waste``: priced waste findings, largest monthly saving first."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.inventory_sync import sync_inventory_if_missing
from cloudspy.cli.options import Format, Provider, Region, Top, Wide, check_format
from cloudspy.cli.state import state_of

Rule = Annotated[
    list[str] | None, typer.Option("--rule", "-r", help="Only this rule id (repeatable).")
]


def waste(
    ctx: typer.Context,
    provider: Provider = None,
    region: Region = None,
    rule: Rule = None,
    min_monthly_savings: Annotated[
        str | None,
        typer.Option("--min-monthly-savings", help="Hide findings that save less per month."),
    ] = None,
    fail_over: Annotated[
        str | None,
        typer.Option(
            "--fail-over",
            help="Exit 1 when the monthly total exceeds AMOUNT (e.g. 100 or '100 USD').",
        ),
    ] = None,
    output: Format = "table",
    top: Top = 50,
    wide: Wide = False,
) -> None:
    """Resources that cost money for nothing, each with its reason, evidence and price."""
    from cloudspy import api
    from cloudspy.render.waste_render import waste_csv, waste_json, waste_table

    cli = state_of(ctx)
    if top is not None and top < 0:
        from cloudspy.errors import UsageError

        raise UsageError("--top must be 0 (all) or more")
    sync_inventory_if_missing(cli, provider or [])
    check_format(output, ("table", "json", "csv"))
    limit = _limit(fail_over) if fail_over is not None else None
    report = api.waste(
        provider=provider or [],
        region=region or [],
        rule=rule or [],
        min_monthly_savings=min_monthly_savings,
        db=cli.db_path(),
        settings=cli.settings(),
    )
    cli.progress(report.snapshot.describe())
    for warning in report.warnings:
        cli.warn(warning)
    if output == "json":
        typer.echo(waste_json(report), nl=False)
    elif output == "csv":
        typer.echo(waste_csv(report), nl=False)
    else:
        cli.print_table(waste_table(report, top or None, width=cli.width(), wide=wide), wide=wide)
    if limit is not None:
        amount, currency = limit
        over = [
            t
            for t in report.totals
            if (currency is None or t.currency == currency) and t.monthly_savings > amount
        ]
        if over:
            from cloudspy.errors import ExitCode

            # A total holding an upper bound is one: the gate says the figure may be less.
            shown = ", ".join(
                f"{'of up to ' if t.upper_bound else ''}{t.monthly_savings:.2f} {t.currency}"
                f"{' (an upper bound)' if t.upper_bound else ''}"
                for t in over
            )
            cli.warn(f"monthly waste {shown} exceeds --fail-over {fail_over}")
            raise typer.Exit(ExitCode.LIMIT_BREACHED)


def _limit(text: str) -> tuple[object, str | None]:
    from cloudspy.errors import UsageError
    from cloudspy.models.insight_settings import parse_amount

    try:
        amount, currency = parse_amount(text)
    except ValueError as exc:
        raise UsageError(f"--fail-over: {exc}") from None
    if amount < 0:
        raise UsageError("--fail-over must not be negative")
    return amount, currency.upper() if currency else None


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("waste")(waste)
