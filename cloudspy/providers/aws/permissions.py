"""Every AWS API operation CloudSpy calls, and the read-only IAM policy built from them.

A test records the operations the code really makes (botocore's ``before-call``
event) and fails when one is not declared here.
"""

from __future__ import annotations

from typing import Any

from cloudspy.providers.aws.athena import PERMISSIONS as ATHENA_PERMISSIONS
from cloudspy.providers.aws.session import PERMISSIONS as COST_PERMISSIONS

INVENTORY_PERMISSIONS = {
    "ec2:DescribeRegions": "list the account's enabled regions",
    "ec2:DescribeInstances": "inventory: EC2 instances and their state",
    "ec2:DescribeVolumes": "inventory: EBS volumes and their attachments",
    "ec2:DescribeSnapshots": "inventory: EBS snapshots owned by the account",
    "ec2:DescribeAddresses": "inventory: Elastic IPs and their associations",
    "elasticloadbalancing:DescribeLoadBalancers": "inventory: application/network load balancers",
    "elasticloadbalancing:DescribeTargetGroups": "inventory: which load balancer has targets",
    "elasticloadbalancing:DescribeTargetHealth": "inventory: registered targets per group",
    "cloudwatch:GetMetricData": "utilization: hourly CPU and network of EC2 instances",
    "pricing:GetProducts": "list prices of the instance and volume types the inventory holds",
}
# botocore signing names whose IAM action prefix differs.
_IAM_PREFIX = {"monitoring": "cloudwatch"}


def declared() -> dict[str, str]:
    """Every declared action with the reason CloudSpy needs it."""
    return {**COST_PERMISSIONS, **INVENTORY_PERMISSIONS, **ATHENA_PERMISSIONS}


def iam_action(signing_name: str, operation: str) -> str:
    """The IAM action of a botocore operation (``monitoring``/``GetMetricData`` → cloudwatch:…)."""
    return f"{_IAM_PREFIX.get(signing_name, signing_name)}:{operation}"


def policy_document() -> dict[str, Any]:
    """A read-only IAM policy allowing exactly the declared actions.

    The Athena statement is needed only with ``[[aws.athena]]`` (CUR 2.0 / FOCUS
    exports queried in Athena); drop it otherwise.
    """
    core = {**COST_PERMISSIONS, **INVENTORY_PERMISSIONS}
    athena = sorted(set(ATHENA_PERMISSIONS) - set(core))
    statements: list[dict[str, Any]] = [
        {"Sid": "CloudSpyReadOnly", "Effect": "Allow", "Action": sorted(core), "Resource": "*"}
    ]
    if athena:
        statements.append(
            {"Sid": "CloudSpyAthenaExports", "Effect": "Allow", "Action": athena, "Resource": "*"}
        )
    return {"Version": "2012-10-17", "Statement": statements}


FORMAT = "iam-policy"
