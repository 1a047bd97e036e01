"""GCP inventory: Compute Engine instances, disks and external addresses of one project.

Each list is one ``aggregatedList`` sweep over every zone and region of the
project (google-cloud-compute over REST). Its ``items`` map scope names
(``zones/us-east1-b``, ``regions/us-east1``, ``global``) to scoped lists; a
scope that holds only a ``warning`` has nothing in it. The ``normalize_*``
functions are the only place that knows what the fields mean: ``TERMINATED``
is a stopped VM, ``machineType``/``zone``/``disks[].source`` are URLs, a disk
or address without ``users`` is free, ``sizeGb`` is a string.

Resource ids are the resources' relative names
(``projects/P/zones/Z/instances/NAME``), the path that disks' ``users`` and
instances' ``disks[].source`` point to, so attachments link without lookups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cloudspy.errors import CloudSpyError, ProviderError
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, Resource
from cloudspy.providers.base import Progress, http_timeout
from cloudspy.providers.gcp.catalog import (
    ADDRESS_BILLS_NOTHING,
    GcpCatalog,
    address_bills_nothing,
)
from cloudspy.providers.gcp.licences import platform_of
from cloudspy.providers.inventory_source import AccessDenied, MetricWindow

if TYPE_CHECKING:
    from cloudspy.providers.gcp.settings import GcpSettings

PROVIDER = "gcp"
ACCESS_HINT = "grant the permissions in `cloudspy permissions --provider gcp` on the project"
PAGE_SIZE = 500
# The scope warning that only says "nothing here"; any other warning-only scope
# (e.g. UNREACHABLE) was not read, so its region keeps its earlier snapshot.
EMPTY_WARNING = "NO_RESULTS_ON_PAGE"
_POWER = {
    "RUNNING": m.RUNNING,
    "TERMINATED": m.STOPPED,  # what the API calls a stopped VM
    "STOPPED": m.STOPPED,
    "SUSPENDED": m.STOPPED,  # halted; disks and the saved memory still bill
}
# aggregatedList key of each resource list, the client class that reads it.
LISTS = {"instances": "InstancesClient", "disks": "DisksClient", "addresses": "AddressesClient"}
# Global lists (one per project, no aggregation), the client class that reads each.
GLOBAL_LISTS = {"snapshots": "SnapshotsClient"}
GIB = 1024**3


def last_segment(url: str | None) -> str | None:
    """``.../zones/us-east1-b`` → ``us-east1-b`` (None stays None)."""
    return url.rstrip("/").rsplit("/", 1)[-1] if url else None


def relative_name(url: str) -> str:
    """A compute URL or self link without its host and version: ``projects/P/…``."""
    index = url.find("projects/")
    return url[index:] if index >= 0 else url


def region_of(scope: str) -> str:
    """The region of an aggregatedList scope: zones/us-east1-b → us-east1, global → global."""
    kind, _, name = scope.partition("/")
    if kind == "zones":
        return name.rsplit("-", 1)[0]
    return name or kind


def _time(text: str | None) -> datetime | None:
    # RFC 3339 with an offset (2017-05-01T12:34:32.859-07:00); Python 3.11 parses it.
    return datetime.fromisoformat(text) if text else None


def _base(item: dict[str, Any], project: str, scope: str, kind: str) -> Resource:
    zone = last_segment(item.get("zone"))
    return Resource(
        provider=PROVIDER,
        account=project,
        region=region_of(f"zones/{zone}" if zone else scope),
        resource_id=relative_name(
            item.get("selfLink") or f"projects/{project}/{scope}/{kind}/{item['name']}"
        ),
        kind=kind,
        name=item.get("name"),
        zone=zone,
        created_at=_time(item.get("creationTimestamp")),
        tags=dict(item.get("labels") or {}),
        raw=item,
    )


def normalize_instance(item: dict[str, Any], project: str, scope: str) -> Resource:
    """One instance → a VM (``TERMINATED`` is stopped, ``SUSPENDED`` halted)."""
    resource = _base(item, project, scope, "instances")
    status = item.get("status")
    resource.kind = m.VM
    resource.state = status
    resource.power_state = _POWER.get(status or "", m.TRANSITIONING)
    resource.type = last_segment(item.get("machineType"))
    resource.platform = platform_of(item)
    if status in ("TERMINATED", "STOPPED"):
        resource.state_since = _time(item.get("lastStopTimestamp"))
    elif status == "SUSPENDED":
        resource.state_since = _time(item.get("lastSuspendedTimestamp"))
    return resource


def normalize_disk(item: dict[str, Any], project: str, scope: str) -> Resource:
    """One disk; ``users`` absent (or empty) means attached to nothing."""
    resource = _base(item, project, scope, "disks")
    users = item.get("users") or []
    resource.kind = m.DISK
    resource.state = item.get("status")
    resource.type = last_segment(item.get("type"))
    size = item.get("sizeGb")
    resource.size_gb = float(size) if size not in (None, "") else None
    resource.attached = bool(users)
    resource.attached_to = relative_name(users[0]) if users else None
    # What pd-extreme and hyperdisks bill beside capacity (int64 strings in JSON).
    for name, value in (("iops", item.get("provisionedIops")),
                         ("throughput_mibps", item.get("provisionedThroughput"))):  # fmt: skip
        if value not in (None, ""):
            setattr(resource, name, int(value))
    return resource


def normalize_snapshot(item: dict[str, Any], project: str) -> Resource:
    """One snapshot. Snapshots are global resources, stored in ``storageLocations``
    (``us``, ``europe-west1`` …); ``storageBytes`` is what they bill for (their own
    blocks, not the source disk's size), so that is their size here."""
    resource = _base(item, project, "global", "snapshots")
    resource.kind = m.SNAPSHOT
    resource.state = item.get("status")
    stored = item.get("storageBytes")
    if stored not in (None, ""):
        resource.size_gb = int(stored) / GIB
    elif item.get("diskSizeGb") not in (None, ""):
        # An upper bound of what it stores; the price basis says so (catalog.price_note).
        resource.size_gb = float(item["diskSizeGb"])
    source = item.get("sourceDisk")
    resource.attached_to = relative_name(source) if source else None
    return resource


def is_external(item: dict[str, Any]) -> bool:
    """External addresses bill; internal ones (and VPC peering ranges) do not.

    Old recordings omit ``addressType``: that is EXTERNAL.
    """
    return (
        item.get("addressType", "EXTERNAL") == "EXTERNAL" and item.get("purpose") != "VPC_PEERING"
    )


def normalize_address(item: dict[str, Any], project: str, scope: str) -> Resource:
    """One external address; unused means no ``users``, whatever its ``status`` says."""
    resource = _base(item, project, scope, "addresses")
    users = item.get("users") or []
    resource.kind = m.IP
    resource.state = item.get("status")
    resource.type = item.get("networkTier") or item.get("addressType") or "EXTERNAL"
    resource.attached = bool(users)
    resource.attached_to = relative_name(users[0]) if users else None
    if address_bills_nothing(item):
        resource.monthly_cost, resource.currency = Decimal(0), "USD"
        resource.price_basis = ADDRESS_BILLS_NOTHING
    return resource


_NORMALIZE = {
    "instances": normalize_instance,
    "disks": normalize_disk,
    "addresses": normalize_address,
}


@dataclass
class SweepResult:
    """What the aggregated lists of one project hold, by region."""

    resources: dict[str, list[Resource]] = field(default_factory=dict)
    unreadable: dict[str, str] = field(default_factory=dict)  # region → warning

    def add_scope(self, scope: str) -> None:
        """Record that a scope's region was read (even when it is empty)."""
        self.resources.setdefault(region_of(scope), [])


def normalize_pages(
    pages: Iterable[dict[str, Any]], key: str, project: str, sweep: SweepResult
) -> None:
    """aggregatedList pages (JSON shape) → resources per region in ``sweep``."""
    normalize = _NORMALIZE[key]
    for page in pages:
        for scope, scoped in (page.get("items") or {}).items():
            items = scoped.get(key) or []
            warning = scoped.get("warning") or {}
            if not items and warning and warning.get("code") != EMPTY_WARNING:
                sweep.unreadable[region_of(scope)] = (
                    f"{warning.get('code')}: {warning.get('message') or scope}"
                )
                continue
            sweep.add_scope(scope)
            for item in items:
                if key == "addresses" and not is_external(item):
                    continue
                resource = normalize(item, project, scope)
                sweep.resources.setdefault(resource.region, []).append(resource)


@dataclass
class ProjectReader:
    """Calls one project's APIs through CloudSpy's retries, counting calls.

    A 403 that is not throttling becomes :class:`AccessDenied`, so the
    project is reported and skipped while other projects are stored.
    """

    project: str
    credentials: Any
    settings: GcpSettings | None = None
    sleep: Callable[[float], None] | None = None
    calls: int = 0
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def call(self, fn: Callable[[], Any], what: str) -> Any:
        """One API request with retries; denial → AccessDenied, the rest → CloudSpy errors."""
        from google.api_core import exceptions as gexc
        from google.protobuf.json_format import ParseError

        from cloudspy.providers.gcp.session import call_gcp, retry_hint

        def once() -> Any:
            self.calls += 1
            try:
                return fn()
            except gexc.Forbidden as exc:
                if retry_hint(exc) is not None:
                    raise
                message = " ".join(str(exc.message or exc).split())[:300]
                raise AccessDenied(f"{what}: {message}", hint=ACCESS_HINT) from None
            except ParseError as exc:
                # The client parses JSON into protobuf: a field out of range fails here.
                raise ProviderError(
                    f"Google sent a malformed response while trying to {what}: "
                    f"{str(exc).splitlines()[0][:200]}"
                ) from None

        return call_gcp(once, what=what, sleep=self.sleep)

    def client(self, key: str) -> Any:
        """The compute client for a key of :data:`LISTS` or :data:`GLOBAL_LISTS` (REST)."""
        if key not in self._clients:
            from google.cloud import compute_v1

            from cloudspy.providers.gcp.session import endpoint

            api = endpoint("compute", self.settings)
            self._clients[key] = getattr(compute_v1, {**LISTS, **GLOBAL_LISTS}[key])(
                credentials=self.credentials,
                transport="rest",
                client_options={"api_endpoint": api} if api else None,
            )
        return self._clients[key]

    def aggregated(self, key: str) -> list[dict[str, Any]]:
        """Every page of ``<key>.aggregatedList`` as JSON-shaped dicts (pages followed here)."""
        client = self.client(key)
        request: dict[str, Any] = {"project": self.project, "max_results": PAGE_SIZE}
        pages = []
        while True:
            pager = self.call(
                lambda: client.aggregated_list(
                    request=dict(request), retry=None, timeout=http_timeout()
                ),
                what=f"list the {key} of project {self.project}",
            )
            page = next(iter(pager.pages))
            pages.append(_as_json(page))
            if not page.next_page_token:
                return pages
            request["page_token"] = page.next_page_token

    def global_list(self, key: str) -> list[dict[str, Any]]:
        """Every item of the project's ``<key>.list`` as JSON-shaped dicts (pages followed)."""
        client = self.client(key)
        request: dict[str, Any] = {"project": self.project, "max_results": PAGE_SIZE}
        items: list[dict[str, Any]] = []
        while True:
            pager = self.call(
                lambda: client.list(request=dict(request), retry=None, timeout=http_timeout()),
                what=f"list the {key} of project {self.project}",
            )
            page = next(iter(pager.pages))
            items += _as_json(page).get("items") or []
            if not page.next_page_token:
                return items
            request["page_token"] = page.next_page_token


def _as_json(message: Any) -> dict[str, Any]:
    """A proto-plus message as the REST JSON it came from (camelCase, no defaults)."""
    return type(message).to_dict(
        message,
        preserving_proto_field_name=False,
        use_integers_for_enums=False,
        always_print_fields_with_no_presence=False,
    )


def read_project(reader: ProjectReader) -> SweepResult:
    """Instances, disks, external addresses and snapshots of the project, by region."""
    sweep = SweepResult()
    for key in LISTS:
        normalize_pages(reader.aggregated(key), key, reader.project, sweep)
    sweep.add_scope("global")  # read even when empty: deleted snapshots leave the store
    for item in reader.global_list("snapshots"):
        sweep.resources["global"].append(normalize_snapshot(item, reader.project))
    for region in sweep.unreadable:
        sweep.resources.pop(region, None)
    return sweep


@dataclass
class GcpInventorySource:
    """One GCP project: its Compute Engine resources and their hourly utilization.

    ``credentials`` and ``sleep`` are injected by tests; in use, credentials
    come from Application Default Credentials on the first read.
    """

    project: str
    settings: GcpSettings | None = None
    credentials: Any = field(default=None, repr=False)
    sleep: Callable[[float], None] | None = field(default=None, repr=False)
    provider: str = PROVIDER

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"GCP project {self.project}"

    def scope(self) -> str:
        """``gcp:inventory:<project>`` (no API call)."""
        return f"gcp:inventory:{self.project}"

    def account(self) -> str:
        """The project id."""
        return self.project

    def partitions(self) -> list[str]:
        """One sweep per project: ``aggregatedList`` covers every zone and region at once."""
        return [self.project]

    def price_list(self) -> GcpCatalog:
        """The Cloud Billing Catalog, read with this project's credentials."""
        from cloudspy.providers.gcp.session import endpoint

        api = endpoint("catalog", self.settings) or endpoint("billing", self.settings)
        return GcpCatalog(self._credentials, api)

    def _credentials(self) -> Any:
        if self.credentials is None:
            from cloudspy.providers.gcp.session import application_default

            self.credentials, _ = application_default()
        return self.credentials

    def collect(self, partition: str, window: MetricWindow, progress: Progress) -> list[Collected]:
        """Every region of the project, with the hourly CPU and network of its VMs."""
        from cloudspy.providers.gcp.metrics import fetch_vm_metrics

        reader = ProjectReader(partition, self._credentials(), self.settings, self.sleep)
        sweep = read_project(reader)
        for region, why in sorted(sweep.unreadable.items()):
            progress(f"{self.label} {region}: not readable, earlier snapshot kept ({why})")
        vms = [r for rows in sweep.resources.values() for r in rows if r.kind == m.VM]
        metrics_since: datetime | None = window.start
        by_region: dict[str, list[Any]] = {}
        if vms:
            try:
                samples = fetch_vm_metrics(reader, vms, window)
            except CloudSpyError as exc:
                # The inventory is worth storing without utilization; earlier samples are kept.
                progress(f"{self.label}: utilization not readable, kept earlier ({exc.one_line()})")
                samples, metrics_since = [], None
            region_of_vm = {vm.resource_id: vm.region for vm in vms}
            for sample in samples:
                by_region.setdefault(region_of_vm[sample.resource_id], []).append(sample)
        return [
            Collected(
                region=region,
                resources=rows,
                metrics=by_region.get(region, []),
                metrics_since=metrics_since,
                api_calls=reader.calls if index == 0 else 0,
            )
            for index, (region, rows) in enumerate(sorted(sweep.resources.items()))
        ]
