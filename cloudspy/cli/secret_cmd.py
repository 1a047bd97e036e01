"""``cloudspy secret set|delete NAME``: alert secrets in the OS keyring."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.state import state_of

secret_app = typer.Typer(
    help="Store or remove alert secrets (webhook URLs, SMTP password) in the OS keyring.",
    no_args_is_help=True,
)


@secret_app.command("set")
def secret_set(
    ctx: typer.Context,
    name: Annotated[
        str,
        typer.Argument(help="slack_webhook_url, smtp_password, webhook_url or webhook_secret."),
    ],
) -> None:
    """Store a secret; the value is read from a hidden prompt (or stdin), never a flag."""
    from cloudspy import api
    from cloudspy.notify.secrets import check_name, plaintext_warning

    state = state_of(ctx)
    name = check_name(name)
    value = typer.prompt(f"{name}", hide_input=True, err=True).strip()
    backend = api.secret_set(name, value)
    warning = plaintext_warning()
    if warning:
        state.warn(warning)
    typer.echo(f"stored {name} in the keyring ({backend})", err=True)


@secret_app.command("delete")
def secret_delete(
    name: Annotated[str, typer.Argument(help="The secret's name.")],
) -> None:
    """Remove a secret from the keyring."""
    from cloudspy import api

    removed = api.secret_delete(name)
    typer.echo(f"{'deleted' if removed else 'no stored'} {name.strip().lower()}", err=True)


def register(app: typer.Typer) -> None:
    """Add the command group to the root app."""
    app.add_typer(secret_app, name="secret")
