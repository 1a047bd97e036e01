"""Settings from the config file, ``CLOUDSPY_*`` environment variables and CLI flags.

Precedence, highest first: command-line flags, environment variables, the TOML
file (``--config`` or ``~/.config/cloudspy/config.toml``), built-in defaults.
Unknown keys are an error, so a typo never silently disables a setting.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cloudspy.errors import ConfigError

APP_NAME = "cloudspy"


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


class AwsSettings(_Section):
    """The ``[aws]`` section."""

    accounts: list[AwsAccount] = Field(default_factory=list)

    def is_configured(self) -> bool:
        """Whether any AWS cost scope is configured."""
        return bool(self.accounts)


class GcpSettings(_Section):
    """The ``[gcp]`` section (BigQuery billing export tables, endpoints)."""

    def is_configured(self) -> bool:
        """Whether any GCP billing table is configured."""
        return False


class AzureSettings(_Section):
    """The ``[azure]`` section (subscriptions or other scopes, cloud, endpoints)."""

    def is_configured(self) -> bool:
        """Whether any Azure scope is configured."""
        return False


class CacheSettings(_Section):
    """The ``[cache]`` section: how fresh cached costs must be, how long to wait for locks."""

    # Estimated (still-changing) days older than this are fetched again by `costs`.
    max_age_hours: float = 6.0
    lock_timeout_seconds: float = 15.0


class Settings(_Section):
    """Everything CloudSpy reads from ``config.toml``."""

    cache: CacheSettings = Field(default_factory=CacheSettings)
    aws: AwsSettings = Field(default_factory=AwsSettings)
    gcp: GcpSettings = Field(default_factory=GcpSettings)
    azure: AzureSettings = Field(default_factory=AzureSettings)
    default_period: str = "30d"
    default_metric: Literal["billed", "effective", "list"] = "billed"

    def configured_providers(self) -> list[str]:
        """The providers with at least one configured scope (sections named as providers)."""
        return [
            name
            for name in type(self).model_fields
            if hasattr(getattr(self, name), "is_configured") and getattr(self, name).is_configured()
        ]


def user_config_path() -> Path:
    """``$CLOUDSPY_CONFIG`` or the platform's user config file."""
    env = os.environ.get("CLOUDSPY_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME)) / "config.toml"


def user_db_path() -> Path:
    """``$CLOUDSPY_DB`` or ``cloudspy.duckdb`` in the platform's user data directory."""
    env = os.environ.get("CLOUDSPY_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "cloudspy.duckdb"


def user_data_dir() -> Path:
    """The platform's user data directory for CloudSpy (not created here)."""
    from platformdirs import user_data_dir as _dir

    return Path(_dir(APP_NAME))


def demo_db_path() -> Path:
    """Where ``cloudspy demo`` keeps its sample store, apart from real data."""
    env = os.environ.get("CLOUDSPY_DEMO_DB")
    return Path(env).expanduser() if env else user_data_dir() / "demo.duckdb"


def load_settings(path: Path | None = None, *, required: bool = False) -> Settings:
    """Read and validate the TOML config; a missing default file means defaults.

    ``required`` is set when the user named the file explicitly: then it must exist.
    """
    target = path or user_config_path()
    if not target.exists():
        if required or path is not None:
            raise ConfigError(f"config file {target} does not exist")
        return Settings()
    try:
        raw = tomllib.loads(target.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read config file {target}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {target} is not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            f"config file {target}: {where}: {first['msg']}",
            hint="see examples/config.toml for the known settings",
        ) from None
