"""A grouping dimension as SQL over the FOCUS ``cost`` table, and its bound parameters.

What users type after ``--by`` is parsed into one of these by
:mod:`cloudspy.cost_query.dimensions`; the store's queries read only this shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NONE_LABEL = "(none)"


@dataclass(frozen=True)
class Dimension:
    """How one ``--by`` value maps onto FOCUS columns."""

    name: str
    sql: str
    label_sql: str | None = None
    coverage_name: str | None = None
    tag_key: str | None = None
    # Bound parameters of ``sql`` beyond a tag key (the team CASE carries its values).
    params: tuple[Any, ...] = ()
    # Whether ``sql`` reads only columns kept in the ``cost_daily`` rollup.
    rollup: bool = True

    @property
    def needs(self) -> str:
        """The name a cached day must list in its dimensions to answer this."""
        return self.coverage_name or self.name


def tag_json_path(key: str) -> str:
    """A JSON path selecting ``key`` literally (quotes escaped)."""
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'$."{escaped}"'


def dimension_params(dims: list[Dimension]) -> list[Any]:
    """The bound parameters the dimensions' SQL needs, in order."""
    out: list[Any] = []
    for d in dims:
        if d.tag_key is not None:
            out.append(tag_json_path(d.tag_key))
        out.extend(d.params)
    return out
