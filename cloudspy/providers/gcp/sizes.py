"""Compute Engine machine types: smaller predefined types of a series (rightsizing, #14).

A predefined type ``<series>-<class>-<vCPUs>`` (``n2-standard-8``) keeps its
memory per vCPU across sizes, so the same series and class with fewer vCPUs is
the smaller machine. Shared-core (``e2-medium``, ``f1-micro``) and custom types
give no answer.
"""

from __future__ import annotations

import re
from functools import cache

# <series>-<class>-<vCPUs>: read here and by the catalog's machine prices.
PREDEFINED = re.compile(r"^([a-z0-9]+)-(standard|highmem|highcpu)-(\d+)$")
LADDER = (2, 4, 8, 16, 32, 48, 64, 80, 96, 128, 160, 192, 224)


@cache  # pure, and asked once per VM by rightsizing over large estates
def smaller_sizes(machine_type: str) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    """The type's vCPUs and the smaller types of its series and class, largest first."""
    match = PREDEFINED.match(machine_type)
    if match is None:
        return None
    series, kind, count = match.group(1), match.group(2), int(match.group(3))
    smaller = tuple((f"{series}-{kind}-{n}", n) for n in reversed(LADDER) if n < count)
    return count, smaller
