"""``cloudspy gcp accounts|sync|costs``: GCP alone, with its own table and project options."""

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

gcp_app = typer.Typer(
    help="GCP: costs from the BigQuery billing export, accounts from the Cloud Billing API, "
    "with Application Default Credentials.",
    rich_markup_mode=None,
    no_args_is_help=True,
)

BillingTable = Annotated[
    str | None,
    typer.Option(
        "--billing-table",
        help="Export table or FOCUS view, PROJECT.DATASET.TABLE (default: config).",
    ),
]
Project = Annotated[
    str | None,
    typer.Option("--project", help="Project that runs (and pays for) the query job."),
]
Kind = Annotated[
    str, typer.Option("--kind", help="auto, standard, detailed or focus (with --billing-table).")
]
Location = Annotated[
    str | None, typer.Option("--location", help="The dataset's location, e.g. US or EU.")
]
LabelKey = Annotated[
    list[str] | None,
    typer.Option("--label-key", help="Keep this label as a tag (repeatable)."),
]
Resources = Annotated[
    bool, typer.Option("--resources", help="Group by resource (detailed export or FOCUS view).")
]
InventoryProject = Annotated[
    list[str] | None,
    typer.Option(
        "--inventory-project",
        help="Project whose VMs, disks and addresses to read (repeatable; default: config).",
    ),
]


def _sources(
    state: CliState,
    billing_table: str | None,
    project: str | None,
    kind: str,
    location: str | None,
    label_keys: list[str] | None,
    resources: bool,
) -> list[Any]:
    from cloudspy.errors import UsageError
    from cloudspy.providers.registry import provider_info

    provider = provider_info("gcp").load()
    settings = state.settings()
    if billing_table:
        return [
            provider.source_from_options(
                billing_table,
                project,
                kind=kind,
                location=location,
                label_keys=label_keys,
                resources=resources,
                settings=settings.gcp,
            )
        ]
    if kind != "auto" or location or label_keys or resources:
        raise UsageError("--kind, --location, --label-key and --resources need --billing-table")
    sources = provider.cost_sources(settings)
    if not sources:
        raise UsageError(
            "no BigQuery billing export table is given",
            hint="pass --billing-table PROJECT.DATASET.TABLE, or add [[gcp.billing_tables]] "
            "to config.toml (see docs/gcp.md)",
        )
    if project:
        for source in sources:
            source.table = source.table.model_copy(update={"project": project})
    return sources


@gcp_app.command("accounts")
def gcp_accounts(ctx: typer.Context, output: Format = "table") -> None:
    """List the billing accounts the credentials see, with their linked projects."""
    from cloudspy.providers.registry import provider_info

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv"))
    accounts = provider_info("gcp").load().billing_accounts(state.settings().gcp)
    if output == "json":
        typer.echo(json.dumps([a.model_dump(mode="json") for a in accounts], indent=2))
        return
    columns = [
        Column("billing_account", "fixed"),
        Column("name", "text", drop=2, minimum=12),
        Column("open", "fixed", drop=3),
        Column("project", "id", minimum=16),
        Column("billing_enabled", "fixed", drop=1),
    ]
    lines: list[list[str]] = []
    for a in accounts:
        base = [a.id, a.display_name or "", "yes" if a.open else "no"]
        if not a.projects:
            lines.append([*base, "", ""])
        for p in a.projects:
            lines.append([*base, p.project_id, "yes" if p.billing_enabled else "no"])
    print_rows(
        state,
        output,
        "GCP billing accounts and linked projects",
        columns,
        lines,
        empty_warning="the credentials see no billing account",
    )


@gcp_app.command("sync")
def gcp_sync(
    ctx: typer.Context,
    billing_table: BillingTable = None,
    project: Project = None,
    kind: Kind = "auto",
    location: Location = None,
    label_key: LabelKey = None,
    resources: Resources = False,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch final days again too.")] = False,
    inventory_project: InventoryProject = None,
    no_costs: NoCosts = False,
    no_resources: NoResources = False,
    no_progress: NoProgress = False,
) -> None:
    """Sync GCP costs from the billing export, and inventory and utilization of projects."""
    from cloudspy.errors import UsageError
    from cloudspy.providers.registry import provider_info

    state = state_of(ctx)
    check_parts(no_costs, no_resources)
    settings = state.settings()
    projects = list(inventory_project or settings.gcp.projects)
    code = 0
    if not no_costs and not (billing_table or settings.gcp.billing_tables) and projects:
        state.progress("no BigQuery billing export table is configured: costs skipped")
    elif not no_costs:
        code = sync_costs_cli(
            state,
            sources=_sources(state, billing_table, project, kind, location, label_key, resources),
            last=last,
            since=since,
            until=until,
            refresh=refresh,
            no_progress=no_progress,
        )
    if not no_resources and projects:
        inventory = (
            provider_info("gcp").load().inventory_source_from_options(projects, settings.gcp)
        )
        code = max(code, sync_inventory_cli(state, sources=inventory, required=True))
    elif not no_resources and no_costs:
        raise UsageError(
            "no GCP project is given for inventory",
            hint="pass --inventory-project ID, or add `projects = [...]` under [gcp] in "
            "config.toml (see docs/inventory-gcp-azure.md)",
        )
    if code:
        raise typer.Exit(code)


@gcp_app.command("costs")
def gcp_costs(
    ctx: typer.Context,
    billing_table: BillingTable = None,
    project: Project = None,
    kind: Kind = "auto",
    location: Location = None,
    label_key: LabelKey = None,
    resources: Resources = False,
    last: Last = None,
    since: Since = None,
    until: Until = None,
    by: By = None,
    metric: Metric = None,
    output: Format = "table",
    offline: Offline = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Fetch the window again.")] = False,
) -> None:
    """GCP costs: syncs from the export when needed, then shows the table."""

    provider_costs(
        ctx,
        "gcp",
        lambda: _sources(
            state_of(ctx), billing_table, project, kind, location, label_key, resources
        ),
        last=last,
        since=since,
        until=until,
        by=by,
        output=output,
        offline=offline,
        refresh=refresh,
        metric=metric,
        identity=[
            billing_table,
            project,
            kind,
            location,
            ",".join(label_key or []),
            str(resources),
        ],
    )


def register(app: typer.Typer) -> None:
    """Add the ``gcp`` group to the root app."""
    app.add_typer(gcp_app, name="gcp")
