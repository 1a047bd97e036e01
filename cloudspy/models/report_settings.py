"""The ``[reports.NAME]`` sections of ``config.toml``: reports run as ``cloudspy report NAME``.

Kept beside the code that reads them; unknown keys are an error, like
everywhere in the config.

.. code-block:: toml

    [reports.monthly]
    title = "Cloud costs — monthly management report"
    period = "last-month"
    provider = ["aws", "gcp"]
    sections = ["trend", "providers", "breakdown:service", {kind = "breakdown", by = ["team"]},
                "movers", "forecast", "waste"]
    template = "monthly.html.j2"   # relative to the config file's folder
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from cloudspy.models.section import Section

SectionKind = Literal["trend", "providers", "breakdown", "movers", "forecast", "waste"]


class ReportSection(Section):
    """One section of a report: its kind, its grouping (``--by``), title and size."""

    kind: SectionKind
    by: list[str] = Field(default_factory=list)
    title: str | None = None
    top: int | None = Field(default=None, ge=1, le=200)

    @field_validator("by", mode="before")
    @classmethod
    def _listify(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value


def _section(value: Any) -> Any:
    """``"waste"`` or ``"breakdown:service"`` is short for a table with kind (and by)."""
    if isinstance(value, str):
        kind, _, by = value.partition(":")
        return {"kind": kind.strip(), "by": [by.strip()] if by.strip() else []}
    return value


class ReportSettings(Section):
    """A named report: title, period, filters, sections in order, and the template."""

    title: str | None = None
    period: str = "last-month"
    metric: Literal["billed", "effective", "list"] | None = None
    provider: list[str] = Field(default_factory=list)
    region: list[str] = Field(default_factory=list)
    service: list[str] = Field(default_factory=list)
    account: list[str] = Field(default_factory=list)
    sections: list[ReportSection] = Field(default_factory=list)
    template: str | None = None
    out: str | None = None

    @field_validator("sections", mode="before")
    @classmethod
    def _short_sections(cls, value: object) -> object:
        return [_section(v) for v in value] if isinstance(value, list) else value
