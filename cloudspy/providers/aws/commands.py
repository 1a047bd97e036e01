"""``cloudspy aws sync|costs``: AWS alone, with a profile, SSO or an assumed role."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudspy.providers.commands import CliOption, ProviderCommands, Values

if TYPE_CHECKING:
    from cloudspy.providers.base import ConfiguredSettings


def _check(values: Values) -> None:
    if values.get("external_id") and not values.get("role_arn"):
        from cloudspy.errors import UsageError

        raise UsageError("--external-id needs --role-arn")


def _auth(values: Values) -> dict[str, Any]:
    return {key: values.get(key) for key in ("profile", "role_arn", "external_id")}


def _cost_sources(settings: ConfiguredSettings, values: Values) -> list[Any]:
    from cloudspy.providers.aws.provider import AwsProvider

    return [AwsProvider.source_from_options(**_auth(values))]


def _inventory_sources(settings: ConfiguredSettings, values: Values) -> list[Any]:
    from cloudspy.providers.aws.provider import AwsProvider

    regions = settings.inventory.regions
    return [AwsProvider.inventory_source_from_options(**_auth(values), regions=regions)]


COMMANDS = ProviderCommands(
    help="AWS: Cost Explorer with a profile, SSO or an assumed role.",
    sync_help="Sync AWS costs, inventory and utilization with the given credentials.",
    costs_help="AWS costs: syncs with these credentials when needed, then shows the table.",
    options=(
        CliOption("profile", ("--profile",), "AWS profile (default: AWS_PROFILE or default)."),
        CliOption("role_arn", ("--role-arn",), "Role to assume with STS (e.g. a payer role)."),
        CliOption("external_id", ("--external-id",), "External id the role's trust policy needs."),
    ),
    cost_sources=_cost_sources,
    inventory_sources=_inventory_sources,
    check=_check,
)
