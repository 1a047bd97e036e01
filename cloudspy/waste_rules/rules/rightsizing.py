"""A running VM whose CPU peaks low all window would run on the next smaller size."""

from __future__ import annotations

from dataclasses import replace

from cloudspy.models.resource import RUNNING, VM, Resource
from cloudspy.providers.registry import smaller_sizes
from cloudspy.waste_rules.base import Finding, RuleMeta, Savings, WasteContext, difference
from cloudspy.waste_rules.rules import idle_vm

META = RuleMeta(
    id="rightsizing",
    order=90,
    title="Running VM larger than its CPU needs",
    providers=("aws", "gcp", "azure"),
    kind=VM,
    severity="medium",
    why="A VM whose CPU stays low even at its busiest hours pays for vCPUs it does not "
    "use. The rule reads the 95th percentile of each day's hourly CPU over the window "
    "(14 days): when the largest of those is at most `rightsizing_p95_cpu_percent` (40 %), "
    "it picks the largest smaller size of the same family whose projected p95 (p95 × "
    "vCPUs now ÷ vCPUs then) stays at or under `rightsizing_target_cpu_percent` (80 %), "
    "and prices the monthly difference in the same region for the same operating "
    "system. Every day of the window must have samples. Where memory in use is reported "
    "(AWS: the CloudWatch agent's `mem_used_percent`; GCP: the Ops Agent's "
    "`memory/percent_used`; Azure: the platform metric `Available Memory Percentage`, "
    "as 100 minus it), the smaller size "
    "must also hold the window's largest daily memory p95 (scaled the same way: sizes of "
    "one family have the same memory per vCPU) at or under "
    "`rightsizing_target_memory_percent` (80 %); without it memory is not measured, so "
    "check the workload's memory before resizing. Burstable "
    "(t2/t3, B-series), shared-core and custom types, and Azure sizes whose vCPUs "
    "neither the name nor a published ladder gives (versionless sizes but D/DS and F; "
    "D/DS v1 and v2 use their published counts: a `Standard_D14_v2` has 16 vCPUs), "
    "are not compared, and an idle VM is left to `idle-vm` (stopping it saves more).",
    fix="Resize the VM to the suggested type (AWS: stop, change the instance type, start; "
    "GCP: stop, set the machine type, start; Azure: resize, which restarts it). For a "
    "previous-generation type (m4, c4 …), resize to the current generation's size at once.",
    permissions={
        "aws": ("ec2:DescribeInstances", "cloudwatch:GetMetricData"),
        "gcp": ("compute.instances.list", "monitoring.timeSeries.list"),
        "azure": ("Microsoft.Compute/virtualMachines/read", "Microsoft.Insights/metrics/read"),
    },
    reads=(
        "resource.type",
        "resource.power_state",
        "resource.region",
        "resource.platform",
        "daily p95 of hourly CPU",
        "daily p95 of hourly memory in use, where an agent reports it",
    ),
    reference="AWS Compute Optimizer and Azure Advisor right-size on peak utilization: "
    "https://docs.aws.amazon.com/compute-optimizer/latest/ug/rightsizing-preferences.html",
)


def _resized(resource: Resource, vm_type: str) -> Resource:
    return replace(resource, type=vm_type, monthly_cost=None, currency=None, price_basis=None)


def alternatives(resource: Resource) -> list[Resource]:
    """Every smaller size of a running VM's family, whose prices the rule compares."""
    if resource.kind != VM or resource.power_state != RUNNING or not resource.type:
        return []
    sizes = smaller_sizes(resource.provider, resource.type)
    return [_resized(resource, name) for name, _ in sizes[1]] if sizes else []


def _whole_window(peak: float | None, days: int, ctx: WasteContext) -> float | None:
    """A window's largest daily p95, or None unless every day of the window has one."""
    if peak is None or days < ctx.settings.rightsizing_window_days:
        return None
    return float(peak)


def window_p95(resource: Resource, ctx: WasteContext) -> tuple[float, int] | None:
    """The largest daily p95 CPU over the window and the window's days; None unless
    every day of the window has a p95."""
    usage = ctx.usage.get(resource.resource_id)
    peak = None if usage is None else _whole_window(usage.peak_p95, usage.p95_days, ctx)
    return None if peak is None else (peak, ctx.settings.rightsizing_window_days)


def window_memory_p95(resource: Resource, ctx: WasteContext) -> float | None:
    """The largest daily p95 of memory in use over the window, where an agent reported
    it on every day of the window; None otherwise (memory is then not measured)."""
    usage = ctx.usage.get(resource.resource_id)
    return (
        None if usage is None else _whole_window(usage.memory_peak_p95, usage.memory_p95_days, ctx)
    )


def evaluate(resource: Resource, ctx: WasteContext) -> Finding | None:
    """A finding for a running VM whose window p95 CPU fits a smaller size."""
    if resource.kind != VM or resource.power_state != RUNNING or not resource.type:
        return None
    sizes = smaller_sizes(resource.provider, resource.type)
    measured = window_p95(resource, ctx) if sizes is not None else None
    # The cheap tests first: most VMs of a large estate stop at the p95 threshold.
    if sizes is None or measured is None or measured[0] > ctx.settings.rightsizing_p95_cpu_percent:
        return None
    if idle_vm.evaluate(resource, ctx) is not None:
        return None
    p95, window = measured
    now_vcpus, smaller = sizes
    target = ctx.settings.rightsizing_target_cpu_percent
    memory = window_memory_p95(resource, ctx)
    memory_target = ctx.settings.rightsizing_target_memory_percent
    fitting = [
        (name, n)
        for name, n in smaller
        if p95 * now_vcpus / n <= target
        and (memory is None or memory * now_vcpus / n <= memory_target)
    ]
    if not fitting:
        return None
    current = ctx.prices.estimate(_resized(resource, resource.type))
    # The largest smaller size the price list knows (not every family has every size).
    priced = [(name, n, ctx.prices.estimate(_resized(resource, name))) for name, n in fitting]
    known = [(name, n, est) for name, n, est in priced if not isinstance(est, str)]
    name, vcpus, cheaper = known[0] if known else priced[0]
    projected = round(p95 * now_vcpus / vcpus, 1)
    # Sizes of one family have the same memory per vCPU: memory in use scales as CPU.
    memory_then = None if memory is None else memory * now_vcpus / vcpus
    memory_note = "" if memory_then is None else f", memory at about {memory_then:.0f} %"
    finding = Finding(
        rule=META.id,
        resource=resource,
        reason=(
            f"CPU p95 at most {p95:.1f} % on each of {window} days on {now_vcpus} vCPUs; "
            f"{name} ({vcpus} vCPUs) would run at about {projected:g} %{memory_note}"
        ),
        evidence={
            "window_days": window,
            "max_daily_p95_cpu_percent": round(p95, 2),
            "days_with_p95": window,
            "p95_threshold_percent": ctx.settings.rightsizing_p95_cpu_percent,
            "vcpus": now_vcpus,
            "suggested_type": name,
            "suggested_vcpus": vcpus,
            "projected_p95_cpu_percent": projected,
            "target_cpu_percent": target,
            # None: no agent reported memory; the workload's memory was not checked.
            "max_daily_p95_memory_percent": None if memory is None else round(memory, 2),
            "projected_p95_memory_percent": None if memory_then is None else round(memory_then, 1),
        },
    )
    if isinstance(current, str) or isinstance(cheaper, str):
        finding.savings = Savings(
            None, None, current if isinstance(current, str) else f"{name}: {cheaper}"
        )
        return finding
    finding.savings = difference((resource.type, current), (name, cheaper))
    return finding if finding.savings is not None else None
