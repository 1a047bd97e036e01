"""GCP premium images: which licence a VM's boot disk carries, and its catalog SKU (#14).

A premium image's disk names its licence
(``…/projects/windows-cloud/global/licenses/windows-server-2022-dc``). Six
families are priced, each from its Compute Engine "Licensing Fee" SKU, by the hour
(Compute Engine premium image pricing):

- Windows Server: ``Licensing Fee for Windows Server 2022 Datacenter Edition on VM``
  (older SKUs: ``… (CPU cost)``), per vCPU;
- RHEL: ``Licensing Fee for Red Hat Enterprise Linux 9 on VM with up to 8 VCPU``
  (and ``9 to 127``, ``128 VCPU or more``), per vCPU at the rate of the band that
  holds the VM's vCPUs (catalog rates $0.0144, $0.0108 and $0.0096: 4 vCPUs bill
  $0.0576 an hour, near the $0.06 per VM of the older per-VM model; Google bills
  RHEL and RHEL for SAP by the core-hour since 2024-07-01). The older ``… with 1 to
  4 VCPU`` / ``… 6 or more VCPU`` SKUs belong to that replaced per-VM model: never
  used;
- SLES: ``Licensing Fee for SUSE Linux Enterprise Server 15 (CPU cost)``, per VM
  (the pricing page: $0.11 an hour on an n1-standard-8).
- RHEL for SAP (``rhel-sap-cloud/…/rhel-9-sap``): ``Licensing Fee for Red Hat
  Enterprise Linux 9 for SAP with High Availability and Update Services on VM with
  up to 8 VCPU`` (and ``9 to 127``, ``128 or more``), per vCPU at its band's rate
  as RHEL (catalog rates that fall with the band: $0.0225, $0.01625, $0.015);
- SLES for SAP (``suse-sap-cloud/…/sles-sap-15``): ``Licensing Fee for SLES 15 For
  SAP License on VM with 1 to 3 VCPU`` (``4 VCPU``, ``6 or more VCPU``), per VM in
  the band that holds its vCPUs (rates that rise with the band, $0.17, $0.34,
  $0.41; Google's SLES for SAP commitments are per VM by core range).
- SQL Server (``windows-sql-cloud/…/sql-server-2019-standard``, beside the Windows
  Server licence): ``Licensing Fee for SQL Server 2019 Standard on VM with 8 VCPU``,
  per VM, the SKU named for exactly its vCPUs (a recorded one: $2.961 an hour for
  18 vCPUs, 18 × the per-core rate). Express and Developer bill none. Where no
  SKU names the machine's exact vCPU count and the catalog lists the newer ``… on
  VM with up to 4 VCPU`` / ``… more than 4 VCPU`` pair, SQL Server's per-core
  licensing with four cores at least per VM (Microsoft's rule; Azure lists it as a
  "1-4 vCPU" band) is read from it only when the prices show that shape, the first
  exactly four times the second: up to 4 vCPUs bill the first once, more bill the
  second per vCPU. Any other pair is refused: its units are unknown.

A VM bills every fee its boot disk's licences name (SQL Server images carry the
Windows Server licence too). ``f1-micro`` and ``g1-small`` have SKUs of their own
(``… on f1-micro``). Shared-core E2 types, Ubuntu Pro (its CPU and RAM SKUs are
unconfirmed), a SLES for SAP machine in no band (5 vCPUs) and licence names
CloudSpy cannot read are refused with the reason, never priced as Linux.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from cloudspy.models import resource as m
from cloudspy.providers.gcp.sku_rates import rates

LINUX = "Linux"
# Projects whose licences bill a fee: the family each names, and how its licence
# names carry the version ("windows-server-2012-r2-dc" → "2012 R2").
_PRICED = {
    "windows-cloud": ("Windows Server", re.compile(r"^windows-server-(\d{4}(?:-r2)?)-dc$")),
    "rhel-cloud": ("RHEL", re.compile(r"^rhel-(\d+)-server$")),
    "suse-cloud": ("SLES", re.compile(r"^sles-(\d+)$")),
    "rhel-sap-cloud": ("RHEL for SAP", re.compile(r"^rhel-(\d+)-sap$")),
    "suse-sap-cloud": ("SLES for SAP", re.compile(r"^sles-sap-(\d+)$")),
    "windows-sql-cloud": (
        "SQL Server",
        re.compile(r"^sql-server-(\d{4}-(?:standard|enterprise|web|express|developer))$"),
    ),
}
_FREE_SQL = ("Express", "Developer")
# Premium projects whose fees CloudSpy does not price yet.
_UNPRICED = {"ubuntu-os-pro-cloud": "Ubuntu Pro"}
# Public image projects whose licences bill nothing: the free distributions, BYOS
# images (their subscription is bought elsewhere) and the licences Compute Engine
# attaches itself (an imported disk, nested virtualization). A licence of any other
# project may bill a fee (a Marketplace image's, say): the price says it is left out.
_FREE_PROJECTS = frozenset(
    {
        "almalinux-cloud",
        "centos-cloud",
        "compute-image-tools",
        "cos-cloud",
        "debian-cloud",
        "fedora-cloud",
        "fedora-coreos-cloud",
        "gke-node-images",
        "opensuse-cloud",
        "oracle-linux-cloud",
        "rhel-byos-cloud",
        "rocky-linux-cloud",
        "suse-byos-cloud",
        "ubuntu-os-cloud",
        "ubuntu-os-gke-cloud",
        "vm-options",
    }
)
_LICENCE_URL = re.compile(r"/projects/([^/]+)/global/licenses/([^/]+)$")
# One priced licence of a variant ("Windows Server 2022+SQL Server 2019 Standard").
_PART = re.compile(
    r"^(Windows Server|RHEL for SAP|RHEL|SLES for SAP|SLES|SQL Server)"
    r" (\d{4}(?: R2)?|\d+|\d{4} (?:Standard|Enterprise|Web))$"
)
# Each family's SKU description prefix, and whether its fee is per vCPU.
_SKU_PREFIX = {
    "Windows Server": ("Licensing Fee for Windows Server {version} Datacenter Edition", True),
    "RHEL": ("Licensing Fee for Red Hat Enterprise Linux {version}", True),
    "SLES": ("Licensing Fee for SUSE Linux Enterprise Server {version}", False),
    "SQL Server": ("Licensing Fee for SQL Server {version}", False),
    "RHEL for SAP": (
        "Licensing Fee for Red Hat Enterprise Linux {version} for SAP with High"
        " Availability and Update Services",
        True,
    ),
    "SLES for SAP": ("Licensing Fee for SLES {version} For SAP License", False),
}
_OWN_SKU_TYPES = ("f1-micro", "g1-small")
# The per-vCPU bands of RHEL and RHEL for SAP (the "1 to 4 VCPU" and "6 or more VCPU"
# SKUs of the per-VM model, replaced by core-hour billing in July 2024, are not among them).
_PER_VCPU_BANDS = (
    " on VM with up to 8 VCPU",
    " on VM with 9 to 127 VCPU",
    " on VM with 128 VCPU or more",
    " on VM with 128 or more VCPU",
)
# "on VM with up to 8 VCPU", "… 9 to 127 VCPU", "… 128 VCPU or more", "… 6 or more VCPU".
_BAND = re.compile(
    r" on VM with (?:up to (?P<upto>\d+) VCPU|(?P<low>\d+) to (?P<high>\d+) VCPU"
    r"|(?P<from>\d+) VCPU or more|(?P<more>\d+) or more VCPU)$"
)


def _boot_licences(raw: dict[str, Any] | None) -> list[tuple[str, str]]:
    """The (project, licence name) of each licence the boot disk names."""
    disks = (raw or {}).get("disks") or []
    boot = [d for d in disks if d.get("boot")] or disks
    urls = (str(url) for disk in boot for url in disk.get("licenses") or [])
    matches = (_LICENCE_URL.search(url) for url in urls)
    return [(match[1], match[2]) for match in matches if match is not None]


def _part(family: str, version: str) -> str | None:
    """``SQL Server 2019 Standard``, ``Windows Server 2012 R2`` …; None for a free edition."""
    version = version.replace("-r2", " R2")
    if family == "SQL Server":
        year, _, edition = version.partition("-")
        if edition.title() in _FREE_SQL:
            return None
        version = f"{year} {edition.title()}"
    return f"{family} {version}"


def platform_of(raw: dict[str, Any] | None) -> str:
    """``Linux`` (no fee), the priced licences its boot disk names joined by ``+``
    (``Windows Server 2022``, ``RHEL 9``, ``Windows Server 2022+SQL Server 2019
    Standard``), or the premium image CloudSpy does not price, named."""
    found: list[str] = []
    for project, name in _boot_licences(raw):
        if project in _UNPRICED:
            return _UNPRICED[project]
        if project in _PRICED:
            family, pattern = _PRICED[project]
            version = pattern.match(name)
            if version is None:
                return f"{family} ({name})"
            part = _part(family, version.group(1))
            if part is not None and part not in found:
                found.append(part)
    # One spelling per image, whatever order the disk lists its licences in.
    order = list(_SKU_PREFIX)
    found.sort(key=lambda part: next(i for i, f in enumerate(order) if part.startswith(f)))
    return "+".join(found) if found else LINUX


def licence_note(resource: m.Resource) -> str:
    """What a VM's list price leaves out: the licences its boot disk names from
    projects that are neither priced here nor known to be free; "" when none."""
    if resource.kind != m.VM:
        return ""
    unknown = [
        f"{project}/{name}"
        for project, name in _boot_licences(resource.raw)
        if project not in (*_PRICED, *_UNPRICED, *_FREE_PROJECTS)
    ]
    if not unknown:
        return ""
    return f"leaves out any fee of its licence {', '.join(unknown)}, which CloudSpy does not price"


def licence_refusal(platform: str, machine_type: str) -> str | None:
    """Why a VM of ``platform`` and ``machine_type`` cannot be priced with its licence
    (None: it can, or it has none)."""
    if platform == LINUX:
        return None
    if not _parts(platform):
        return f"unpriced: {platform} images bill a licence SKU CloudSpy does not price yet"
    if machine_type in ("e2-micro", "e2-small", "e2-medium"):
        return f"unpriced: the {platform} licence fee of shared-core {machine_type} is not priced"
    return None


def _for_vcpus(description: str, vcpus: int) -> bool:
    band = _BAND.search(description)
    if band is None:
        return False
    if band["upto"]:
        return vcpus <= int(band["upto"])
    if band["low"]:
        return int(band["low"]) <= vcpus <= int(band["high"])
    return vcpus >= int(band["from"] or band["more"])


def _parts(variant: str) -> list[tuple[str, str]]:
    """The (family, version) of each licence a variant names; empty when one is not
    a licence CloudSpy prices."""
    parts = [_PART.match(part) for part in variant.split("+")]
    return [(p.group(1), p.group(2)) for p in parts if p] if all(parts) else []


def _one_licence(
    family: str, version: str, machine_type: str, vcpus: int, skus: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], int] | str:
    template, per_vcpu = _SKU_PREFIX[family]
    prefix = template.format(version=version)
    candidates = [
        s
        for s in skus
        if str(s.get("description") or "").startswith(prefix)
        and (s.get("category") or {}).get("usageType") == "OnDemand"
        and rates(s)[0] == "h"
    ]

    def fits(description: str) -> bool:
        rest = description[len(prefix) :]
        if family == "SQL Server":
            return rest == f" on VM with {vcpus} VCPU" and machine_type not in _OWN_SKU_TYPES
        if machine_type in _OWN_SKU_TYPES:
            return rest == f" on {machine_type}"
        if family in ("RHEL", "RHEL for SAP"):
            # Exactly the per-vCPU bands (for RHEL, not "… 9 for SAP with High …").
            return rest in _PER_VCPU_BANDS and _for_vcpus(rest, vcpus)
        if family == "SLES for SAP":
            return rest == f" on VM with {vcpus} VCPU" or _for_vcpus(rest, vcpus)
        # Older SKUs end "(CPU cost)", newer ones "on VM"; both are the one fee.
        return rest in (" (CPU cost)", " on VM")

    chosen = [s for s in candidates if fits(str(s.get("description")))]
    if family == "SQL Server" and not chosen and machine_type not in _OWN_SKU_TYPES:
        return _sql_by_core(prefix, machine_type, vcpus, candidates)
    if len(chosen) != 1:
        return f"the catalog has no single hourly {prefix} SKU for {machine_type}"
    quantity = vcpus if per_vcpu and machine_type not in _OWN_SKU_TYPES else 1
    return chosen[0], quantity


def _single_rate(sku: dict[str, Any]) -> Decimal | None:
    tiers = rates(sku)[1]
    return tiers[0][1] if len(tiers) == 1 else None


def _sql_by_core(
    prefix: str, machine_type: str, vcpus: int, candidates: Sequence[dict[str, Any]]
) -> tuple[dict[str, Any], int] | str:
    """SQL Server from the newer pair of SKUs, ``… on VM with up to 4 VCPU`` and ``…
    more than 4 VCPU``, read as SQL Server bills on Compute Engine: per core, four at
    least. Only when the catalog's prices show that shape (the first is exactly four
    times the second: a flat fee for four cores, then a per-vCPU rate) does a VM bill
    the first once (up to 4 vCPUs) or the second per vCPU; otherwise why not."""

    def named(rest: str) -> list[dict[str, Any]]:
        return [s for s in candidates if str(s.get("description")) == prefix + rest]

    small, large = named(" on VM with up to 4 VCPU"), named(" on VM with more than 4 VCPU")
    if len(small) != 1 or len(large) != 1:
        return f"the catalog has no single hourly {prefix} SKU for {machine_type}"
    flat, per_core = _single_rate(small[0]), _single_rate(large[0])
    if flat is None or per_core is None or flat != 4 * per_core:
        return (
            f"the catalog's {prefix} SKUs for up to 4 and more than 4 vCPUs are not a"
            " four-core fee and its per-core rate, so their units are unknown"
        )
    return (small[0], 1) if vcpus <= 4 else (large[0], vcpus)


def licence_skus(
    variant: str, machine_type: str, vcpus: int, skus: Sequence[dict[str, Any]]
) -> list[tuple[dict[str, Any], int]] | str:
    """The on-demand hourly SKU of each licence ``variant`` names for this machine and
    how many of its units the VM bills (its vCPUs, or 1 per VM), or why one is missing."""
    parts = _parts(variant)
    if not parts:
        return f"{variant} is not a licence CloudSpy prices"
    found: list[tuple[dict[str, Any], int]] = []
    for family, version in parts:
        one = _one_licence(family, version, machine_type, vcpus, skus)
        if isinstance(one, str):
            return one
        found.append(one)
    return found


def is_licensed(kind: str, variant: str) -> bool:
    """Whether a price key's variant adds a licence fee to the machine's price."""
    return kind == m.VM and bool(_parts(variant))
