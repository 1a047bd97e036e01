"""``cloudspy gcp accounts|sync|costs``: GCP alone, with its own table and project options."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudspy.providers.commands import (
    CliOption,
    Listing,
    ListingColumn,
    ProviderCommands,
    Values,
)

if TYPE_CHECKING:
    from cloudspy.providers.base import ConfiguredSettings

# The options (beside --kind) that only make sense for a table named with --billing-table.
_TABLE_OPTIONS = ("location", "label_key", "resources")


def _cost_sources(settings: ConfiguredSettings, values: Values) -> list[Any]:
    from cloudspy.errors import UsageError
    from cloudspy.providers.gcp.provider import GcpProvider

    gcp = settings.section("gcp")
    table, project = values.get("billing_table"), values.get("project")
    if table:
        return [
            GcpProvider.source_from_options(
                table,
                project,
                kind=values.get("kind") or "auto",
                location=values.get("location"),
                label_keys=values.get("label_key"),
                resources=bool(values.get("resources")),
                settings=gcp,
            )
        ]
    if (values.get("kind") or "auto") != "auto" or any(values.get(name) for name in _TABLE_OPTIONS):
        raise UsageError("--kind, --location, --label-key and --resources need --billing-table")
    sources = GcpProvider.cost_sources(settings)
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


def _projects(settings: ConfiguredSettings, values: Values) -> list[str]:
    return list(values.get("inventory_project") or settings.section("gcp").projects)


def _inventory_sources(settings: ConfiguredSettings, values: Values) -> list[Any]:
    from cloudspy.providers.gcp.provider import GcpProvider

    projects = _projects(settings, values)
    if not projects:
        return []
    return GcpProvider.inventory_source_from_options(projects, settings.section("gcp"))


def _costs_skipped(settings: ConfiguredSettings, values: Values) -> str | None:
    # Inventory alone is a normal GCP setup: a project without a billing export.
    has_table = values.get("billing_table") or settings.section("gcp").billing_tables
    if not has_table and _projects(settings, values):
        return "no BigQuery billing export table is configured: costs skipped"
    return None


def _accounts(settings: ConfiguredSettings) -> list[Any]:
    from cloudspy.providers.gcp.provider import GcpProvider

    return GcpProvider.billing_accounts(settings.section("gcp"))


def _account_lines(accounts: list[Any]) -> list[list[str]]:
    lines: list[list[str]] = []
    for account in accounts:
        base = [account.id, account.display_name or "", "yes" if account.open else "no"]
        if not account.projects:
            lines.append([*base, "", ""])
        for p in account.projects:
            lines.append([*base, p.project_id, "yes" if p.billing_enabled else "no"])
    return lines


COMMANDS = ProviderCommands(
    help="GCP: costs from the BigQuery billing export, accounts from the Cloud Billing API, "
    "with Application Default Credentials.",
    sync_help="Sync GCP costs from the billing export, and inventory and utilization of projects.",
    costs_help="GCP costs: syncs from the export when needed, then shows the table.",
    options=(
        CliOption(
            "billing_table",
            ("--billing-table",),
            "Export table or FOCUS view, PROJECT.DATASET.TABLE (default: config).",
        ),
        CliOption("project", ("--project",), "Project that runs (and pays for) the query job."),
        CliOption(
            "kind",
            ("--kind",),
            "auto, standard, detailed or focus (with --billing-table).",
            default="auto",
        ),
        CliOption("location", ("--location",), "The dataset's location, e.g. US or EU."),
        CliOption(
            "label_key", ("--label-key",), "Keep this label as a tag (repeatable).", kind="texts"
        ),
        CliOption(
            "resources",
            ("--resources",),
            "Group by resource (detailed export or FOCUS view).",
            kind="flag",
        ),
        CliOption(
            "inventory_project",
            ("--inventory-project",),
            "Project whose VMs, disks and addresses to read (repeatable; default: config).",
            kind="texts",
            sync_only=True,
        ),
    ),
    cost_sources=_cost_sources,
    inventory_sources=_inventory_sources,
    costs_skipped=_costs_skipped,
    no_inventory=(
        "no GCP project is given for inventory",
        "pass --inventory-project ID, or add `projects = [...]` under [gcp] in "
        "config.toml (see docs/inventory-gcp-azure.md)",
    ),
    listings=(
        Listing(
            command="accounts",
            help="List the billing accounts the credentials see, with their linked projects.",
            title="GCP billing accounts and linked projects",
            columns=(
                ListingColumn("billing_account", "fixed"),
                ListingColumn("name", "text", drop=2, minimum=12),
                ListingColumn("open", "fixed", drop=3),
                ListingColumn("project", "id", minimum=16),
                ListingColumn("billing_enabled", "fixed", drop=1),
            ),
            empty_warning="the credentials see no billing account",
            read=_accounts,
            lines=_account_lines,
        ),
    ),
)
