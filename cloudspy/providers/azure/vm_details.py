"""What pricing needs to know of Azure VMs beyond the VM listing (#14).

Two listings per subscription, each optional (denied or failed: said once, and the
VMs are priced from what the VM itself says):

- the SQL virtual machine resources (``Microsoft.SqlVirtualMachine/sqlVirtualMachines``,
  no SDK installed for it: read through the compute client's pipeline), which say
  whether a VM's SQL Server licence is pay-as-you-go or Hybrid Benefit; kept on the
  VM as ``sqlVirtualMachine`` (None: read, the VM has none);
- the compute resource SKUs of each region holding a VM whose licence bills per
  vCPU and whose size name does not give them (``resource_skus.list``,
  ``$filter=location eq '…'``; a ``Standard_NC4as_T4_v3`` has 4, a ``Standard_A5``
  2); kept on such VMs as ``sizeCapabilities`` (``vCPUs``, ``vCPUsAvailable``,
  ``MemoryGB``). The listing is large, so other estates do not ask for it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from cloudspy.errors import ProviderError
from cloudspy.providers.azure.sizes import SIZE_CAPABILITIES, licensed_vcpus, size_of
from cloudspy.providers.azure.vm_licences import LICENCES, SQL_VM, vm_variant
from cloudspy.providers.base import Progress

if TYPE_CHECKING:
    from cloudspy.providers.azure.inventory import SubscriptionReader

SQL_VM_API_VERSION = "2022-02-01"
_SQL_VM_FIELDS = ("sqlServerLicenseType", "sqlImageSku", "sqlImageOffer", "sqlManagement")
_CAPABILITIES = ("vCPUs", "vCPUsAvailable", "MemoryGB")
PARALLEL_SKU_READS = 4  # regions whose SKUs are listed at once (each answer is large)


def sql_virtual_machines(
    reader: SubscriptionReader, progress: Progress, label: str
) -> dict[str, dict[str, Any]] | None:
    """The SQL virtual machine resources' properties by their VM's id (lower case), or
    None when they cannot be read (SQL Server VMs then stay unpriced, with the reason).

    Whether a VM bills a SQL Server licence is on this resource
    (``sqlServerLicenseType`` PAYG, AHUB or DR), not on the VM.
    """
    sub = reader.subscription
    path = (
        f"/subscriptions/{sub}/providers/Microsoft.SqlVirtualMachine/sqlVirtualMachines"
        f"?api-version={SQL_VM_API_VERSION}"
    )
    try:
        items = reader.arm_listing(path, f"list the SQL virtual machines of {sub}")
    except ProviderError as exc:  # AccessDenied included
        progress(f"{label}: SQL Server licences not read ({exc.message})")
        return None
    out: dict[str, dict[str, Any]] = {}
    for item in items:
        props = item.get("properties") or {}
        vm_id = str(props.get("virtualMachineResourceId") or "").lower()
        if vm_id:
            # What pricing reads; the rest (settings, user names) is not kept.
            out[vm_id] = {k: props.get(k) for k in _SQL_VM_FIELDS if k in props}
    return out


def size_capabilities(
    reader: SubscriptionReader, regions: list[str], progress: Progress, label: str
) -> dict[tuple[str, str], dict[str, str]]:
    """The vCPUs and memory of each VM size offered in ``regions``, by (region, size),
    the regions read in parallel; a region whose SKUs cannot be read is said once and
    left out (its sizes are known by their names only)."""
    compute = reader.client("compute")

    def one(region: str) -> list[dict[str, Any]] | str:
        try:
            return reader.listing(
                lambda: compute.resource_skus.list(filter=f"location eq '{region}'"),
                f"list the VM sizes of {region}",
            )
        except ProviderError as exc:  # AccessDenied included
            return exc.message

    wanted = sorted(set(regions))
    with ThreadPoolExecutor(max_workers=PARALLEL_SKU_READS) as pool:
        answers = dict(zip(wanted, pool.map(one, wanted), strict=True))
    failed = sorted({answer for answer in answers.values() if isinstance(answer, str)})
    if failed:
        progress(f"{label}: VM sizes not read ({failed[0]}); vCPUs from size names")
    out: dict[tuple[str, str], dict[str, str]] = {}
    for region, skus in answers.items():
        for sku in skus if isinstance(skus, list) else []:
            if sku.get("resourceType") != "virtualMachines" or not sku.get("name"):
                continue
            out[(region, str(sku["name"]))] = {
                str(c.get("name")): str(c.get("value"))
                for c in sku.get("capabilities") or []
                if c.get("name") in _CAPABILITIES
            }
    return out


def add_vm_details(
    reader: SubscriptionReader, vms: list[dict[str, Any]], progress: Progress, label: str
) -> None:
    """Put each VM's SQL VM resource and its size's capabilities on its listing item."""
    sql = sql_virtual_machines(reader, progress, label)
    if sql is not None:
        # Read: each VM gets its SQL VM resource's properties, or None if it has none.
        for vm in vms:
            vm[SQL_VM] = sql.get(str(vm.get("id") or "").lower())
    # Only a VM whose licence bills per vCPU and whose size name hides them needs its
    # region's SKUs: the listing is large, so Linux and Windows estates skip it.
    regions = [
        str(vm.get("location") or "").lower()
        for vm in vms
        if vm.get("location")
        and vm_variant(vm) in LICENCES
        and licensed_vcpus(str(size_of(vm))) is None
    ]
    if not regions:
        return
    sizes = size_capabilities(reader, regions, progress, label)
    for vm in vms:
        found = sizes.get((str(vm.get("location") or "").lower(), str(size_of(vm))))
        if found:
            vm[SIZE_CAPABILITIES] = found
