"""Option declarations shared by several commands, each declared once with one help text
(#15): the same flag means the same thing everywhere, and docs/cli.md shows it so."""

from __future__ import annotations

from typing import Annotated

import typer

Last = Annotated[
    str | None,
    typer.Option("--last", help="Period: Nd, Nw, Nm, Ny, mtd, ytd, last-month, last-week."),
]
Since = Annotated[str | None, typer.Option("--since", help="First day, YYYY-MM-DD (UTC).")]
Until = Annotated[
    str | None, typer.Option("--until", help="Day after the last, YYYY-MM-DD (exclusive).")
]
Provider = Annotated[
    list[str] | None, typer.Option("--provider", "-p", help="Only this provider (repeatable).")
]
Region = Annotated[
    list[str] | None, typer.Option("--region", help="Only this region (repeatable).")
]
Service = Annotated[
    list[str] | None,
    typer.Option("--service", help="Only services whose name contains this (repeatable)."),
]
Account = Annotated[
    list[str] | None,
    typer.Option("--account", help="Only this account/project/subscription id or name."),
]
By = Annotated[
    list[str] | None,
    typer.Option(
        "--by",
        "-b",
        help="Group by provider, account, billing-account, service, category, region, "
        "resource, resource-group, charge, currency, team or tag:KEY (repeatable).",
    ),
]
Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]
Metric = Annotated[
    str | None,
    typer.Option(
        "--metric",
        "-m",
        help="billed (BilledCost, the invoice; the default), effective (EffectiveCost: "
        "amortized, after credits and commitments) or list (ListCost, before discounts).",
    ),
]
Offline = Annotated[
    bool, typer.Option("--offline", help="Never call a cloud API: answer from the cache alone.")
]
NoProgress = Annotated[
    bool,
    typer.Option(
        "--no-progress", help="Plain progress lines, no live display (also when CI is set)."
    ),
]
Top = Annotated[
    int | None,
    typer.Option(
        "--top",
        "-n",
        help="How many rows to show, largest first (costs: groups, the rest folded into "
        "Other; compare: movers each way; waste: findings, 0 for all).",
    ),
]
Wide = Annotated[
    bool,
    typer.Option(
        "--wide",
        help="Show every column at full width, even wider than the terminal (tables only).",
    ),
]


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    """Validate ``--format`` against what a command can write."""
    from cloudspy.errors import UsageError

    if value not in allowed:
        raise UsageError(f"unknown --format {value!r}", hint=f"use one of {', '.join(allowed)}")
    return value
