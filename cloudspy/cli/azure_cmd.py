"""``cloudspy azure subscriptions|sync|costs``: Azure alone, with its own scope options."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from cloudspy.cli.costs_cmd import provider_costs
from cloudspy.cli.inventory_sync import NoCosts, NoResources, check_parts, sync_inventory_cli
from cloudspy.cli.options import (
    By,
    Format,
    Last,
    Metric,
    NoProgress,
    Offline,
    Since,
    Until,
    check_format,
)
from cloudspy.cli.rows import print_rows
from cloudspy.cli.state import CliState, state_of
from cloudspy.cli.sync_cmd import sync_costs_cli
from cloudspy.render.fit import Column

azure_app = typer.Typer(
    help="Azure: Cost Management Query API with DefaultAzureCredential (az login, "
    "service principal, managed identity).",
    rich_markup_mode=None,
    no_args_is_help=True,
)

Subscription = Annotated[
    list[str] | None,
    typer.Option("--subscription", "-s", help="Subscription id (repeatable; default: config)."),
]
Scope = Annotated[
    list[str] | None,
    typer.Option(
        "--scope",
        help="Another Cost Management scope, e.g. /providers/Microsoft.Management/"
        "managementGroups/ID (repeatable).",
    ),
]


def _sources(state: CliState, subscription: list[str] | None, scope: list[str] | None) -> list[Any]:
    from cloudspy.errors import UsageError
    from cloudspy.providers.registry import provider_info

    sources = (
        provider_info("azure")
        .load()
        .source_from_options(state.settings(), subscriptions=subscription, scopes=scope)
    )
    if not sources:
        raise UsageError(
            "no Azure subscription or scope is given",
            hint="pass --subscription ID, or add `subscriptions = [...]` under [azure] in "
            "config.toml (see docs/azure.md)",
        )
    return sources


@azure_app.command("subscriptions")
def azure_subscriptions(ctx: typer.Context, output: Format = "table") -> None:
    """List the subscriptions the Azure credential can see (id, name, state, tenant)."""
    from cloudspy.providers.registry import provider_info

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv"))
    subs = provider_info("azure").load().subscriptions(state.settings())
    if output == "json":
        typer.echo(json.dumps([s.model_dump(mode="json") for s in subs], indent=2))
        return
    columns = [
        Column("subscription_id", "id", minimum=36),
        Column("name", "text", minimum=12),
        Column("state", "fixed"),
        Column("tenant_id", "id", drop=1, minimum=12),
    ]
    lines = [[s.subscription_id, s.name or "", s.state or "", s.tenant_id or ""] for s in subs]
    print_rows(
        state,
        output,
        "Azure subscriptions",
        columns,
        lines,
        empty_warning="the credential sees no subscription",
    )


@azure_app.command("sync")
def azure_sync(
    ctx: typer.Context,
    subscription: Subscription = None,
    scope: Scope = None,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch final days again too.")] = False,
    no_costs: NoCosts = False,
    no_resources: NoResources = False,
    no_progress: NoProgress = False,
) -> None:
    """Sync Azure costs, inventory and utilization (default: the subscriptions in config)."""
    from cloudspy.errors import UsageError
    from cloudspy.providers.registry import provider_info

    state = state_of(ctx)
    check_parts(no_costs, no_resources)
    code = 0
    if not no_costs:
        code = sync_costs_cli(
            state,
            sources=_sources(state, subscription, scope),
            last=last,
            since=since,
            until=until,
            refresh=refresh,
            no_progress=no_progress,
        )
    if not no_resources:
        inventory = (
            provider_info("azure")
            .load()
            .inventory_source_from_options(state.settings(), subscription)
        )
        if inventory:
            code = max(code, sync_inventory_cli(state, sources=inventory, required=True))
        elif no_costs:
            raise UsageError(
                "no Azure subscription is given for inventory",
                hint="pass --subscription ID, or add `subscriptions = [...]` under [azure] in "
                "config.toml (other scopes have costs only)",
            )
    if code:
        raise typer.Exit(code)


@azure_app.command("costs")
def azure_costs(
    ctx: typer.Context,
    subscription: Subscription = None,
    scope: Scope = None,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    by: By = None,
    output: Format = "table",
    metric: Metric = None,
    offline: Offline = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch the window again.")] = False,
) -> None:
    """Azure costs: syncs these scopes when needed, then shows the table."""

    provider_costs(
        ctx,
        "azure",
        lambda: _sources(state_of(ctx), subscription, scope),
        last=last,
        since=since,
        until=until,
        by=by,
        output=output,
        offline=offline,
        refresh=refresh,
        metric=metric,
        identity=[",".join(subscription or []), ",".join(scope or [])],
    )


def register(app: typer.Typer) -> None:
    """Add the ``azure`` group to the root app."""
    app.add_typer(azure_app, name="azure")
