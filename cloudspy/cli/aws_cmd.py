"""``cloudspy aws sync|costs``: AWS alone, with its own auth options."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.costs_cmd import provider_costs
from cloudspy.cli.inventory_sync import NoCosts, NoResources, check_parts, sync_inventory_cli
from cloudspy.cli.options import By, Format, Last, Metric, NoProgress, Offline, Since, Until
from cloudspy.cli.state import state_of
from cloudspy.cli.sync_cmd import sync_costs_cli

aws_app = typer.Typer(
    help="AWS: Cost Explorer with a profile, SSO or an assumed role.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

Profile = Annotated[
    str | None, typer.Option("--profile", help="AWS profile (default: AWS_PROFILE or default).")
]
RoleArn = Annotated[
    str | None, typer.Option("--role-arn", help="Role to assume with STS (e.g. a payer role).")
]
ExternalId = Annotated[
    str | None, typer.Option("--external-id", help="External id the role's trust policy needs.")
]


@aws_app.command("sync")
def aws_sync(
    ctx: typer.Context,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch final days again too.")] = False,
    no_costs: NoCosts = False,
    no_resources: NoResources = False,
    no_progress: NoProgress = False,
) -> None:
    """Sync AWS costs, inventory and utilization with the given credentials."""
    from cloudspy.providers.registry import provider_info

    state = state_of(ctx)
    if external_id and not role_arn:
        from cloudspy.errors import UsageError

        raise UsageError("--external-id needs --role-arn")
    check_parts(no_costs, no_resources)
    aws = provider_info("aws").load()
    code = 0
    if not no_costs:
        code = sync_costs_cli(
            state,
            sources=[aws.source_from_options(profile, role_arn, external_id)],
            last=last,
            since=since,
            until=until,
            refresh=refresh,
            no_progress=no_progress,
        )
    if not no_resources:
        inventory = aws.inventory_source_from_options(
            profile, role_arn, external_id, regions=state.settings().inventory.regions
        )
        code = max(code, sync_inventory_cli(state, sources=[inventory], required=True))
    if code:
        raise typer.Exit(code)


@aws_app.command("costs")
def aws_costs(
    ctx: typer.Context,
    profile: Profile = None,
    role_arn: RoleArn = None,
    external_id: ExternalId = None,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    by: By = None,
    output: Format = "table",
    metric: Metric = None,
    offline: Offline = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch the window again.")] = False,
) -> None:
    """AWS costs: syncs with these credentials when needed, then shows the table."""
    from cloudspy.providers.registry import provider_info

    provider_costs(
        ctx,
        "aws",
        lambda: [provider_info("aws").load().source_from_options(profile, role_arn, external_id)],
        last=last,
        since=since,
        until=until,
        by=by,
        output=output,
        offline=offline,
        refresh=refresh,
        metric=metric,
        identity=[profile, role_arn, external_id],
    )


def register(app: typer.Typer) -> None:
    """Add the ``aws`` group to the root app."""
    app.add_typer(aws_app, name="aws")
