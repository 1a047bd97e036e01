"""What an Azure VM bills as beside its size: the OS rate and any software licence (#14).

A VM bills its size's Linux or Windows meter; Azure Hybrid Benefit
(``licenseType`` ``Windows_Server``/``Windows_Client``) pays the Linux rate. On
top, a licence meter (service ``Virtual Machines Licenses``, listed for no region)
whose name gives the vCPUs it covers, exactly (``8 vCPU VM License``) or as a band
(``1-4 vCPU VM License``, ``5+ vCPU VM``, ``1-2 vCPU VM Support``):

- a pay-as-you-go RHEL or SLES image (publisher ``RedHat`` offer ``RHEL``, ``SUSE``
  offer ``sles-<n>[-sp<n>]``): product ``Red Hat Enterprise Linux`` or ``SUSE Linux
  Enterprise Server Standard``; BYOS offers, ``RHEL_BYOS`` and ``SLES_BYOS`` bill
  none;
- their SAP, HA and HPC offers, each its own product (the names Microsoft's
  reservation pages give each offer's meters): ``RHEL-SAP-HA`` → ``Red Hat
  Enterprise Linux for SAP with HA``, ``RHEL-HA`` → ``Red Hat Enterprise Linux with
  HA``, ``RHEL-SAP-APPS`` and ``RHEL-SAP`` → ``RHEL for SAP Business Applications``
  (the 2019 page lists "Red Hat Enterprise Linux 7.4 for SAP" and "7.5 for SAP",
  the ``RHEL-SAP`` offer, under it), ``RHEL-SAP-HANA`` → ``RHEL for SAP HANA``,
  ``sles-sap[-<n>[-sp<n>]]`` → ``SUSE for SAP Linux Enterprise Server``,
  ``sle-hpc-<n>[-sp<n>]`` (and the older ``sles-<n>-sp<n>-hpc``) → ``SUSE Linux
  Enterprise Server for HPC Standard`` (its 1-2, 3-4 and 5+ vCPU meters, the page's
  ratios 1 : 1.92308 : 2.92308 those of the Standard product's prices); a product
  the API does not list leaves the VM unpriced with the reason;
- SQL Server on Windows: product ``SQL Server Standard``, ``… Enterprise`` or ``…
  Web``, when the VM's SQL virtual machine resource
  (``Microsoft.SqlVirtualMachine/sqlVirtualMachines``, read by the inventory into
  the VM's ``sqlVirtualMachine``) says ``sqlServerLicenseType`` ``PAYG``; ``AHUB``
  (Hybrid Benefit) and ``DR`` bill none, nor do the Developer and Express editions.
  A marketplace SQL Server image with no such resource bills its image's edition.
- SQL Server on Linux (``sql2019-rhel8``, ``sql2019-sles12sp5``,
  ``sql2022-ubuntu2204`` …, or the VM's image publisher): one product holds the SQL
  Server and any OS licence, ``SQL Server Standard Red Hat Enterprise Linux``, ``SQL
  Server Enterprise SLES``, and on Ubuntu (which bills no OS licence) ``SQL Server
  Linux Standard`` … (the licence names of Azure's rate card; the pricing
  calculator shows them as "SQL Server Standard Ubuntu Linux"), billed on the Linux
  rate, by exact vCPUs (its small sizes' meters carry SQL Server's four-core
  minimum). The Ubuntu Pro SQL Server images (``sql2022-ubuntupro2004``) bill
  other products, "SQL Server Standard Ubuntu Pro" in the calculator: not priced.

Other licensed images (Ubuntu Pro, a Marketplace plan; SQL Server on Ubuntu Pro, or
on a Linux CloudSpy cannot tell; SQL Server whose licence could not be read) are
named in the variant so the price list refuses them with the reason, never prices
them without their licence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from cloudspy.models.resource import VM, Resource

HYBRID_BENEFIT = {"Windows_Server", "Windows_Client"}
_BRING_YOUR_OWN = {"RHEL_BYOS", "SLES_BYOS"}
_SQL_EDITIONS = ("Standard", "Enterprise", "Web")
# Variants that bill a licence meter: the OS rate under it, and the licence's product.
LICENCES: dict[str, tuple[str, str]] = {
    "RHEL": ("Linux", "Red Hat Enterprise Linux"),
    "RHEL for SAP with HA": ("Linux", "Red Hat Enterprise Linux for SAP with HA"),
    "RHEL with HA": ("Linux", "Red Hat Enterprise Linux with HA"),
    "RHEL for SAP Apps": ("Linux", "RHEL for SAP Business Applications"),
    "RHEL for SAP HANA": ("Linux", "RHEL for SAP HANA"),
    "SUSE": ("Linux", "SUSE Linux Enterprise Server Standard"),
    "SLES for SAP": ("Linux", "SUSE for SAP Linux Enterprise Server"),
    "SLES for HPC": ("Linux", "SUSE Linux Enterprise Server for HPC Standard"),
    **{f"Windows+SQL {e}": ("Windows", f"SQL Server {e}") for e in _SQL_EDITIONS},
    **{f"Hybrid Benefit+SQL {e}": ("Linux", f"SQL Server {e}") for e in _SQL_EDITIONS},
    **{
        f"RHEL+SQL {e}": ("Linux", f"SQL Server {e} Red Hat Enterprise Linux")
        for e in _SQL_EDITIONS
    },
    **{f"SLES+SQL {e}": ("Linux", f"SQL Server {e} SLES") for e in _SQL_EDITIONS},
    **{f"Ubuntu+SQL {e}": ("Linux", f"SQL Server Linux {e}") for e in _SQL_EDITIONS},
}
# Each publisher's pay-as-you-go offers whose licence is priced (offers compared in
# lower case), and the name of any other offer of it (BYOS offers bill none).
_OFFERS = {
    "redhat": (
        "RHEL",
        (
            ("RHEL", re.compile(r"^rhel(-raw|-arm64)?$")),
            ("RHEL for SAP with HA", re.compile(r"^rhel-sap-ha$")),
            ("RHEL with HA", re.compile(r"^rhel-ha$")),
            ("RHEL for SAP Apps", re.compile(r"^rhel-sap(-apps)?$")),
            ("RHEL for SAP HANA", re.compile(r"^rhel-sap-hana$")),
        ),
    ),
    "suse": (
        "SUSE",
        (
            ("SUSE", re.compile(r"^sles-\d+(-sp\d+)?$")),
            ("SLES for SAP", re.compile(r"^sles-sap(-\d+(-sp\d+)?)?$")),
            ("SLES for HPC", re.compile(r"^(sle-hpc-\d+(-sp\d+)?|sles-\d+-sp\d+-hpc)$")),
        ),
    ),
}
# A licence meter's name: its vCPUs, exact or a band (``1-4``, ``5+``).
_LICENCE_METER = re.compile(r"^(\d+)(?:-(\d+)|(\+))?[ -]vCPU VM(?: (?:License|Support))?$")
# "ubuntu-pro" or "ubuntupro" as a word of an offer (not "ubuntu-prometheus").
_PRO_OFFER = re.compile(r"ubuntu-?pro(?=$|[-_\d])")
SQL_VM = "sqlVirtualMachine"  # the key under which the inventory keeps a VM's SQL VM resource


def _image_edition(sku: str) -> str | None:
    """``standard-gen2`` → ``Standard``; free (``sqldev``, ``express``) → ``Free``."""
    lowered = sku.lower()
    if lowered.startswith(("sqldev", "express")):
        return "Free"
    return next((e for e in _SQL_EDITIONS if lowered.startswith(e.lower())), None)


def _sql_edition(raw: dict[str, Any], image: dict[str, Any]) -> str | None:
    """The SQL Server edition whose licence the VM bills, ``?`` when it cannot be
    told, None when it bills none."""
    sql = raw.get(SQL_VM)
    if isinstance(sql, dict):
        if sql.get("sqlServerLicenseType") in ("AHUB", "DR"):
            return None
        edition = str(sql.get("sqlImageSku") or "")
        if edition in ("Developer", "Express"):
            return None
        paid = sql.get("sqlServerLicenseType") == "PAYG" and edition in _SQL_EDITIONS
        return edition if paid else "?"
    if str(image.get("publisher") or "").lower() != "microsoftsqlserver":
        return None
    edition = _image_edition(str(image.get("sku") or ""))
    if edition == "Free":
        return None
    # The listing was read and this VM has no SQL VM resource: its image's edition bills.
    return edition if SQL_VM in raw and edition else "?"


def _distribution(publisher: str, offer: str, pro: bool) -> str:
    """The Linux distribution whose SQL Server product a VM bills (``RHEL``, ``SLES``,
    ``Ubuntu``, ``Ubuntu Pro``), from its image (``MicrosoftSQLServer`` offer
    ``sql2019-rhel8`` or ``sql2022-ubuntupro2004``, or the image's publisher) and
    whether it is Ubuntu Pro (``pro``); ``Linux`` when it cannot be told."""
    if publisher == "redhat" or "rhel" in offer:
        return "RHEL"
    if publisher == "suse" or "sles" in offer:
        return "SLES"
    if pro:
        return "Ubuntu Pro"
    if publisher == "canonical" or "ubuntu" in offer:
        return "Ubuntu"
    return "Linux"


def plan_note(resource: Resource) -> str:
    """What a VM's list price leaves out: the software charge of the Marketplace plan
    its image carries (the VM's ``plan``), which the Retail Prices API does not list;
    "" for VMs without one."""
    if resource.kind != VM:
        return ""
    plan = (resource.raw or {}).get("plan") or {}
    if not plan:
        return ""
    named = "/".join(str(plan.get(k) or "?") for k in ("publisher", "product", "name"))
    return f"leaves out any charge of its Marketplace plan {named}, which CloudSpy does not price"


def _ubuntu_pro(publisher: str, offer: str, sku: str, licence_type: Any) -> bool:
    """Whether a VM runs Ubuntu Pro: an offer naming it, whoever publishes it
    (``0001-com-ubuntu-pro-jammy``, ``sql2022-ubuntupro2004``), a Pro plan of a plain
    Canonical offer (``ubuntu-24_04-lts`` plan ``ubuntu-pro``), or a plain image
    upgraded in place (``licenseType`` ``UBUNTU_PRO``)."""
    if _PRO_OFFER.search(offer) or licence_type == "UBUNTU_PRO":
        return True
    return publisher == "canonical" and sku.startswith(("pro-", "ubuntu-pro"))


def vm_variant(raw: dict[str, Any] | None) -> str:
    """What the VM bills as: ``Linux``, ``Windows``, a key of :data:`LICENCES`, or a
    licensed image CloudSpy does not price, named for the reason."""
    raw = raw or {}
    props = raw.get("properties") or {}
    storage = props.get("storageProfile") or {}
    image = storage.get("imageReference") or {}
    publisher = str(image.get("publisher") or "").lower()
    offer = str(image.get("offer") or "").lower()
    windows = str((storage.get("osDisk") or {}).get("osType") or "").lower() == "windows"
    hybrid = props.get("licenseType") in HYBRID_BENEFIT
    # An OS subscription brought along (the licence type, or a BYOS offer) bills none.
    byos = props.get("licenseType") in _BRING_YOUR_OWN or "byos" in offer
    sku = str(image.get("sku") or "").lower()
    pro = _ubuntu_pro(publisher, offer, sku, props.get("licenseType"))
    edition = _sql_edition(raw, image)
    if edition == "?":
        return "Windows+SQL Server" if windows else "Linux+SQL Server"
    if edition is not None:
        if not windows:
            # A brought OS subscription: the combined OS+SQL product would bill it again.
            return f"{'Linux' if byos else _distribution(publisher, offer, pro)}+SQL {edition}"
        return f"{'Hybrid Benefit' if hybrid else 'Windows'}+SQL {edition}"
    if windows:
        return "Linux" if hybrid else "Windows"
    if pro:
        # A Marketplace plan or licence on top of the Linux rate, which is not priced
        # yet: never priced as plain Ubuntu.
        if not offer:  # a gallery image upgraded in place: its licence type says it
            return "Ubuntu Pro (licence type UBUNTU_PRO)"
        return f"Ubuntu Pro ({image.get('offer')}/{image.get('sku')})"
    if publisher not in _OFFERS or byos:
        return "Linux"
    family, offers = _OFFERS[publisher]
    priced = next((variant for variant, pattern in offers if pattern.match(offer)), None)
    return priced or f"{family} ({image.get('offer') or 'offer unknown'})"


_WITH_VCPUS = re.compile(r"^(.+) \((\d+) vCPUs\)$")


def with_vcpus(variant: str, vcpus: int) -> str:
    """A licensed variant with the vCPUs its licence bills, for a size whose name does
    not give them (``RHEL (4 vCPUs)``)."""
    return f"{variant} ({vcpus} vCPUs)"


def licence_of(variant: str) -> tuple[str, str, int | None] | None:
    """(the OS rate under it, the licence's product, the vCPUs named in the variant)
    of a variant that bills a licence meter, else None."""
    match = _WITH_VCPUS.match(variant)
    name, vcpus = (match.group(1), int(match.group(2))) if match else (variant, None)
    if name not in LICENCES:
        return None
    base, product = LICENCES[name]
    return base, product, vcpus


def refusal(variant: str, size: str, vcpus: int | None) -> str | None:
    """Why a VM of ``variant`` and ``size`` (``vcpus``: those its licence would bill,
    if known) cannot be priced (None: it can)."""
    if variant.endswith("+SQL Server"):
        return (
            "unpriced: a SQL Server image whose licence could not be read (its SQL virtual"
            " machine resource says whether it is pay-as-you-go or Hybrid Benefit)"
        )
    if variant.startswith(("Linux+SQL", "Ubuntu Pro+SQL")):
        return (
            "unpriced: SQL Server on Linux other than pay-as-you-go RHEL, SLES or Ubuntu"
            " (Ubuntu Pro, an OS subscription brought along, or a Linux that cannot be told)"
            " bills a licence product CloudSpy does not price yet"
        )
    if variant not in ("Linux", "Windows", *LICENCES):
        return f"unpriced: {variant} images bill a software meter CloudSpy does not price yet"
    if variant in LICENCES and vcpus is None:
        return (
            f"unpriced: the {LICENCES[variant][1]} licence bills by vCPUs, which neither the"
            f" name {size} nor its listed capabilities give"
        )
    return None


def licence_candidates(
    items: Sequence[dict[str, Any]], region: str, vcpus: int
) -> list[dict[str, Any]]:
    """The hourly consumption meters of a licence product that cover ``vcpus``: the
    exact ones if any, else the bands; this region's or listed for no region."""
    exact: list[dict[str, Any]] = []
    band: list[dict[str, Any]] = []
    for item in items:
        meter = _LICENCE_METER.match(str(item.get("meterName") or ""))
        if (
            meter is None
            or item.get("type") not in (None, "Consumption")
            or item.get("unitOfMeasure") != "1 Hour"
            or item.get("armRegionName") not in ("", None, region)
        ):
            continue
        low, high, more = meter.groups()
        top = 10**6 if more else int(high or low)
        if int(low) <= vcpus <= top:
            (exact if high is None and not more else band).append(item)
    chosen = exact or band
    regional = [i for i in chosen if i.get("armRegionName") == region]
    return regional or chosen
