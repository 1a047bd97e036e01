"""The Azure provider: configured scopes become Cost Management Query cost sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudspy.periods import Window, utc_today
from cloudspy.providers.azure.query import QueryGate
from cloudspy.providers.azure.session import Connector, resolve_endpoints
from cloudspy.providers.azure.settings import AzureSettings
from cloudspy.providers.base import COSTS, INVENTORY, ConfiguredSettings, FetchedCosts, Progress


def _own(settings: ConfiguredSettings) -> AzureSettings:
    """This provider's ``[azure]`` section of the composed settings."""
    section: AzureSettings = settings.section("azure")
    return section


API_PRIORITY = 10


@dataclass
class AzureQuerySource:
    """One Azure scope (a subscription, billing account, management group …)."""

    arm_scope: str
    settings: AzureSettings
    connector: Connector
    gate: QueryGate
    provider: str = "azure"
    source: str = "azure-query"
    priority: int = API_PRIORITY
    sleep: Any = None
    _client: Any = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"Azure {self.arm_scope}"

    def scope(self) -> str:
        """``azure:query:<scope path>`` (ARM ids are case-insensitive: lower-cased)."""
        return f"azure:query:{self.arm_scope.lower()}"

    def fetch_note(self, ranges: list[Window]) -> str:
        """The Query API is free; it is rate-limited (one request per 31 days)."""
        days = sum(r.days for r in ranges)
        return f"about {-(-days // 31)} Cost Management query(ies), free of charge"

    def fetch(self, ranges: list[Window], progress: Progress) -> FetchedCosts:
        """Fetch daily costs for the windows from the Query API."""
        from cloudspy.providers.azure.costs import fetch_costs

        if self._client is None:
            self._client = self.connector.cost_client()
        return fetch_costs(
            self._client,
            self.arm_scope,
            ranges,
            progress,
            groupings=self.settings.breakdown,
            cost_column=self.settings.cost_column,
            gate=self.gate,
            parallel=self.settings.parallel_queries_per_scope,
            today=utc_today(),
            sleep=self.sleep,
        )

    def wanted_dimensions(self) -> list[str]:
        """The grain this source is configured to cache."""
        from cloudspy.providers.azure.costs import dimensions_of

        return dimensions_of(self.arm_scope, self.settings.breakdown)


def connector_for(azure: AzureSettings) -> Connector:
    """The connector (endpoints, lazily built credential) of an ``[azure]`` section."""
    endpoints = resolve_endpoints(azure.cloud, azure.arm_endpoint, azure.authority_host)
    return Connector(endpoints, tenant_id=azure.tenant_id)


class AzureProvider:
    """Entry point named in the provider registry (a :class:`~cloudspy.providers.base.Provider`)."""

    name = "azure"
    capabilities = frozenset({COSTS, INVENTORY})
    # Tests replace this to inject a fake credential and an authentication policy.
    make_connector = staticmethod(connector_for)

    @staticmethod
    def cost_sources(settings: ConfiguredSettings) -> list[AzureQuerySource]:
        """One source per configured scope, sharing one connector and one QPU gate.

        With ``discover`` and no scope listed (no config, #12), the scopes are the
        enabled subscriptions the credential can see.
        """
        azure, connector = AzureProvider._discovered(_own(settings))
        return AzureProvider._sources(azure, azure.all_scopes(), connector)

    @staticmethod
    def _discovered(azure: AzureSettings) -> tuple[AzureSettings, Connector | None]:
        """``azure`` with its subscriptions listed when it asks to discover them."""
        if not azure.discover or azure.all_scopes():
            return azure, None
        from cloudspy.providers.azure.subscriptions import list_subscriptions

        connector = AzureProvider.make_connector(azure)
        enabled = [
            s.subscription_id
            for s in list_subscriptions(connector)
            if (s.state or "Enabled").lower() in ("enabled", "pastdue", "warned")
        ]
        return azure.model_copy(update={"subscriptions": enabled}), connector

    @staticmethod
    def config_snippet(ambient: Any) -> str:
        """The ``[azure]`` part of ``cloudspy init``: the subscriptions the login can see."""
        import json

        from cloudspy.providers.azure.settings import AzureSettings
        from cloudspy.providers.azure.subscriptions import list_subscriptions

        found = list_subscriptions(AzureProvider.make_connector(AzureSettings()))
        lines = [
            f"# Azure: {ambient.description} sees {len(found)} subscription(s).",
            "# The Cost Management Query API is free; billing accounts and management groups",
            '# go in scopes = ["/providers/Microsoft.Billing/billingAccounts/…"].',
            "[azure]",
            "subscriptions = [",
        ]
        for sub in found:
            enabled = (sub.state or "Enabled").lower() in ("enabled", "pastdue", "warned")
            mark = "" if enabled else "# "
            lines.append(
                f"  {mark}{json.dumps(sub.subscription_id)},  # {sub.name or ''} ({sub.state})"
            )
        lines.append("]")
        return "\n".join(lines)

    @staticmethod
    def source_from_options(
        settings: ConfiguredSettings,
        subscriptions: list[str] | None = None,
        scopes: list[str] | None = None,
    ) -> list[AzureQuerySource]:
        """Sources from ``cloudspy azure sync --subscription … --scope …`` (default: config)."""
        if not subscriptions and not scopes:
            return AzureProvider.cost_sources(settings)
        azure = _own(settings).model_copy(
            update={"subscriptions": list(subscriptions or []), "scopes": list(scopes or [])}
        )
        return AzureProvider._sources(azure, azure.all_scopes())

    @staticmethod
    def _sources(
        azure: AzureSettings, scopes: list[str], connector: Connector | None = None
    ) -> list[AzureQuerySource]:
        connector = connector or AzureProvider.make_connector(azure)
        gate = QueryGate(azure.max_parallel_queries)
        return [AzureQuerySource(scope, azure, connector, gate) for scope in scopes]

    @staticmethod
    def subscriptions(settings: ConfiguredSettings) -> list[Any]:
        """The subscriptions the credential can see (``cloudspy azure subscriptions``)."""
        from cloudspy.providers.azure.subscriptions import list_subscriptions

        return list_subscriptions(AzureProvider.make_connector(_own(settings)))

    @staticmethod
    def inventory_sources(settings: ConfiguredSettings) -> list[Any]:
        """One inventory source per configured subscription, sharing one connector."""
        return AzureProvider.inventory_source_from_options(settings)

    @staticmethod
    def inventory_source_from_options(
        settings: ConfiguredSettings, subscriptions: list[str] | None = None
    ) -> list[Any]:
        """Sources from ``cloudspy azure sync --subscription …`` (default: config)."""
        from cloudspy.providers.azure.inventory import AzureInventorySource

        azure, connector = (
            (_own(settings), None) if subscriptions else AzureProvider._discovered(_own(settings))
        )
        chosen = list(subscriptions or azure.subscriptions)
        ids = list(dict.fromkeys(s.strip() for s in chosen if s.strip()))
        if not ids:
            return []
        connector = connector or AzureProvider.make_connector(_own(settings))
        return [AzureInventorySource(sub, connector) for sub in ids]
