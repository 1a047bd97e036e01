"""Azure VM sizes: smaller sizes of the same series and version (rightsizing, #14).

``Standard_<family><vCPUs><features>_v<version>`` (``Standard_D8s_v5``): the same
family, features and version with fewer vCPUs is the smaller size with the same
memory per vCPU. Burstable B-series sizes (CPU credits), constrained-core sizes
(``Standard_E8-4s_v5``) and names outside the pattern give no answer.
"""

from __future__ import annotations

import re
from functools import cache

_SIZE = re.compile(r"^Standard_([A-Z]+)(\d+)([a-z]*)_v(\d+)$")
LADDER = (2, 4, 8, 16, 32, 48, 64, 96)


@cache  # pure, and asked once per VM by rightsizing over large estates
def smaller_sizes(vm_size: str) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    """The size's vCPUs and the smaller sizes of its series, largest first."""
    match = _SIZE.match(vm_size)
    if match is None or match.group(1).startswith("B"):
        return None
    family, count, features, version = match.groups()
    now = int(count)
    smaller = tuple(
        (f"Standard_{family}{n}{features}_v{version}", n) for n in reversed(LADDER) if n < now
    )
    return now, smaller
