"""The one base class of every ``config.toml`` section (#16: defined once, not four times)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: unknown keys are an error (a typo never silently disables a
    setting), and settings are frozen once read."""

    model_config = ConfigDict(extra="forbid", frozen=True)
