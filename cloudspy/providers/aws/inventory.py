"""AWS inventory: EC2 instances, EBS volumes and snapshots, Elastic IPs, ELBv2 load balancers.

The ``normalize_*`` functions turn parsed boto3 responses into
:class:`~cloudspy.models.resource.Resource`; this is the only place that knows
what AWS's fields mean (``State == "available"`` is an unattached volume, an
address without ``AssociationId`` is unassociated, moto's ``InstanceId: ""`` is
no instance). :class:`AwsInventorySource` reads every enabled region of one
account in parallel through the collector in :mod:`cloudspy.inventory.collect`.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cloudspy.errors import ProviderError
from cloudspy.models import resource as m
from cloudspy.models.resource import Collected, Resource
from cloudspy.providers.aws.price_list import AwsPriceList, platform_of
from cloudspy.providers.aws.settings import AwsAccount
from cloudspy.providers.base import Progress, with_retries
from cloudspy.providers.inventory_source import AccessDenied, MetricWindow

PROVIDER = "aws"
DENIED_CODES = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "OptInRequired"}
)
THROTTLED_CODES = frozenset(
    {"Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException"}
)
_POWER = {
    "running": m.RUNNING,
    "stopped": m.STOPPED,
    "pending": m.TRANSITIONING,
    "stopping": m.TRANSITIONING,
    "shutting-down": m.TRANSITIONING,
    "terminated": m.GONE,
}
_STOPPED_AT = re.compile(r"\((\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) GMT\)")
# boto3 client creation is not thread-safe on a shared session.
_CLIENT_LOCK = threading.Lock()


def _tags(items: Iterable[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t.get("Value", "") for t in items or () if "Key" in t}


def _present(value: Any) -> Any:
    """None for missing and empty values (moto sends ``""`` where AWS omits the key)."""
    return value if value not in (None, "") else None


def stopped_since(reason: str | None) -> datetime | None:
    """The stop time AWS writes only into ``StateTransitionReason`` text."""
    match = _STOPPED_AT.search(reason or "")
    return datetime.fromisoformat(match.group(1)) if match else None


def normalize_instances(
    pages: Iterable[dict[str, Any]], account: str, region: str
) -> list[Resource]:
    """DescribeInstances pages → VMs (terminated instances are left out: they bill nothing)."""
    out = []
    for page in pages:
        for reservation in page.get("Reservations") or []:
            for inst in reservation.get("Instances") or []:
                state = (inst.get("State") or {}).get("Name")
                if state == "terminated":
                    continue
                tags = _tags(inst.get("Tags"))
                out.append(
                    Resource(
                        provider=PROVIDER,
                        account=account,
                        region=region,
                        resource_id=inst["InstanceId"],
                        kind=m.VM,
                        name=tags.get("Name"),
                        zone=(inst.get("Placement") or {}).get("AvailabilityZone"),
                        state=state,
                        power_state=_POWER.get(state or "", m.TRANSITIONING),
                        type=inst.get("InstanceType"),
                        created_at=inst.get("LaunchTime"),
                        state_since=stopped_since(inst.get("StateTransitionReason"))
                        if state == "stopped"
                        else None,
                        tags=tags,
                        raw=inst,
                        platform=platform_of(inst),
                    )
                )
    return out


def normalize_volumes(pages: Iterable[dict[str, Any]], account: str, region: str) -> list[Resource]:
    """DescribeVolumes pages → disks; ``available`` is unattached, ``in-use`` attached."""
    out = []
    for page in pages:
        for vol in page.get("Volumes") or []:
            state = vol.get("State")
            attachments = [a for a in vol.get("Attachments") or [] if _present(a.get("InstanceId"))]
            attached = {"available": False, "in-use": True}.get(state or "")
            tags = _tags(vol.get("Tags"))
            out.append(
                Resource(
                    provider=PROVIDER,
                    account=account,
                    region=region,
                    resource_id=vol["VolumeId"],
                    kind=m.DISK,
                    name=tags.get("Name"),
                    zone=vol.get("AvailabilityZone"),
                    state=state,
                    type=vol.get("VolumeType"),
                    size_gb=float(vol["Size"]) if vol.get("Size") is not None else None,
                    created_at=vol.get("CreateTime"),
                    attached_to=attachments[0]["InstanceId"] if attachments else None,
                    attached=attached,
                    tags=tags,
                    raw=vol,
                    iops=vol.get("Iops"),
                    throughput_mibps=vol.get("Throughput"),
                )
            )
    return out


def normalize_snapshots(
    pages: Iterable[dict[str, Any]], account: str, region: str
) -> list[Resource]:
    """DescribeSnapshots (owner self) pages → snapshots sized by the blocks they cover.

    ``FullSnapshotSizeInBytes`` (the blocks written to the source volume when it was
    taken) where EC2 reports it, else the source volume's size: both bound what the
    snapshot stores from above (later snapshots of a volume store only changed blocks).
    """
    out = []
    for page in pages:
        for snap in page.get("Snapshots") or []:
            tags = _tags(snap.get("Tags"))
            written = snap.get("FullSnapshotSizeInBytes")
            size = written / 2**30 if written else snap.get("VolumeSize")
            out.append(
                Resource(
                    provider=PROVIDER,
                    account=account,
                    region=region,
                    resource_id=snap["SnapshotId"],
                    kind=m.SNAPSHOT,
                    name=tags.get("Name") or _present(snap.get("Description")),
                    state=snap.get("State"),
                    type=snap.get("StorageTier"),
                    size_gb=float(size) if size is not None else None,
                    created_at=snap.get("StartTime"),
                    attached_to=_present(snap.get("VolumeId")),
                    tags=tags,
                    raw=snap,
                )
            )
    return out


def normalize_addresses(response: dict[str, Any], account: str, region: str) -> list[Resource]:
    """DescribeAddresses → IPs; associated means an ``AssociationId`` (ENI-only counts)."""
    out = []
    for addr in response.get("Addresses") or []:
        associated = _present(addr.get("AssociationId")) is not None
        tags = _tags(addr.get("Tags"))
        out.append(
            Resource(
                provider=PROVIDER,
                account=account,
                region=region,
                resource_id=addr.get("AllocationId") or addr["PublicIp"],
                kind=m.IP,
                name=addr.get("PublicIp"),
                state="associated" if associated else "unassociated",
                type=addr.get("Domain"),
                attached_to=_present(addr.get("InstanceId"))
                or _present(addr.get("NetworkInterfaceId")),
                attached=associated,
                tags=tags,
                raw=addr,
            )
        )
    return out


def normalize_load_balancers(
    load_balancers: Iterable[dict[str, Any]],
    targets: dict[str, int],
    account: str,
    region: str,
) -> list[Resource]:
    """ELBv2 load balancers with the number of registered targets over their target groups."""
    out = []
    for lb in load_balancers:
        arn = lb["LoadBalancerArn"]
        out.append(
            Resource(
                provider=PROVIDER,
                account=account,
                region=region,
                resource_id=arn,
                kind=m.LOAD_BALANCER,
                name=lb.get("LoadBalancerName"),
                state=(lb.get("State") or {}).get("Code"),
                type=lb.get("Type"),
                created_at=lb.get("CreatedTime"),
                target_count=targets.get(arn, 0),
                raw=lb,
            )
        )
    return out


def normalize_classic_load_balancers(
    descriptions: Iterable[dict[str, Any]], account: str, region: str
) -> list[Resource]:
    """Classic load balancers (the ``elb`` API); their targets are registered instances."""
    out = []
    for lb in descriptions:
        name = lb["LoadBalancerName"]
        out.append(
            Resource(
                provider=PROVIDER,
                account=account,
                region=region,
                # Classic load balancers have no ARN in the API; this is the one IAM uses.
                resource_id=f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/{name}",
                kind=m.LOAD_BALANCER,
                name=name,
                state="active",
                type="classic",
                created_at=lb.get("CreatedTime"),
                target_count=len(lb.get("Instances") or []),
                raw=lb,
            )
        )
    return out


@dataclass
class RegionReader:
    """Calls one region's APIs, counting calls and retrying throttling."""

    clients: dict[str, Any]
    region: str
    calls: int = 0
    sleep: Callable[[float], None] | None = None
    refresh: Callable[[], bool] | None = None  # session.credentials_refresher

    def call(self, service: str, operation: str, **params: Any) -> dict[str, Any]:
        """One API call; a denial becomes :class:`AccessDenied`."""
        import botocore.exceptions as bce

        from cloudspy.providers.aws.session import call_aws, final_error, retry_hint

        method = getattr(self.clients[service], operation)
        what = f"call {service} {operation} in {self.region}"

        def guarded() -> dict[str, Any]:
            try:
                return method(**params)
            except bce.ClientError as exc:
                error = exc.response.get("Error", {})
                if error.get("Code") in DENIED_CODES:
                    raise AccessDenied(
                        f"{error.get('Code')}: {error.get('Message') or what}",
                        hint="grant the permissions in `cloudspy permissions --provider aws`",
                    ) from None
                raise

        def once() -> dict[str, Any]:
            self.calls += 1
            return call_aws(guarded, what=what, refresh=self.refresh)

        kwargs = {"sleep": self.sleep} if self.sleep else {}
        try:
            return with_retries(once, retryable=retry_hint, **kwargs)
        except bce.ClientError as exc:
            # Throttling or 5xx beyond the retry budget: a CloudSpy error, so this region
            # is reported and skipped instead of aborting every other region and account.
            error = exc.response.get("Error", {})
            raise ProviderError(
                f"AWS kept failing to {what}: {error.get('Code')}: {error.get('Message')}",
                hint="wait a few minutes and run it again",
            ) from None
        except (bce.ConnectionError, bce.HTTPClientError) as exc:
            raise final_error(exc, what) from None

    def pages(self, service: str, operation: str, cursor: str, **params: Any) -> list[dict]:
        """Every page of a paged operation (``NextToken``/``Marker`` followed by hand)."""
        out = []
        request = dict(params)
        while True:
            page = self.call(service, operation, **request)
            out.append(page)
            following = page.get("NextToken" if cursor == "NextToken" else "NextMarker")
            if not following:
                return out
            request[cursor] = following


def read_region(reader: RegionReader, account: str) -> list[Resource]:
    """Every supported resource of one region, normalized."""
    region = reader.region
    resources = normalize_instances(
        reader.pages("ec2", "describe_instances", "NextToken", MaxResults=1000), account, region
    )
    resources += normalize_volumes(
        reader.pages("ec2", "describe_volumes", "NextToken", MaxResults=500), account, region
    )
    resources += normalize_snapshots(
        reader.pages("ec2", "describe_snapshots", "NextToken", OwnerIds=["self"], MaxResults=1000),
        account,
        region,
    )
    resources += normalize_addresses(reader.call("ec2", "describe_addresses"), account, region)
    lbs = [
        lb
        for page in reader.pages("elbv2", "describe_load_balancers", "Marker")
        for lb in page.get("LoadBalancers") or []
    ]
    targets: dict[str, int] = {}
    if lbs:
        for page in reader.pages("elbv2", "describe_target_groups", "Marker"):
            for group in page.get("TargetGroups") or []:
                health = reader.call(
                    "elbv2", "describe_target_health", TargetGroupArn=group["TargetGroupArn"]
                )
                count = len(health.get("TargetHealthDescriptions") or [])
                for arn in group.get("LoadBalancerArns") or []:
                    targets[arn] = targets.get(arn, 0) + count
    resources += normalize_load_balancers(lbs, targets, account, region)
    classic = [
        lb
        for page in reader.pages("elb", "describe_load_balancers", "Marker")
        for lb in page.get("LoadBalancerDescriptions") or []
    ]
    resources += normalize_classic_load_balancers(classic, account, region)
    return resources


@dataclass
class AwsInventorySource:
    """One AWS account (a profile and/or an assumed role), every enabled region."""

    account_config: AwsAccount
    regions_wanted: list[str] = field(default_factory=list)
    session: Any = field(default=None, repr=False)
    provider: str = PROVIDER
    _account_id: str | None = None

    @property
    def label(self) -> str:
        """How progress lines name this source."""
        return f"AWS {self.account_config.label}"

    def _session(self) -> Any:
        if self.session is None:
            from cloudspy.providers.aws.session import make_session

            cfg = self.account_config
            self.session = make_session(cfg.profile, cfg.role_arn, cfg.external_id, cfg.region)
        return self.session

    def _client(self, service: str, region: str) -> Any:
        from cloudspy.providers.aws.session import client_config

        with _CLIENT_LOCK:
            return self._session().client(service, region_name=region, config=client_config())

    def account(self) -> str:
        """The account id of the credentials in use (STS GetCallerIdentity, once)."""
        if self._account_id is None:
            from cloudspy.providers.aws.session import call_aws

            sts = self._client("sts", self.account_config.region)
            identity = call_aws(sts.get_caller_identity, what="identify the AWS account")
            self._account_id = str(identity["Account"])
        return self._account_id

    def scope(self) -> str:
        """``aws:inventory:<account id>``."""
        return f"aws:inventory:{self.account()}"

    def partitions(self) -> list[str]:
        """The account's enabled regions (optionally narrowed by ``[inventory] regions``)."""
        reader = RegionReader({"ec2": self._client("ec2", self.account_config.region)}, "-")
        try:
            answer = reader.call("ec2", "describe_regions", AllRegions=False)
        except AccessDenied as exc:
            from cloudspy.errors import CredentialsError

            raise CredentialsError(
                f"AWS denied listing the enabled regions ({exc.message})", hint=exc.hint
            ) from None
        enabled = sorted(r["RegionName"] for r in answer.get("Regions") or [])
        if self.regions_wanted:
            return [r for r in enabled if r in set(self.regions_wanted)]
        return enabled

    def price_list(self) -> AwsPriceList:
        """The Price List Query API, called with this account's credentials."""
        return AwsPriceList(self._client)

    def collect(self, partition: str, window: MetricWindow, progress: Progress) -> list[Collected]:
        """One region's resources and the hourly utilization of its VMs."""
        from cloudspy.providers.aws.metrics import fetch_vm_metrics
        from cloudspy.providers.aws.session import credentials_refresher

        clients = {s: self._client(s, partition) for s in ("ec2", "elbv2", "elb", "cloudwatch")}
        reader = RegionReader(clients, partition, refresh=credentials_refresher(self._session()))
        resources = read_region(reader, self.account())
        vms = [
            r.resource_id
            for r in resources
            if r.kind == m.VM and r.power_state in (m.RUNNING, m.STOPPED)
        ]
        samples = fetch_vm_metrics(reader, vms, window)
        return [
            Collected(
                region=partition,
                resources=resources,
                metrics=samples,
                metrics_since=window.start,
                api_calls=reader.calls,
            )
        ]
