"""The GCP provider: configured BigQuery billing export tables become cost sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cloudspy.errors import CloudSpyError, UsageError
from cloudspy.periods import Window
from cloudspy.providers.base import COSTS, INVENTORY, ConfiguredSettings, FetchedCosts, Progress
from cloudspy.providers.gcp.settings import GcpBillingTable, GcpSettings


def _own(settings: ConfiguredSettings) -> GcpSettings:
    """This provider's ``[gcp]`` section of the composed settings."""
    section: GcpSettings = settings.section("gcp")
    return section


# Above Cost Explorer (10), below imported files (30). Google writes a billing account's
# standard and detailed exports side by side, holding the same spend; when both are
# synced, the more detailed one wins the overlapping days instead of both being
# summed (#13): detailed > FOCUS view > standard.
API_PRIORITY = 20
KIND_PRIORITY = {"standard": 20, "focus": 21, "detailed": 22}


@dataclass
class BigQueryExportSource:
    """One billing export table (standard, detailed or FOCUS) read through BigQuery.

    ``credentials`` and ``sleep`` are injected by tests; in use, credentials
    come from ADC on the first fetch and ``sleep`` is :func:`time.sleep`.
    """

    table: GcpBillingTable
    settings: GcpSettings = field(default_factory=GcpSettings)
    credentials: Any = field(default=None, repr=False)
    sleep: Any = field(default=None, repr=False)
    provider: str = "gcp"
    source: str = "bigquery"
    priority: int = API_PRIORITY
    _adc_project: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"GCP {self.table.label}"

    def scope(self) -> str:
        """``gcp:bigquery:<project.dataset.table>`` (no API call)."""
        return f"gcp:bigquery:{self.table.table}"

    def wanted_dimensions(self) -> list[str]:
        """The grain this table is configured to cache."""
        from cloudspy.providers.gcp.costs import dimensions

        return dimensions(self.table.resources, self.table.label_keys)

    def fetch_note(self, ranges: list[Window]) -> str:
        """BigQuery's on-demand price for the one aggregation query."""
        return "one BigQuery query; on-demand BigQuery bills $6.25 per TiB scanned"

    def _credentials(self) -> Any:
        if self.credentials is None:
            from cloudspy.providers.gcp.session import application_default

            self.credentials, self._adc_project = application_default()
        return self.credentials

    def billed_project(self) -> str:
        """The project that runs the query job: configured, else ADC's, else the table's."""
        self._credentials()
        return self.table.project or self._adc_project or self.table.table.split(".")[0]

    def fetch(self, ranges: list[Window], progress: Progress) -> FetchedCosts:
        """Fetch daily costs for the windows with one aggregation query."""
        from cloudspy.providers.gcp.costs import QueryStats, fetch_costs, read_layout
        from cloudspy.providers.gcp.session import bigquery_client, endpoint

        stats = QueryStats()
        client = bigquery_client(
            self.billed_project(),
            self._credentials(),
            location=self.table.location,
            api_endpoint=endpoint("bigquery", self.settings),
            on_request=stats.count,
        )
        try:
            layout = read_layout(client, self.table.table, self.table.kind, sleep=self.sleep)
            self.priority = KIND_PRIORITY.get(layout.kind, API_PRIORITY)
            return fetch_costs(
                client,
                self.table.table,
                layout,
                ranges,
                progress,
                stats,
                location=self.table.location,
                label_keys=self.table.label_keys,
                resources=self.table.resources,
                sleep=self.sleep,
            )
        except CloudSpyError as exc:
            exc.api_calls = stats.requests  # type: ignore[attr-defined]  # read by sync_run
            raise


class GcpProvider:
    """Entry point named in the provider registry (a :class:`~cloudspy.providers.base.Provider`)."""

    name = "gcp"
    capabilities = frozenset({COSTS, INVENTORY})

    @staticmethod
    def cost_sources(
        settings: ConfiguredSettings, credentials: Any = None
    ) -> list[BigQueryExportSource]:
        """One source per ``[[gcp.billing_tables]]`` entry of the config.

        With ``discover`` and no table listed (no config, #12): one per billing
        account whose export table the credentials can see (the detailed table
        when both exist), or a usage error naming ``--billing-table``.
        """
        tables = list(_own(settings).billing_tables)
        if _own(settings).discover and not tables:
            tables = GcpProvider.discover_tables(_own(settings), credentials)
        return [BigQueryExportSource(t, _own(settings), credentials=credentials) for t in tables]

    @staticmethod
    def config_snippet(ambient: Any, credentials: Any = None) -> str:
        """The ``[gcp]`` part of ``cloudspy init``: the billing exports ADC can see."""
        import json

        from cloudspy.errors import CloudSpyError

        lines = [f"# GCP: {ambient.description}."]
        try:
            tables = GcpProvider.discover_tables(GcpSettings(), credentials)
        except CloudSpyError as exc:
            lines += [
                f"# {exc.one_line()}",
                "# Turn on the billing export (docs/gcp.md), then name its table here:",
                "# [[gcp.billing_tables]]",
                '# table = "PROJECT.DATASET.gcp_billing_export_resource_v1_XXXXXX_XXXXXX_XXXXXX"',
            ]
            return "\n".join(lines)
        lines.append("# BigQuery bills the bytes each query scans ($6.25 per TiB on demand).")
        for table in tables:
            lines += [
                "[[gcp.billing_tables]]",
                f"name = {json.dumps(table.name)}",
                f"table = {json.dumps(table.table)}",
                f"resources = {'true' if table.resources else 'false'}",
            ]
        return "\n".join(lines)

    @staticmethod
    def discover_tables(gcp: GcpSettings, credentials: Any = None) -> list[GcpBillingTable]:
        """The billing export tables in the projects the credentials can see."""
        from cloudspy.providers.gcp.discovery import discover_export_tables
        from cloudspy.providers.gcp.session import application_default, bigquery_client, endpoint

        project = None
        if credentials is None:
            credentials, project = application_default()
        client = bigquery_client(
            project or "-", credentials, api_endpoint=endpoint("bigquery", gcp)
        )
        found = discover_export_tables(client)
        if not found:
            raise UsageError(
                "no GCP billing export table (gcp_billing_export_v1_*) is visible to these "
                "credentials",
                hint="name it: `cloudspy gcp sync --billing-table PROJECT.DATASET.TABLE`, or "
                "[[gcp.billing_tables]] in config.toml (docs/gcp.md)",
            )
        return [
            GcpBillingTable(table=t.path, resources=t.detailed, name=f"billing {t.billing_account}")
            for t in found
        ]

    @staticmethod
    def source_from_options(
        billing_table: str,
        project: str | None = None,
        *,
        kind: str = "auto",
        location: str | None = None,
        label_keys: list[str] | None = None,
        resources: bool = False,
        settings: GcpSettings | None = None,
        credentials: Any = None,
    ) -> BigQueryExportSource:
        """A source from command-line options (``cloudspy gcp sync --billing-table …``)."""
        from pydantic import ValidationError

        try:
            table = GcpBillingTable(
                table=billing_table,
                project=project,
                kind=kind,  # type: ignore[arg-type]
                location=location,
                label_keys=label_keys or [],
                resources=resources,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = "--" + str(first["loc"][0]).replace("_", "-") if first["loc"] else "option"
            message = str(first["msg"]).removeprefix("Value error, ")
            raise UsageError(f"{where}: {message}") from None
        return BigQueryExportSource(table, settings or GcpSettings(), credentials=credentials)

    @staticmethod
    def billing_accounts(
        settings: GcpSettings | None = None, credentials: Any = None, sleep: Any = None
    ) -> list[Any]:
        """Billing accounts visible to the credentials, each with its linked projects."""
        from cloudspy.providers.gcp.billing import discover_billing
        from cloudspy.providers.gcp.session import application_default, billing_client, endpoint

        if credentials is None:
            credentials, _ = application_default()
        client = billing_client(credentials, api_endpoint=endpoint("billing", settings))
        return discover_billing(client, sleep=sleep)

    @staticmethod
    def inventory_sources(settings: ConfiguredSettings) -> list[Any]:
        """One inventory source per ``[gcp] projects`` entry (Compute Engine + Monitoring)."""
        from cloudspy.providers.gcp.inventory import GcpInventorySource

        projects = list(_own(settings).projects)
        if _own(settings).discover and not projects:
            from cloudspy.providers.gcp.session import application_default

            _, project = application_default()  # ADC's project, when it names one
            projects = [project] if project else []
        return [GcpInventorySource(p, _own(settings)) for p in dict.fromkeys(projects)]

    @staticmethod
    def inventory_source_from_options(
        projects: list[str],
        settings: GcpSettings | None = None,
        credentials: Any = None,
    ) -> list[Any]:
        """Inventory sources from ``cloudspy gcp sync --inventory-project …`` (one per project)."""
        from pydantic import ValidationError

        from cloudspy.providers.gcp.inventory import GcpInventorySource

        try:
            checked = GcpSettings(projects=list(dict.fromkeys(projects)))
        except ValidationError as exc:
            message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
            raise UsageError(f"--inventory-project: {message}") from None
        return [
            GcpInventorySource(p, settings or GcpSettings(), credentials=credentials)
            for p in checked.projects
        ]
