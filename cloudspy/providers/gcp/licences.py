"""GCP premium images: which licence a VM's boot disk carries, and its catalog SKU (#14).

A premium image's disk names its licence
(``…/projects/windows-cloud/global/licenses/windows-server-2022-dc``). Three
families are priced, each from its Compute Engine "Licensing Fee" SKU, by the hour
(Compute Engine premium image pricing):

- Windows Server: ``Licensing Fee for Windows Server 2022 Datacenter Edition on VM``
  (older SKUs: ``… (CPU cost)``), per vCPU;
- RHEL: ``Licensing Fee for Red Hat Enterprise Linux 9 on VM with up to 8 VCPU``
  (and ``9 to 127``, ``128 VCPU or more``), per VM, the band that holds its vCPUs
  (one subscription per VM, as Google's RHEL commitments count them);
- SLES: ``Licensing Fee for SUSE Linux Enterprise Server 15 (CPU cost)``, per VM
  (the pricing page: $0.11 an hour on an n1-standard-8).

``f1-micro`` and ``g1-small`` have SKUs of their own (``… on f1-micro``).
Shared-core E2 types, licences of other premium projects (SQL Server, RHEL and
SLES for SAP, Ubuntu Pro) and licence names CloudSpy cannot read are refused with
the reason, never priced as Linux.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cloudspy.models import resource as m

LINUX = "Linux"
# Projects whose licences bill a fee: the family each names, and how its licence
# names carry the version ("windows-server-2012-r2-dc" → "2012 R2").
_PRICED = {
    "windows-cloud": ("Windows Server", re.compile(r"^windows-server-(\d{4}(?:-r2)?)-dc$")),
    "rhel-cloud": ("RHEL", re.compile(r"^rhel-(\d+)-server$")),
    "suse-cloud": ("SLES", re.compile(r"^sles-(\d+)$")),
}
# Premium projects whose fees CloudSpy does not price yet.
_UNPRICED = {
    "windows-sql-cloud": "SQL Server",
    "rhel-sap-cloud": "RHEL for SAP",
    "suse-sap-cloud": "SLES for SAP",
    "ubuntu-os-pro-cloud": "Ubuntu Pro",
}
_LICENCE_URL = re.compile(r"/projects/([^/]+)/global/licenses/([^/]+)$")
_VARIANT = re.compile(r"^(Windows Server|RHEL|SLES) (\d{4}(?: R2)?|\d+)$")
# Each family's SKU description prefix, and whether its fee is per vCPU.
_SKU_PREFIX = {
    "Windows Server": ("Licensing Fee for Windows Server {version} Datacenter Edition", True),
    "RHEL": ("Licensing Fee for Red Hat Enterprise Linux {version}", False),
    "SLES": ("Licensing Fee for SUSE Linux Enterprise Server {version}", False),
}
_OWN_SKU_TYPES = ("f1-micro", "g1-small")
_BAND = re.compile(
    r" on VM with (?:up to (?P<upto>\d+)|(?P<low>\d+) to (?P<high>\d+)"
    r"|(?P<from>\d+)(?: VCPU)? or more) VCPU"
)


def _boot_licences(raw: dict[str, Any] | None) -> list[str]:
    disks = (raw or {}).get("disks") or []
    boot = [d for d in disks if d.get("boot")] or disks
    return [str(url) for disk in boot for url in disk.get("licenses") or []]


def platform_of(raw: dict[str, Any] | None) -> str:
    """``Linux`` (no fee), a priced licence (``Windows Server 2022``, ``RHEL 9``,
    ``SLES 15``), or the premium image CloudSpy does not price, named."""
    found: list[str] = []
    for url in _boot_licences(raw):
        match = _LICENCE_URL.search(url)
        if match is None:
            continue
        project, name = match.groups()
        if project in _UNPRICED:
            return _UNPRICED[project]  # SQL Server images carry a Windows licence too
        if project in _PRICED:
            family, pattern = _PRICED[project]
            version = pattern.match(name)
            found.append(
                f"{family} {version.group(1).replace('-r2', ' R2')}"
                if version
                else f"{family} ({name})"
            )
    return found[0] if found else LINUX


def licence_refusal(platform: str, machine_type: str) -> str | None:
    """Why a VM of ``platform`` and ``machine_type`` cannot be priced with its licence
    (None: it can, or it has none)."""
    if platform == LINUX:
        return None
    if _VARIANT.match(platform) is None:
        return f"unpriced: {platform} images bill a licence SKU CloudSpy does not price yet"
    if machine_type in ("e2-micro", "e2-small", "e2-medium"):
        return f"unpriced: the {platform} licence fee of shared-core {machine_type} is not priced"
    return None


def _hourly(sku: dict[str, Any]) -> bool:
    expression = ((sku.get("pricingInfo") or [{}])[-1]).get("pricingExpression") or {}
    return expression.get("usageUnit") == "h"


def _for_vcpus(description: str, vcpus: int) -> bool:
    band = _BAND.search(description)
    if band is None:
        return False
    if band["upto"]:
        return vcpus <= int(band["upto"])
    if band["low"]:
        return int(band["low"]) <= vcpus <= int(band["high"])
    return vcpus >= int(band["from"])


def licence_sku(
    variant: str, machine_type: str, vcpus: int, skus: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], int] | str:
    """The on-demand hourly SKU of ``variant``'s licence for this machine and how many
    of its units the VM bills (its vCPUs, or 1 per VM), or why none fits."""
    match = _VARIANT.match(variant)
    if match is None:
        return f"{variant} is not a licence CloudSpy prices"
    family, version = match.groups()
    template, per_vcpu = _SKU_PREFIX[family]
    prefix = template.format(version=version)
    candidates = [
        s
        for s in skus
        if str(s.get("description") or "").startswith(prefix)
        and (s.get("category") or {}).get("usageType") == "OnDemand"
        and _hourly(s)
    ]

    def fits(description: str) -> bool:
        rest = description[len(prefix) :]
        if machine_type in _OWN_SKU_TYPES:
            return rest == f" on {machine_type}"
        if family == "RHEL":
            return rest.startswith(" on VM with") and _for_vcpus(rest, vcpus)
        # Older SKUs end "(CPU cost)", newer ones "on VM"; both are the one fee.
        return rest in (" (CPU cost)", " on VM")

    chosen = [s for s in candidates if fits(str(s.get("description")))]
    if len(chosen) != 1:
        return f"the catalog has no single hourly {prefix} SKU for {machine_type}"
    quantity = vcpus if per_vcpu and machine_type not in _OWN_SKU_TYPES else 1
    return chosen[0], quantity


def is_licensed(kind: str, variant: str) -> bool:
    """Whether a price key's variant adds a licence fee to the machine's price."""
    return kind == m.VM and _VARIANT.match(variant) is not None
