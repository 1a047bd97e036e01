"""``cloudspy init``: a commented ``config.toml`` from what the credentials can see (#12).

Each provider whose SDK finds credentials (env and files only, as for the
zero-config commands) writes its own section: the AWS account, the Azure
subscriptions, the GCP billing export tables. A provider without credentials
gets a comment saying how to add it. The text is validated as a config before
it is shown or written, and an existing file is replaced only when asked.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from pathlib import Path

from cloudspy.errors import CloudSpyError, ConfigError, UsageError
from cloudspy.providers.registry import PROVIDERS

HEADER = """\
# CloudSpy configuration, written by `cloudspy init` from what your credentials can see.
# Every key is documented in examples/config.toml. Once this file names an account,
# table or subscription, CloudSpy reads only those (not the credentials it detects).
"""

FOOTER = """\
# How long estimated (still-changing) days may be cached before `costs` fetches them again.
[cache]
max_age_hours = 6

# default_period = "30d"
# default_metric = "billed"          # billed, effective (amortized) or list

# Teams for `--by team`, from tags or accounts:
# [teams.platform]
# tags = { team = "platform" }
"""


def config_text(progress: Callable[[str], None]) -> tuple[str, list[str]]:
    """The commented config for the credentials found, and the providers that had some."""
    parts = [HEADER]
    found: list[str] = []
    for info in PROVIDERS.values():
        if info.entry_point is None:
            continue
        ambient = info.detect()
        if ambient is None:
            parts.append(f"# {info.title}: no credentials found; {info.setup_hint()}.")
            continue
        progress(f"{info.title}: looking at what {ambient.description} can see")
        try:
            parts.append(info.load().config_snippet(ambient))
            found.append(info.name)
        except CloudSpyError as exc:
            parts.append(f"# {info.title}: {ambient.description}: {exc.one_line()}")
    parts.append(FOOTER)
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n", found


def check_config_text(text: str) -> None:
    """Refuse a generated config that would not load (a bug, never the user's fault)."""
    from cloudspy.config import Settings

    try:
        Settings.model_validate(tomllib.loads(text))
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise ConfigError(f"the generated config does not load: {exc}") from None


def write_config(target: Path, text: str, *, force: bool) -> None:
    """Write ``text`` to ``target`` atomically; an existing file only with ``force``."""
    if target.exists() and not force:
        raise UsageError(
            f"{target} already exists",
            hint="pass --force to replace it, or --dry-run to print the new one",
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(target)
