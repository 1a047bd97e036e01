"""Azure VM sizes: smaller sizes of the same series and version (rightsizing, #14).

``Standard_<family><vCPUs><features>_v<version>`` (``Standard_D8s_v5``): the same
family, features and version with fewer vCPUs is the smaller size with the same
memory per vCPU. Names give their vCPUs from v3 on, in v2 (but D/DS) and in F v1.
D and DS sizes before v3 number their sizes instead (a ``Standard_D3_v2`` has 4
vCPUs, a ``Standard_D11_v2`` 2): their published counts are listed here, in two
ladders of the same memory per vCPU. Other names give no answer, nor do burstable
B-series sizes (CPU credits), constrained-core sizes (``Standard_E8-4s_v5``) and
names outside the pattern.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# Standard_<family><vCPUs>[-<active vCPUs>]<features>[_v<version>]
_SIZE = re.compile(r"^Standard_([A-Z]+)(\d+)(?:-(\d+))?([a-z]*)(?:_v(\d+))?$")
# Size number in the name → vCPUs. Where names give their vCPUs, the number is the count.
LADDER = {n: n for n in (2, 4, 8, 16, 32, 48, 64, 96)}
# D/DS v1 and v2 (learn.microsoft.com, "Dv2 and DSv2-series" and "… memory optimized"):
# 1–5 have 3.5 GiB per vCPU, 11–15 have 7 GiB per vCPU.
NUMBERED_LADDERS = (
    {1: 1, 2: 2, 3: 4, 4: 8, 5: 16},
    {11: 2, 12: 4, 13: 8, 14: 16, 15: 20},
)


@cache  # pure, and asked once per VM by rightsizing over large estates
def smaller_sizes(vm_size: str) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    """The size's vCPUs and the smaller sizes of its series, largest first."""
    match = _SIZE.match(vm_size)
    if match is None:
        return None
    family, count, active, features, version = match.groups()
    now = licensed_vcpus(vm_size)
    if now is None or active is not None or family.startswith("B"):
        return None
    suffix = f"_v{version}" if version else ""
    ladder = _numbered_ladder(family, int(count), version) or LADDER
    smaller = tuple(
        (f"Standard_{family}{n}{features}{suffix}", v)
        for n, v in reversed(ladder.items())
        if v < now
    )
    return now, smaller


@cache
def licensed_vcpus(vm_size: str) -> int | None:
    """The vCPUs a per-vCPU software licence bills for ``vm_size``, read from its name,
    or None where the name does not say.

    Sizes of v2 and later (but D/DS v2), F v1 and the B-series name their vCPUs
    (``Standard_D4s_v5``: 4, ``Standard_A2_v2``: 2); a constrained-core size names its
    active vCPUs after the dash (``Standard_E8-4s_v5``: 4), which licences bill; D/DS
    v1 and v2 sizes have their published counts (``Standard_D11_v2``: 2,
    ``Standard_D3_v2``: 4). Other names do not say (a ``Standard_A5`` has 2,
    ``Standard_NC4as_T4_v3`` 4): no answer.
    """
    match = _SIZE.match(vm_size)
    if match is None:
        return None
    family, count, active, _features, version = match.groups()
    if active is not None:
        return int(active)  # a constrained-core size names its active vCPUs, any series
    ladder = _numbered_ladder(family, int(count), version)
    if ladder is not None:
        return ladder[int(count)]
    if not (family == "B" or _names_its_vcpus(family, version)):
        return None
    return int(count)


def _numbered_ladder(family: str, number: int, version: str | None) -> dict[int, int] | None:
    """The ladder (size number → vCPUs) a D/DS v1 or v2 size belongs to, else None."""
    if family not in ("D", "DS") or version not in (None, "2"):
        return None
    return next((ladder for ladder in NUMBERED_LADDERS if number in ladder), None)


def _names_its_vcpus(family: str, version: str | None) -> bool:
    """Whether sizes of this family and version carry their vCPU count in the name:
    from v3 on all do; of v2 all but D and DS (``Standard_D3_v2`` has 4, ``D11_v2``
    2); of the first versions F (``Standard_F4s``: 4)."""
    if version is None:
        return family == "F"
    return int(version) >= 3 or (int(version) == 2 and family not in ("D", "DS"))


SIZE_CAPABILITIES = "sizeCapabilities"  # where the inventory keeps a VM size's vCPUs


def size_of(raw: dict[str, Any]) -> str | None:
    """A VM's size as the ARM API gives it (``properties.hardwareProfile.vmSize``)."""
    return ((raw.get("properties") or {}).get("hardwareProfile") or {}).get("vmSize")


def billed_vcpus(vm_size: str, raw: dict[str, Any] | None) -> int | None:
    """The vCPUs a per-vCPU licence bills for a VM of ``vm_size``: from the name where
    it gives them, else from the size's capabilities the inventory read onto the VM
    (``vCPUsAvailable``: a constrained size's active vCPUs), when they are this size's."""
    named = licensed_vcpus(vm_size)
    if named is not None:
        return named
    raw = raw or {}
    current = size_of(raw)
    caps = raw.get(SIZE_CAPABILITIES) or {}
    value = str(caps.get("vCPUsAvailable") or caps.get("vCPUs") or "")
    return int(value) if current == vm_size and value.isdigit() else None
