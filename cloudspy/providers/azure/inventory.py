"""Azure inventory: VMs with their power state, managed disks and public IPs of one subscription.

Listings are subscription-wide (``virtualMachines.listAll``, ``disks.list``,
``publicIPAddresses.listAll``); a VM's power state lives only in its instance
view (``PowerState/running|deallocated|stopped``), read per VM. The
``normalize_*`` functions are the only place that knows what the fields mean:
``stopped`` still bills compute, ``diskState: Unattached`` (or no ``managedBy``)
is a free disk, a public IP with neither ``ipConfiguration`` nor ``natGateway``
is unassociated. Resource ids are ARM ids lower-cased (ARM ids are
case-insensitive and the API mixes cases between a VM and its disks' ``managedBy``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from cloudspy.errors import CloudSpyError, ProviderError
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, Resource
from cloudspy.providers.azure.retail_prices import (
    IP_BILLS_NOTHING,
    AzureRetailPrices,
    ip_bills_nothing,
)
from cloudspy.providers.azure.session import Connector
from cloudspy.providers.azure.sizes import size_of
from cloudspy.providers.azure.vm_details import add_vm_details
from cloudspy.providers.azure.vm_licences import vm_variant
from cloudspy.providers.base import Progress, with_retries
from cloudspy.providers.inventory_source import AccessDenied, MetricWindow

PROVIDER = "azure"
ACCESS_HINT = "grant the actions in `cloudspy permissions --provider azure` (or Reader)"
PARALLEL_CALLS = 8  # per-VM instance views and metrics of one subscription
_POWER = {
    "running": m.RUNNING,
    "deallocated": m.DEALLOCATED,
    "stopped": m.STOPPED_BILLED,  # halted but compute still reserved and billed
    "starting": m.TRANSITIONING,
    "stopping": m.TRANSITIONING,
    "deallocating": m.TRANSITIONING,
}
_RETRY_STATUS = {429, 500, 502, 503, 504}


def rest_dict(model: Any) -> dict[str, Any]:
    """An SDK model as its REST JSON (msrest ``serialize`` or the newer ``as_dict``)."""
    if hasattr(model, "serialize"):
        return model.serialize(keep_readonly=True)
    return model.as_dict()


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def parent_id(arm_id: str) -> str:
    """The top-level resource of a child id (a NIC's ip configuration → the NIC), lower-case."""
    parts = arm_id.lower().split("/")
    return "/".join(parts[:9]) if len(parts) > 9 else arm_id.lower()


def power_state(view: dict[str, Any] | None) -> str | None:
    """The ``PowerState/<word>`` of an instance view (None when it has none)."""
    for status in (view or {}).get("statuses") or []:
        code = status.get("code") or ""
        if code.startswith("PowerState/"):
            return code.split("/", 1)[1]
    return None


def _base(item: dict[str, Any], subscription: str, kind: str) -> Resource:
    zones = item.get("zones") or []
    return Resource(
        provider=PROVIDER,
        account=subscription,
        region=(item.get("location") or "global").lower(),
        resource_id=item["id"].lower(),
        kind=kind,
        name=item.get("name"),
        zone=zones[0] if zones else None,
        created_at=_time((item.get("properties") or {}).get("timeCreated")),
        tags=dict(item.get("tags") or {}),
        raw=item,
    )


def normalize_vm(item: dict[str, Any], view: dict[str, Any] | None, subscription: str) -> Resource:
    """A VM and its instance view → a VM with the normalized power state."""
    resource = _base(item, subscription, m.VM)
    props = item.get("properties") or {}
    word = power_state(view)
    resource.state = word or props.get("provisioningState")
    resource.power_state = _POWER.get(word, m.TRANSITIONING) if word else None
    resource.type = size_of(item)
    resource.platform = vm_variant(item)
    if view is not None:
        resource.raw = {**item, "instanceView": view}
    return resource


def normalize_disk(item: dict[str, Any], subscription: str) -> Resource:
    """A managed disk; ``Unattached`` or no ``managedBy`` is free, ``Reserved`` is attached.

    ``Reserved`` disks belong to a deallocated VM; transient states (ActiveSAS,
    ReadyToUpload …) without an owner are left unknown rather than called waste.
    """
    resource = _base(item, subscription, m.DISK)
    props = item.get("properties") or {}
    state = props.get("diskState")
    owner = item.get("managedBy")
    resource.state = state
    resource.type = (item.get("sku") or {}).get("name")
    size = props.get("diskSizeGB")
    resource.size_gb = float(size) if size is not None else None
    resource.iops = props.get("diskIOPSReadWrite")
    resource.throughput_mibps = props.get("diskMBpsReadWrite")
    resource.attached_to = owner.lower() if owner else None
    if owner or state in ("Attached", "Reserved"):
        resource.attached = True
    elif state in (None, "Unattached"):
        resource.attached = False
    return resource


def normalize_snapshot(item: dict[str, Any], subscription: str) -> Resource:
    """A managed-disk snapshot, sized by its source disk (``diskSizeGB``): an upper
    bound of what it bills, the used blocks it holds (the ARM API reports no more)."""
    resource = _base(item, subscription, m.SNAPSHOT)
    props = item.get("properties") or {}
    resource.state = props.get("provisioningState")
    resource.type = (item.get("sku") or {}).get("name")
    size = props.get("diskSizeGB")
    resource.size_gb = float(size) if size is not None else None
    source = (props.get("creationData") or {}).get("sourceResourceId")
    resource.attached_to = source.lower() if source else None
    return resource


def normalize_public_ip(
    item: dict[str, Any], subscription: str, nic_owners: dict[str, str]
) -> Resource:
    """A public IP; associated means an ``ipConfiguration`` or a ``natGateway``.

    ``attached_to`` is the VM when the IP sits on one of its NICs, else the NIC,
    load balancer or NAT gateway. A missing ``sku`` is the legacy Basic SKU.
    """
    resource = _base(item, subscription, m.IP)
    props = item.get("properties") or {}
    config = (props.get("ipConfiguration") or {}).get("id")
    gateway = (props.get("natGateway") or {}).get("id")
    owner = parent_id(config) if config else (gateway.lower() if gateway else None)
    resource.attached = bool(config or gateway)
    resource.state = "associated" if resource.attached else "unassociated"
    resource.type = (item.get("sku") or {}).get("name") or "Basic"
    resource.attached_to = nic_owners.get(owner, owner) if owner else None
    resource.name = item.get("name")
    if ip_bills_nothing(props, resource.attached):
        resource.monthly_cost, resource.currency = Decimal(0), "USD"
        resource.price_basis = IP_BILLS_NOTHING
    return resource


def nic_owners(vms: Iterable[dict[str, Any]]) -> dict[str, str]:
    """NIC id → VM id (both lower-case), from the VMs' network profiles."""
    out = {}
    for vm in vms:
        profile = (vm.get("properties") or {}).get("networkProfile") or {}
        for nic in profile.get("networkInterfaces") or []:
            if nic.get("id"):
                out[nic["id"].lower()] = vm["id"].lower()
    return out


def _retry_hint(exc: Exception) -> float | None:
    from azure.core.exceptions import HttpResponseError, ServiceRequestError, ServiceResponseError

    from cloudspy.providers.azure.query import retry_after

    if isinstance(exc, (ServiceRequestError, ServiceResponseError)):
        return 0  # no answer (timeout, reset): try again, as the Cost Query reader does
    if not isinstance(exc, HttpResponseError) or exc.status_code not in _RETRY_STATUS:
        return None
    return retry_after(getattr(exc.response, "headers", None)) or 0


@dataclass
class SubscriptionReader:
    """Calls one subscription's APIs with retries, counting requests (thread-safe).

    403 becomes :class:`AccessDenied`: the subscription is reported and skipped
    while the others are stored.
    """

    connector: Connector
    subscription: str
    sleep: Callable[[float], None] | None = None
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, name: str) -> Any:
        """``compute``, ``network`` or ``monitor`` management client for the subscription."""
        with self._lock:
            if name not in self._clients:
                if name == "compute":
                    from azure.mgmt.compute import ComputeManagementClient as cls
                elif name == "network":
                    from azure.mgmt.network import NetworkManagementClient as cls
                else:
                    from azure.mgmt.monitor import MonitorManagementClient as cls
                self._clients[name] = cls(
                    self.connector.get_credential(),
                    self.subscription,
                    **self.connector._options(),  # the cloud's endpoint, scope, no SDK retries
                )
            return self._clients[name]

    def _count(self, n: int = 1) -> None:
        with self._lock:
            self.calls += n

    def call(self, fn: Callable[[], Any], what: str) -> Any:
        """Run ``fn`` (one request, or a whole listing) with retries and error mapping."""
        from azure.core.exceptions import HttpResponseError

        from cloudspy.providers.azure.session import call_azure, error_code

        def once() -> Any:
            try:
                return fn()
            except HttpResponseError as exc:
                if exc.status_code == 403:
                    raise AccessDenied(
                        f"Azure denied access to {what}: {error_code(exc)}", hint=ACCESS_HINT
                    ) from None
                raise

        kwargs = {"sleep": self.sleep} if self.sleep else {}
        try:
            return call_azure(
                lambda: with_retries(once, retryable=_retry_hint, **kwargs), what=what
            )
        except HttpResponseError as exc:
            raise ProviderError(f"Azure failed to {what}: {error_code(exc)}") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            # A body that is not JSON (a proxy's HTML page with 200) fails inside the SDK.
            raise ProviderError(
                f"Azure sent a malformed response to {what}: {type(exc).__name__}: "
                + " ".join(str(exc).split())[:200]
            ) from None

    def listing(self, pager: Callable[[], Any], what: str) -> list[dict[str, Any]]:
        """Every item of a paged listing as REST dicts (``nextLink`` followed by the SDK)."""

        def read() -> list[dict[str, Any]]:
            items = []
            for page in pager().by_page():
                self._count()
                items.extend(rest_dict(item) for item in page)
            return items

        return self.call(read, what)

    def arm_listing(self, path: str, what: str) -> list[dict[str, Any]]:
        """Every item of an ARM listing no installed SDK has a client for, through the
        compute client's pipeline (its credential, endpoint and policies), ``nextLink``
        followed."""
        from azure.core.rest import HttpRequest

        compute = self.client("compute")

        def read() -> list[dict[str, Any]]:
            items: list[dict[str, Any]] = []
            url: str | None = path
            while url:
                self._count()
                response = compute.send_request(HttpRequest("GET", url))
                response.raise_for_status()
                body = response.json()
                items += body.get("value") or []
                url = body.get("nextLink")
            return items

        return self.call(read, what)

    def one(self, fn: Callable[[], Any], what: str) -> dict[str, Any] | None:
        """One request whose answer is a model, as a REST dict; None when it is gone (404).

        A VM deleted between the listing and this request is not an error.
        """
        from azure.core.exceptions import ResourceNotFoundError

        def read() -> dict[str, Any] | None:
            self._count()
            try:
                return rest_dict(fn())
            except ResourceNotFoundError:
                return None

        return self.call(read, what)


def _vm_path(vm_id: str) -> tuple[str, str]:
    parts = vm_id.split("/")
    return parts[4], parts[8]  # resource group, VM name


def read_subscription(
    reader: SubscriptionReader, progress: Progress, label: str
) -> tuple[list[Resource], list[str]]:
    """Every VM (with its power state), disk, snapshot and public IP, and the regions."""
    sub = reader.subscription
    compute = reader.client("compute")
    vms = reader.listing(compute.virtual_machines.list_all, f"list the VMs of {sub}")

    def view(vm: dict[str, Any]) -> dict[str, Any] | None:
        group, name = _vm_path(vm["id"])
        return reader.one(
            lambda: compute.virtual_machines.instance_view(group, name),
            f"read the instance view of VM {name}",
        )

    add_vm_details(reader, vms, progress, label)
    with ThreadPoolExecutor(max_workers=PARALLEL_CALLS) as pool:
        views = list(pool.map(view, vms))
    # A VM whose instance view is gone was deleted after the listing.
    resources = [
        normalize_vm(vm, v, sub) for vm, v in zip(vms, views, strict=True) if v is not None
    ]
    disks = reader.listing(compute.disks.list, f"list the managed disks of {sub}")
    resources += [normalize_disk(d, sub) for d in disks]
    snapshots = reader.listing(compute.snapshots.list, f"list the snapshots of {sub}")
    resources += [normalize_snapshot(s, sub) for s in snapshots]
    network = reader.client("network")
    ips = reader.listing(network.public_ip_addresses.list_all, f"list the public IPs of {sub}")
    owners = nic_owners(vms)
    resources += [normalize_public_ip(ip, sub, owners) for ip in ips]
    try:
        subscriptions = reader.connector.subscription_client().subscriptions
        locations = reader.listing(
            lambda: subscriptions.list_locations(sub), f"list the regions of {sub}"
        )
        regions = [str(loc["name"]).lower() for loc in locations if loc.get("name")]
    except AccessDenied as exc:
        progress(
            f"{label}: regions not listed, only regions with resources replaced ({exc.message})"
        )
        regions = []
    return resources, regions


@dataclass
class AzureInventorySource:
    """One Azure subscription: its VMs, disks and public IPs, and VM utilization."""

    subscription: str
    connector: Connector
    sleep: Callable[[float], None] | None = field(default=None, repr=False)
    provider: str = PROVIDER

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"Azure subscription {self.subscription}"

    def scope(self) -> str:
        """``azure:inventory:<subscription id>`` (lower-case, no API call)."""
        return f"azure:inventory:{self.subscription.lower()}"

    def account(self) -> str:
        """The subscription id."""
        return self.subscription

    def partitions(self) -> list[str]:
        """One partition: the listings are subscription-wide."""
        return [self.subscription]

    def price_list(self) -> AzureRetailPrices:
        """The public Retail Prices API (no credentials needed)."""
        return AzureRetailPrices(sleep=self.sleep)

    def collect(self, partition: str, window: MetricWindow, progress: Progress) -> list[Collected]:
        """Every region of the subscription, with the hourly CPU and network of its VMs."""
        from cloudspy.providers.azure.metrics import fetch_vm_metrics

        reader = SubscriptionReader(self.connector, partition, self.sleep)
        resources, regions = read_subscription(reader, progress, self.label)
        vms = [
            r
            for r in resources
            if r.kind == m.VM and r.power_state in (m.RUNNING, m.STOPPED_BILLED)
        ]
        metrics_since: datetime | None = window.start
        try:
            samples = fetch_vm_metrics(reader, vms, window, PARALLEL_CALLS)
        except CloudSpyError as exc:
            # The inventory is worth storing without utilization; earlier samples are kept.
            progress(f"{self.label}: utilization not readable, kept earlier ({exc.one_line()})")
            samples, metrics_since = [], None
        by_region: dict[str, list[Resource]] = {region: [] for region in regions}
        for resource in resources:
            by_region.setdefault(resource.region, []).append(resource)
        region_of_vm = {vm.resource_id: vm.region for vm in vms}
        samples_by_region: dict[str, list[Any]] = {}
        for sample in samples:
            samples_by_region.setdefault(region_of_vm[sample.resource_id], []).append(sample)
        return [
            Collected(
                region=region,
                resources=rows,
                metrics=samples_by_region.get(region, []),
                metrics_since=metrics_since,
                api_calls=reader.calls if index == 0 else 0,
            )
            for index, (region, rows) in enumerate(sorted(by_region.items()))
        ]
