"""The ``[gcp]`` section of ``config.toml``: BigQuery billing export
tables, inventory projects and endpoints.

Owned by the provider (#16): :mod:`cloudspy.config` composes every provider's
section from the registry without naming any of them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from cloudspy.models.section import Section

# project.dataset.table; the project may be domain-scoped ("example.com:proj"). Only
# these characters may reach the backtick-quoted identifier of the export query.
GCP_TABLE_PATTERN = (
    r"^(?:[a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]"
    r"\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_][A-Za-z0-9_-]{0,1023}$"
)
GCP_LABEL_KEY_PATTERN = r"^[\w-]{1,63}$"


class GcpBillingTable(Section):
    """One BigQuery billing export table (standard, detailed or the FOCUS view).

    ``project`` runs (and pays for) the query job; it defaults to the ADC
    project, then to the table's project. ``label_keys`` are the labels kept
    as Tags; ``resources`` groups by resource (detailed table or FOCUS view).
    """

    name: str | None = None
    table: str
    project: str | None = Field(default=None, pattern=r"^(?:[a-z][a-z0-9.-]*:)?[a-z][a-z0-9-]+$")
    kind: Literal["auto", "standard", "detailed", "focus"] = "auto"
    location: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{2,40}$")
    label_keys: list[str] = Field(default_factory=list)
    resources: bool = False

    @field_validator("table")
    @classmethod
    def _table_path(cls, value: str) -> str:
        import re

        if not re.match(GCP_TABLE_PATTERN, value):
            raise ValueError(f"{value!r} is not a BigQuery table path PROJECT.DATASET.TABLE")
        return value

    @field_validator("label_keys")
    @classmethod
    def _label_keys(cls, value: list[str]) -> list[str]:
        import re

        for key in value:
            if not re.match(GCP_LABEL_KEY_PATTERN, key):
                raise ValueError(f"label key {key!r} is not a GCP label key")
        return value

    @property
    def label(self) -> str:
        """A short name for progress and history lines."""
        return self.name or self.table


class GcpSettings(Section):
    """The ``[gcp]`` section (BigQuery billing export tables, endpoints).

    The endpoints (e.g. Private Service Connect) are also read from
    ``CLOUDSPY_GCP_BIGQUERY_ENDPOINT`` and ``CLOUDSPY_GCP_BILLING_ENDPOINT``.
    """

    billing_tables: list[GcpBillingTable] = Field(default_factory=list)
    bigquery_endpoint: str | None = Field(default=None, pattern=r"^https?://\S+$")
    billing_endpoint: str | None = Field(default=None, pattern=r"^https?://\S+$")
    # Projects whose Compute Engine inventory and Cloud Monitoring utilization are
    # read (docs/inventory-gcp-azure.md); CLOUDSPY_GCP_COMPUTE_ENDPOINT and
    # CLOUDSPY_GCP_MONITORING_ENDPOINT override the two endpoints below.
    projects: list[str] = Field(default_factory=list)
    compute_endpoint: str | None = Field(default=None, pattern=r"^https?://\S+$")
    monitoring_endpoint: str | None = Field(default=None, pattern=r"^https?://\S+$")
    # Find the billing export tables (gcp_billing_export_[resource_]v1_*) in the projects
    # the credentials can see, and inventory ADC's project (zero-config, #12).
    discover: bool = False

    @field_validator("projects")
    @classmethod
    def _project_ids(cls, value: list[str]) -> list[str]:
        import re

        pattern = r"^(?:[a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$"
        for project in value:
            if not re.match(pattern, project):
                raise ValueError(f"{project!r} is not a GCP project id")
        return value

    def is_configured(self) -> bool:
        """Whether any GCP billing table or inventory project is configured (or discovered)."""
        return bool(self.billing_tables or self.projects or self.discover)
