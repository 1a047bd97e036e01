"""``cloudspy serve``: the local dashboard, JSON API and /metrics over the cache."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from cloudspy.cli.state import state_of


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; anything but loopback needs a token.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            help="Token every request must carry (Bearer, or the cookie of the one-time link);"
            " 'auto' generates one. Also CLOUDSPY_SERVE_TOKEN.",
        ),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the dashboard in the default browser.")
    ] = False,
) -> None:
    """A read-only dashboard, a JSON API (/api/v1) and /metrics over the cache."""
    from cloudspy import api

    state = state_of(ctx)
    api.serve(
        host=host,
        port=port,
        token=token or os.environ.get("CLOUDSPY_SERVE_TOKEN") or None,
        db=state.db_path(),
        settings=state.settings(),
        demo=state.demo,
        announce=state.progress,
        open_browser=open_browser,
    )


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("serve")(serve)
