"""Where CloudSpy keeps its config file and caches, and the defaults a query reads.

This module imports neither pydantic nor the config models of
:mod:`cloudspy.config` (which re-exports the path functions), so a command given
``--db`` and run without a config file, such as ``cloudspy costs``, can find its
files and defaults without paying for them (~25 ms).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Final

APP_NAME = "cloudspy"

# The built-in defaults of :class:`cloudspy.config.Settings` that cached queries
# read; the model takes its defaults from here, so the two cannot drift.
DEFAULT_PERIOD: Final = "30d"
DEFAULT_METRIC: Final = "billed"
DEFAULT_LOCK_TIMEOUT_SECONDS: Final = 15.0


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
