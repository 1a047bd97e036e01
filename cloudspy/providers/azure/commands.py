"""``cloudspy azure subscriptions|sync|costs``: Azure alone, with its own scope options."""

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


def _cost_sources(settings: ConfiguredSettings, values: Values) -> list[Any]:
    from cloudspy.errors import UsageError
    from cloudspy.providers.azure.provider import AzureProvider

    sources = AzureProvider.source_from_options(
        settings, subscriptions=values.get("subscription"), scopes=values.get("scope")
    )
    if not sources:
        raise UsageError(
            "no Azure subscription or scope is given",
            hint="pass --subscription ID, or add `subscriptions = [...]` under [azure] in "
            "config.toml (see docs/azure.md)",
        )
    return sources


def _inventory_sources(settings: ConfiguredSettings, values: Values) -> list[Any]:
    from cloudspy.providers.azure.provider import AzureProvider

    return AzureProvider.inventory_source_from_options(settings, values.get("subscription"))


def _subscriptions(settings: ConfiguredSettings) -> list[Any]:
    from cloudspy.providers.azure.provider import AzureProvider

    return AzureProvider.subscriptions(settings)


def _subscription_lines(subs: list[Any]) -> list[list[str]]:
    return [[s.subscription_id, s.name or "", s.state or "", s.tenant_id or ""] for s in subs]


COMMANDS = ProviderCommands(
    help="Azure: Cost Management Query API with DefaultAzureCredential (az login, "
    "service principal, managed identity).",
    sync_help="Sync Azure costs, inventory and utilization (default: the subscriptions in config).",
    costs_help="Azure costs: syncs these scopes when needed, then shows the table.",
    options=(
        CliOption(
            "subscription",
            ("--subscription", "-s"),
            "Subscription id (repeatable; default: config).",
            kind="texts",
        ),
        CliOption(
            "scope",
            ("--scope",),
            "Another Cost Management scope, e.g. /providers/Microsoft.Management/"
            "managementGroups/ID (repeatable).",
            kind="texts",
        ),
    ),
    cost_sources=_cost_sources,
    inventory_sources=_inventory_sources,
    no_inventory=(
        "no Azure subscription is given for inventory",
        "pass --subscription ID, or add `subscriptions = [...]` under [azure] in "
        "config.toml (other scopes have costs only)",
    ),
    listings=(
        Listing(
            command="subscriptions",
            help="List the subscriptions the Azure credential can see (id, name, state, tenant).",
            title="Azure subscriptions",
            columns=(
                ListingColumn("subscription_id", "id", minimum=36),
                ListingColumn("name", "text", minimum=12),
                ListingColumn("state", "fixed"),
                ListingColumn("tenant_id", "id", drop=1, minimum=12),
            ),
            empty_warning="the credential sees no subscription",
            read=_subscriptions,
            lines=_subscription_lines,
        ),
    ),
)
