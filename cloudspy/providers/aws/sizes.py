"""EC2 instance sizes: the smaller sizes of a type's family and their vCPUs (rightsizing, #14).

Within a current family every size from ``large`` up doubles (or, above
``8xlarge``, steps by 4 vCPUs per ``xlarge``) the vCPUs and memory of the one
below: ``large`` 2, ``xlarge`` 4, ``Nxlarge`` 4N. Burstable families (t2, t3,
t4g …) share 2 vCPUs across sizes, so CPU says nothing about their size, and
``metal``/``medium`` and smaller sizes are not compared; those give no answer.
Not every family has every size: the caller keeps the sizes the price list knows.
A few older types break the pattern (``c4.8xlarge`` and ``d2.8xlarge`` have 36
vCPUs, not 32): they are listed as they are.
"""

from __future__ import annotations

import re
from functools import cache

_SIZE = re.compile(r"^(\d*)xlarge$")
# Types whose vCPUs the size name does not give (EC2 instance type specifications).
_EXCEPTIONS = {"c4.8xlarge": 36, "d2.8xlarge": 36}
LADDER = ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge",
          "24xlarge", "32xlarge", "48xlarge")  # fmt: skip


def vcpus(size: str) -> int | None:
    """vCPUs of a size name (``4xlarge`` → 16), None for sizes not compared."""
    if size == "large":
        return 2
    match = _SIZE.match(size)
    if match is None:
        return None
    return 4 * int(match.group(1) or 1)


@cache  # pure, and asked once per VM by rightsizing over large estates
def smaller_sizes(instance_type: str) -> tuple[int, tuple[tuple[str, int], ...]] | None:
    """The type's vCPUs and its family's smaller types with theirs, largest first
    (``m5.4xlarge`` → 16, [(``m5.2xlarge``, 8), (``m5.xlarge``, 4), (``m5.large``, 2)])."""
    family, dot, _size = instance_type.partition(".")
    now = _type_vcpus(instance_type) if dot else None
    if now is None or family.startswith("t"):
        return None
    sizes = [(f"{family}.{s}", _type_vcpus(f"{family}.{s}") or 0) for s in LADDER]
    smaller = [(name, count) for name, count in sizes if count < now]
    return now, tuple(sorted(smaller, key=lambda pair: -pair[1]))


def _type_vcpus(instance_type: str) -> int | None:
    """An instance type's vCPUs: its listed exception, else what its size name gives."""
    return _EXCEPTIONS.get(instance_type) or vcpus(instance_type.partition(".")[2])
