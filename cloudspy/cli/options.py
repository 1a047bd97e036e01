"""Option declarations shared by several commands, so their help stays identical."""

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
        "resource, charge, currency or tag:KEY (repeatable).",
    ),
]
Format = Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")]


def check_format(value: str, allowed: tuple[str, ...]) -> str:
    """Validate ``--format`` against what a command can write."""
    from cloudspy.errors import UsageError

    if value not in allowed:
        raise UsageError(f"unknown --format {value!r}", hint=f"use one of {', '.join(allowed)}")
    return value
