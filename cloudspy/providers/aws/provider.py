"""The AWS provider: configured accounts become Cost Explorer cost sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudspy.periods import Window
from cloudspy.providers.aws.settings import AwsAccount, AwsSettings
from cloudspy.providers.base import (
    COSTS,
    FORECAST,
    INVENTORY,
    ConfiguredSettings,
    FetchedCosts,
    Progress,
)


def _own(settings: ConfiguredSettings) -> AwsSettings:
    """This provider's ``[aws]`` section of the composed settings."""
    section: AwsSettings = settings.section("aws")
    return section


API_PRIORITY = 10


@dataclass
class CostExplorerSource:
    """One AWS scope (a profile and/or role) read through Cost Explorer."""

    account: AwsAccount
    provider: str = "aws"
    source: str = "ce"
    priority: int = API_PRIORITY
    _session: Any = field(default=None, repr=False)
    _account_id: str | None = None

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"AWS {self.account.label}"

    def session(self) -> Any:
        """The boto3 session, built on first use (the credential chain runs only then)."""
        if self._session is None:
            from cloudspy.providers.aws.session import make_session

            self._session = make_session(
                self.account.profile,
                self.account.role_arn,
                self.account.external_id,
                self.account.region,
            )
        return self._session

    def scope(self) -> str:
        """``aws:ce:<account id>`` of the credentials in use."""
        if self._account_id is None:
            from cloudspy.providers.aws.session import call_aws, client_config

            sts = self.session().client("sts", config=client_config())
            identity = call_aws(sts.get_caller_identity, what="identify the AWS account")
            self._account_id = str(identity["Account"])
        return f"aws:ce:{self._account_id}"

    def fetch(self, ranges: list[Window], progress: Progress) -> FetchedCosts:
        """Fetch daily costs for the windows from Cost Explorer."""
        from cloudspy.providers.aws.costs import fetch_costs
        from cloudspy.providers.aws.session import client_config, credentials_refresher

        self.scope()
        client = self.session().client("ce", region_name="us-east-1", config=client_config())
        return fetch_costs(
            client,
            str(self._account_id),
            ranges,
            self.account.breakdown,
            progress,
            refresh=credentials_refresher(self.session()),
        )

    def fetch_note(self, ranges: list[Window]) -> str:
        """Cost Explorer's price: $0.01 per request, at least two per window."""
        return (
            f"Cost Explorer bills $0.01 per request: {len(ranges)} for the linked accounts, "
            "then one or more per linked account"
        )

    def wanted_dimensions(self) -> list[str]:
        """The grain this source is configured to cache."""
        from cloudspy.providers.aws.costs import breakdown_dimensions

        return breakdown_dimensions(self.account.breakdown)


class AwsProvider:
    """Entry point named in the provider registry (a :class:`~cloudspy.providers.base.Provider`)."""

    name = "aws"
    capabilities = frozenset({COSTS, FORECAST, INVENTORY})

    @staticmethod
    def cost_sources(settings: ConfiguredSettings) -> list[Any]:
        """One source per ``[[aws.accounts]]`` (Cost Explorer) and ``[[aws.athena]]`` entry."""
        from cloudspy.providers.aws.athena import AthenaSource

        sources: list[Any] = [CostExplorerSource(account) for account in _own(settings).accounts]
        sources += [AthenaSource(table) for table in _own(settings).athena]
        return sources

    @staticmethod
    def config_snippet(ambient: Any) -> str:
        """The ``[aws]`` part of ``cloudspy init``: the account these credentials reach."""
        import json
        import os

        source = CostExplorerSource(AwsAccount(name=ambient.description))
        account = source.scope().rpartition(":")[2]  # one STS GetCallerIdentity
        profile = os.environ.get("AWS_PROFILE") or os.environ.get("AWS_DEFAULT_PROFILE")
        lines = [
            f"# AWS: {ambient.description} reach account {account}.",
            "# Cost Explorer bills $0.01 per request; a payer (management) account sees the",
            "# costs of all its linked accounts. Add one entry per payer, profile or role.",
            "[[aws.accounts]]",
            f"name = {json.dumps(account)}",
        ]
        if profile:
            lines.append(f"profile = {json.dumps(profile)}")
        lines += [
            '# role_arn = "arn:aws:iam::111111111111:role/CloudSpyRead"  # another account',
            "",
            "# Line items at scale: a CUR 2.0 or FOCUS Data Export read through Athena.",
            "# [[aws.athena]]",
            '# database = "cur"',
            '# table = "cur2"',
            '# output_location = "s3://BUCKET/athena-results/"',
        ]
        return "\n".join(lines)

    @staticmethod
    def source_from_options(
        profile: str | None = None,
        role_arn: str | None = None,
        external_id: str | None = None,
        region: str = "us-east-1",
    ) -> CostExplorerSource:
        """A source from command-line auth options (``cloudspy aws sync --profile …``)."""
        return CostExplorerSource(
            AwsAccount(profile=profile, role_arn=role_arn, external_id=external_id, region=region)
        )

    @staticmethod
    def cost_forecast(settings: ConfiguredSettings, window: Window, metric: str) -> list[Any]:
        """AWS's own forecast (``GetCostForecast``) for ``window``, one per ``[[aws.accounts]]``."""
        from cloudspy.providers.aws.forecast import account_forecast

        return [
            account_forecast(CostExplorerSource(account), window, metric)
            for account in _own(settings).accounts
        ]

    @staticmethod
    def inventory_sources(settings: ConfiguredSettings) -> list[Any]:
        """One inventory source (every enabled region) per ``[[aws.accounts]]`` entry."""
        from cloudspy.providers.aws.inventory import AwsInventorySource

        regions = list(settings.inventory.regions)
        return [AwsInventorySource(account, regions) for account in _own(settings).accounts]

    @staticmethod
    def inventory_source_from_options(
        profile: str | None = None,
        role_arn: str | None = None,
        external_id: str | None = None,
        region: str = "us-east-1",
        regions: list[str] | None = None,
    ) -> Any:
        """An inventory source from command-line auth options (``cloudspy aws sync``)."""
        from cloudspy.providers.aws.inventory import AwsInventorySource

        account = AwsAccount(
            profile=profile, role_arn=role_arn, external_id=external_id, region=region
        )
        return AwsInventorySource(account, list(regions or []))
