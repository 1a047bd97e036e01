"""A running VM whose CPU (and network) stays low is paid for and barely used."""

from __future__ import annotations

from cloudspy.models.resource import RUNNING, VM, Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

MB = 1_000_000

META = RuleMeta(
    id="idle-vm",
    order=10,
    title="Idle VM",
    providers=("aws", "gcp", "azure"),
    kind=VM,
    severity="high",
    why="A running VM whose CPU stays low is billed in full for capacity nobody uses. "
    "Default thresholds follow AWS Trusted Advisor (daily average CPU ≤ 10 % and network "
    "I/O ≤ 5 MB on at least 4 of the last 14 days); `[waste] idle_vm_reference = "
    '"steampipe"` switches to the Steampipe AWS Thrifty control (30-day average CPU '
    "< 20 %). Every threshold can be set in `[waste]`.",
    fix="Stop or delete the VM, downsize it, or schedule it off outside working hours "
    "(`cloudspy schedule`).",
    permissions={
        "aws": ("ec2:DescribeInstances", "cloudwatch:GetMetricData"),
        "gcp": ("compute.instances.list", "monitoring.timeSeries.list"),
        "azure": ("Microsoft.Compute/virtualMachines/read", "Microsoft.Insights/metrics/read"),
    },
    reads=("resource.power_state", "metric cpu_percent (hourly)", "metric network_bytes (hourly)"),
    reference="AWS Trusted Advisor, Low Utilization Amazon EC2 Instances: "
    "https://docs.aws.amazon.com/awssupport/latest/user/cost-optimization-checks.html; "
    "Steampipe AWS Thrifty, `ec2_instance_avg_cpu_utilization_low` (20 %): "
    "https://github.com/turbot/steampipe-mod-aws-thrifty (controls/docs/ec2.md)",
)


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding when the VM ran during the window and its utilization stayed under the bar."""
    if resource.kind != VM or resource.power_state != RUNNING:
        return None
    usage = ctx.usage.get(resource.resource_id)
    if usage is None or not usage.offsets:
        return None
    settings = ctx.settings
    window = int(settings.idle("idle_window_days"))
    cpu_limit = settings.idle("idle_cpu_percent")
    net_limit = settings.idle("idle_network_mb") * MB
    min_days = int(settings.idle("idle_min_days"))
    last = usage.offsets[-1]
    keep = [i for i, o in enumerate(usage.offsets) if o > last - window]
    cpu = [usage.cpu_avg[i] for i in keep]
    net = [usage.network_bytes[i] for i in keep]
    average = sum(cpu) / len(cpu)
    if min_days > 0:
        low = [
            i
            for i, (c, n) in enumerate(zip(cpu, net, strict=True))
            if c <= cpu_limit and n is not None and n <= net_limit
        ]
        if len(low) < min_days:
            return None
        reason = (
            f"daily CPU ≤ {cpu_limit:g} % and network ≤ {net_limit / MB:g} MB on "
            f"{len(low)} of {len(cpu)} days (threshold {min_days} days)"
        )
    else:
        # A 30-day average needs most of the window to mean anything.
        if len(cpu) < max(1, window // 2) or average >= cpu_limit:
            return None
        low = []
        reason = f"average CPU {average:.1f} % over {len(cpu)} days (< {cpu_limit:g} %)"
    all_days = usage.days()
    days = [str(all_days[i]) for i in keep]
    evidence = {
        "window_days": window,
        "days_with_data": len(cpu),
        "first_day": days[0],
        "last_day": days[-1],
        "average_cpu_percent": round(average, 2),
        "max_daily_cpu_percent": round(max(cpu), 2),
        "daily_cpu_percent": [round(v, 2) for v in cpu],
        "cpu_threshold_percent": cpu_limit,
        "reference": settings.idle_vm_reference,
    }
    if min_days > 0:
        evidence.update(
            network_threshold_mb=net_limit / MB,
            min_low_days=min_days,
            low_days=[days[i] for i in low],
            daily_network_mb=[None if n is None else round(n / MB, 3) for n in net],
        )
    return Finding(
        rule=META.id, resource=resource, reason=reason, evidence=evidence, priced=[resource]
    )
