"""Settings from the config file, ``CLOUDSPY_*`` environment variables and CLI flags.

Precedence, highest first: command-line flags, environment variables, the TOML
file (``--config`` or ``~/.config/cloudspy/config.toml``), built-in defaults.
Unknown keys are an error, so a typo never silently disables a setting.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from cloudspy.errors import ConfigError
from cloudspy.models.insight_settings import AlertSettings, CheckSettings, Team
from cloudspy.models.report_settings import ReportSettings
from cloudspy.models.waste_settings import InventorySettings, WasteSettings
from cloudspy.paths import APP_NAME as APP_NAME
from cloudspy.paths import (
    DEFAULT_LOCK_TIMEOUT_SECONDS,
    DEFAULT_METRIC,
    DEFAULT_PERIOD,
    user_config_path,
)
from cloudspy.paths import demo_db_path as demo_db_path
from cloudspy.paths import user_data_dir as user_data_dir
from cloudspy.paths import user_db_path as user_db_path

# The path functions live in the light cloudspy.paths (no pydantic); the
# `X as X` imports above keep them importable from here, where callers long found them.


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AwsAccount(_Section):
    """One AWS cost scope: a profile and/or a role to assume (payer accounts see all members)."""

    name: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    region: str = "us-east-1"
    # Cost Explorer allows two group-bys; CloudSpy always splits by linked account
    # (through a filter) and groups each account by these two.
    breakdown: tuple[str, str] = ("SERVICE", "REGION")

    @field_validator("breakdown")
    @classmethod
    def _known_breakdown(cls, value: tuple[str, str]) -> tuple[str, str]:
        for key in value:
            if key not in ("SERVICE", "REGION", "USAGE_TYPE") and not key.startswith("TAG:"):
                raise ValueError(f"breakdown {key!r} is not SERVICE, REGION, USAGE_TYPE or TAG:KEY")
        return value

    @property
    def label(self) -> str:
        """A short name for progress and history lines."""
        return self.name or self.profile or self.role_arn or "default credentials"


class AwsAthenaTable(_Section):
    """One CUR 2.0 or FOCUS Data Export table, aggregated by Athena (``[[aws.athena]]``).

    ``database`` and ``table`` are pasted into the SQL (identifiers cannot be
    query parameters), so only plain identifiers are accepted.
    """

    name: str | None = None
    database: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
    table: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
    format: Literal["cur2", "focus"] = "cur2"
    workgroup: str = Field(default="primary", pattern=r"^[A-Za-z0-9._-]{1,128}$")
    # Not needed when the workgroup enforces its own result location.
    output_location: str | None = Field(default=None, pattern=r"^s3://\S+$")
    region: str = "us-east-1"
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    # The payer whose days this table covers; detected from the rows when left out.
    payer_account_id: str | None = Field(default=None, pattern=r"^\d{12}$")
    # Data Exports partition the table by billing_period (YYYY-MM): queries name the
    # months they need so Athena scans only those. Off for a table without that column.
    billing_period_partitions: bool = True

    @property
    def label(self) -> str:
        """A short name for progress and history lines."""
        return self.name or f"{self.database}.{self.table}"


class AwsSettings(_Section):
    """The ``[aws]`` section."""

    accounts: list[AwsAccount] = Field(default_factory=list)
    athena: list[AwsAthenaTable] = Field(default_factory=list)

    def is_configured(self) -> bool:
        """Whether any AWS cost scope is configured."""
        return bool(self.accounts or self.athena)


# project.dataset.table; the project may be domain-scoped ("example.com:proj"). Only
# these characters may reach the backtick-quoted identifier of the export query.
GCP_TABLE_PATTERN = (
    r"^(?:[a-z][a-z0-9.-]{0,61}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]"
    r"\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_][A-Za-z0-9_-]{0,1023}$"
)
GCP_LABEL_KEY_PATTERN = r"^[\w-]{1,63}$"


class GcpBillingTable(_Section):
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


class GcpSettings(_Section):
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


AZURE_GROUPINGS = ("ServiceName", "ResourceLocation", "ResourceGroupName", "ChargeType")


class AzureSettings(_Section):
    """The ``[azure]`` section (subscriptions or other scopes, cloud, endpoints).

    Endpoints default to the ``cloud``'s; ``CLOUDSPY_AZURE_CLOUD``,
    ``CLOUDSPY_AZURE_ARM_ENDPOINT`` and ``CLOUDSPY_AZURE_AUTHORITY_HOST`` override them.
    """

    subscriptions: list[str] = Field(default_factory=list)
    # Other Cost Management scopes: billing accounts, management groups, resource groups.
    scopes: list[str] = Field(default_factory=list)
    cloud: Literal["public", "china", "usgov"] = "public"
    arm_endpoint: str | None = None
    authority_host: str | None = None
    tenant_id: str | None = None
    # The Query API allows two groupings per request (see docs/azure.md).
    breakdown: tuple[str, ...] = ("ServiceName", "ResourceLocation")
    cost_column: Literal["PreTaxCost", "Cost"] = "PreTaxCost"
    max_parallel_queries: int = Field(default=6, ge=1, le=12)
    parallel_queries_per_scope: int = Field(default=2, ge=1, le=12)
    # Every enabled subscription the credential can see, when none is listed (#12).
    discover: bool = False

    @field_validator("breakdown")
    @classmethod
    def _known_grouping(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for key in value:
            if key not in AZURE_GROUPINGS:
                raise ValueError(f"breakdown {key!r} is not one of {', '.join(AZURE_GROUPINGS)}")
        if not 1 <= len(value) <= 2 or len(set(value)) != len(value):
            raise ValueError("breakdown takes one or two different groupings")
        return value

    def all_scopes(self) -> list[str]:
        """Every configured scope as an ARM path (subscriptions first), without repeats."""
        paths = [f"/subscriptions/{s.strip()}" for s in self.subscriptions]
        paths += ["/" + s.strip().strip("/") for s in self.scopes]
        return list(dict.fromkeys(paths))

    def is_configured(self) -> bool:
        """Whether any Azure scope is configured (or to be discovered)."""
        return bool(self.subscriptions or self.scopes or self.discover)


class CacheSettings(_Section):
    """The ``[cache]`` section: how fresh cached costs must be, how long to wait for locks."""

    # Estimated (still-changing) days older than this are fetched again by `costs`.
    max_age_hours: float = 6.0
    lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS
    # List prices fetched from the providers' price lists are asked again after this.
    price_max_age_days: float = Field(default=7.0, gt=0)


class Settings(_Section):
    """Everything CloudSpy reads from ``config.toml``."""

    cache: CacheSettings = Field(default_factory=CacheSettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    gcp: GcpSettings = Field(default_factory=GcpSettings)
    azure: AzureSettings = Field(default_factory=AzureSettings)
    teams: dict[str, Team] = Field(default_factory=dict)
    check: CheckSettings = Field(default_factory=CheckSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    waste: WasteSettings = Field(default_factory=WasteSettings)
    inventory: InventorySettings = Field(default_factory=InventorySettings)
    reports: dict[str, ReportSettings] = Field(default_factory=dict)
    default_period: str = DEFAULT_PERIOD
    default_metric: Literal["billed", "effective", "list"] = DEFAULT_METRIC
    # The ambient credentials these settings were completed with (no provider configured).
    _detected: tuple[Any, ...] = PrivateAttr(default=())

    @property
    def detected(self) -> tuple[Any, ...]:
        """The :class:`~cloudspy.providers.base.Ambient` credentials in use without config."""
        return self._detected

    def configured_providers(self) -> list[str]:
        """The providers with at least one configured scope (sections named as providers)."""
        return [
            name
            for name in type(self).model_fields
            if hasattr(getattr(self, name), "is_configured") and getattr(self, name).is_configured()
        ]


def read_config(path: Path | None = None, *, required: bool = False) -> tuple[dict | None, Path]:
    """The TOML config as a dict, and its path; None when the default file is absent.

    ``required`` is set when the user named the file explicitly: then it must exist.
    Validation and credential detection are :func:`cloudspy.providers.settings_loader.
    load_settings`'s (detection needs the provider registry, a layer above this one).
    """
    target = path or user_config_path()
    if not target.exists():
        if required or path is not None:
            raise ConfigError(f"config file {target} does not exist")
        return None, target
    try:
        return tomllib.loads(target.read_text(encoding="utf-8")), target
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {target}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {target} is not valid TOML: {exc}") from exc


def validated(raw: dict[str, Any], target: Path | None) -> Settings:
    """``raw`` as :class:`Settings`; a config error naming the first bad key."""
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            f"config file {target or user_config_path()}: {where}: {first['msg']}",
            hint="see examples/config.toml for the known settings",
        ) from None
