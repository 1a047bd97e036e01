"""Settings from the config file, ``CLOUDSPY_*`` environment variables and CLI flags.

Precedence, highest first: command-line flags, environment variables, the TOML
file (``--config`` or ``~/.config/cloudspy/config.toml``), built-in defaults.
Unknown keys are an error, so a typo never silently disables a setting.
"""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, PrivateAttr, ValidationError, create_model

from cloudspy.errors import ConfigError
from cloudspy.models.insight_settings import AlertSettings, CheckSettings, Team
from cloudspy.models.report_settings import ReportSettings
from cloudspy.models.section import Section
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
from cloudspy.providers.registry import PROVIDERS

# The path functions live in the light cloudspy.paths (no pydantic); the
# `X as X` imports above keep them importable from here, where callers long found them.


class CacheSettings(Section):
    """The ``[cache]`` section: how fresh cached costs must be, how long to wait for locks."""

    # Estimated (still-changing) days older than this are fetched again by `costs`.
    max_age_hours: float = 6.0
    lock_timeout_seconds: float = DEFAULT_LOCK_TIMEOUT_SECONDS
    # List prices fetched from the providers' price lists are asked again after this.
    price_max_age_days: float = Field(default=7.0, gt=0)


class CoreSettings(Section):
    """The sections every install has, whatever its providers: the cache, teams,
    checks, alerts, waste, inventory, reports and the defaults of ``costs``."""

    cache: CacheSettings = Field(default_factory=CacheSettings)
    teams: dict[str, Team] = Field(default_factory=dict)
    check: CheckSettings = Field(default_factory=CheckSettings)
    alerts: AlertSettings = Field(default_factory=AlertSettings)
    waste: WasteSettings = Field(default_factory=WasteSettings)
    inventory: InventorySettings = Field(default_factory=InventorySettings)
    reports: dict[str, ReportSettings] = Field(default_factory=dict)
    default_period: str = DEFAULT_PERIOD
    default_metric: Literal["billed", "effective", "list"] = DEFAULT_METRIC
    # The provider sections, by CLI name, that the composed class added (registry order).
    provider_sections: ClassVar[tuple[str, ...]] = ()
    # The ambient credentials these settings were completed with (no provider configured).
    _detected: tuple[Any, ...] = PrivateAttr(default=())

    @property
    def detected(self) -> tuple[Any, ...]:
        """The :class:`~cloudspy.providers.base.Ambient` credentials in use without config."""
        return self._detected

    def section(self, provider: str) -> Any:
        """The ``[provider]`` section (the model its ``providers/<name>/settings.py`` owns)."""
        if provider not in self.provider_sections:
            raise KeyError(provider)
        return getattr(self, provider)

    def configured_providers(self) -> list[str]:
        """The providers whose section names at least one scope, in registry order."""
        return [name for name in self.provider_sections if self.section(name).is_configured()]


def _composed() -> type[CoreSettings]:
    """:class:`CoreSettings` plus one field per provider that owns a settings model.

    The registry says which providers exist and where their section's model is,
    so a new provider adds its ``[name]`` section without this module changing.
    """
    fields: dict[str, Any] = {}
    for info in PROVIDERS.values():
        model = info.settings_model()
        if model is not None:
            fields[info.name] = (model, Field(default_factory=model))
    composed = create_model(  # type: ignore[call-overload]
        "Settings",
        __base__=CoreSettings,
        __module__=__name__,
        __doc__="Everything CloudSpy reads from ``config.toml``.",
        **fields,
    )
    composed.provider_sections = tuple(fields)
    return composed  # type: ignore[no-any-return]


if TYPE_CHECKING:
    # A checker sees the core sections; provider sections are reached by name
    # (``settings.section("aws")``) or, in that provider's own code, as attributes.
    Settings = CoreSettings
else:
    Settings = _composed()


def read_config(path: Path | None = None, *, required: bool = False) -> tuple[dict | None, Path]:
    """The TOML config as a dict, and its path; None when the default file is absent.

    ``required`` is set when the user named the file explicitly: then it must exist.
    :func:`load_settings` validates it and completes it with detected credentials.
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


def load_settings(
    path: Path | None = None, *, required: bool = False, detect: bool = True
) -> Settings:
    """Read and validate the TOML config; a missing default file means defaults.

    ``required`` is set when the user named the file explicitly: then it must exist.
    When the config names no cloud account at all (or there is none), the
    credentials each SDK would find on its own are used instead (``detect``,
    #12): see :func:`with_detected`. A config that names any account wins.
    """
    raw, target = read_config(path, required=required)
    if raw is None:
        return with_detected({}) if detect else Settings()
    settings = validated(raw, target)
    if detect and not settings.configured_providers():
        return with_detected(raw, target)
    return settings


def with_detected(raw: dict[str, Any], target: Path | None = None) -> Settings:
    """Settings from ``raw`` plus a section for each provider whose SDK finds credentials.

    Detection reads environment variables and files only (no SDK, no network):
    AWS keys or a profile become one Cost Explorer scope, an Azure login every
    enabled subscription it can see, Google ADC the billing exports it can see.
    """
    completed = dict(raw)
    found = []
    for info in PROVIDERS.values():
        ambient = info.detect()
        if ambient is None:
            continue
        module = importlib.import_module(str(info.ambient).partition(":")[0])
        section = dict(completed.get(info.name) or {})
        section.update(module.config_section(ambient))
        completed[info.name] = section
        found.append(ambient)
    settings = validated(completed, target)
    settings._detected = tuple(found)
    return settings
