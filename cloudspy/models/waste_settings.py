"""The ``[waste]`` and ``[inventory]`` sections of ``config.toml``.

The idle-VM defaults come from two established references, selected with
``idle_vm_reference``; each threshold can be overridden on its own:

* ``trusted-advisor`` — AWS Trusted Advisor "Low Utilization Amazon EC2 Instances":
  daily CPU ≤ 10 % and network I/O ≤ 5 MB on at least 4 of the last 14 days
  (https://docs.aws.amazon.com/awssupport/latest/user/cost-optimization-checks.html).
* ``steampipe`` — Steampipe AWS Thrifty mod, EC2 low utilization: average CPU below
  ``ec2_instance_avg_cpu_utilization_low`` = 20 % over the last 30 days
  (https://github.com/turbot/steampipe-mod-aws-thrifty, controls/docs/ec2.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from cloudspy.models.section import Section

REFERENCES: dict[str, dict[str, float]] = {
    "trusted-advisor": {
        "idle_cpu_percent": 10.0,
        "idle_network_mb": 5.0,
        "idle_min_days": 4,
        "idle_window_days": 14,
    },
    "steampipe": {
        "idle_cpu_percent": 20.0,
        "idle_network_mb": 0.0,
        "idle_min_days": 0,
        "idle_window_days": 30,
    },
}


class WasteSettings(Section):
    """Thresholds of the waste rules (None: the reference's default)."""

    idle_vm_reference: Literal["trusted-advisor", "steampipe"] = "trusted-advisor"
    idle_cpu_percent: float | None = Field(default=None, gt=0, le=100)
    idle_network_mb: float | None = Field(default=None, ge=0)
    idle_min_days: int | None = Field(default=None, ge=1, le=90)
    idle_window_days: int | None = Field(default=None, ge=1, le=90)
    snapshot_max_age_days: int = Field(default=90, ge=1)
    # Rightsizing (#14): a running VM whose largest daily p95 CPU over the window is
    # at most this is offered the next smaller size that keeps the projected p95 at
    # or under the target.
    rightsizing_p95_cpu_percent: float = Field(default=40.0, gt=0, le=100)
    rightsizing_target_cpu_percent: float = Field(default=80.0, gt=0, le=100)
    # Where an agent reports memory in use, the smaller size must hold its p95 under this.
    rightsizing_target_memory_percent: float = Field(default=80.0, gt=0, le=100)
    rightsizing_window_days: int = Field(default=14, ge=1, le=60)

    def idle(self, name: str) -> float:
        """An idle-VM threshold: the override, else the selected reference's value."""
        value = getattr(self, name)
        return float(REFERENCES[self.idle_vm_reference][name] if value is None else value)


class InventorySettings(Section):
    """The ``[inventory]`` section: which regions, how many in parallel, how much history."""

    regions: list[str] = Field(default_factory=list)  # empty: every enabled region
    workers: int = Field(default=24, ge=1, le=64)  # AWS enables 17 regions by default
    metric_days: int = Field(default=30, ge=1, le=63)
