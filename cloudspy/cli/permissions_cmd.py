"""``cloudspy permissions``: the least-privilege, read-only policy CloudSpy needs."""

from __future__ import annotations

from typing import Annotated

import typer


def permissions(
    provider: Annotated[str, typer.Option("--provider", "-p", help="aws, gcp or azure.")],
    output: Annotated[
        str, typer.Option("--format", "-f", help="policy (the document) or list (one per line).")
    ] = "policy",
) -> None:
    """Print the read-only permissions generated from what the code declares it calls."""
    import json

    from cloudspy import api
    from cloudspy.cli.options import check_format

    check_format(output, ("policy", "list"))
    document = api.permissions(provider)
    if output == "list":
        for name in document.permissions:
            typer.echo(f"{name}\t{document.reasons[name]}")
        return
    typer.echo(json.dumps(document.document, indent=2))


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("permissions")(permissions)
