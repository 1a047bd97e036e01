"""Settings as a command uses them: the config file, else the credentials each SDK finds.

Lives in the providers layer because detection asks every provider's ``ambient``
module (no SDK, no network); :mod:`cloudspy.config` below it only reads and
validates the file (#16: config no longer imports the provider registry).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from cloudspy.config import Settings, read_config, validated


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
    from cloudspy.providers.registry import PROVIDERS

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
