"""An AWS account in moto's server: instances, volumes, a snapshot, EIPs, load balancers, metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from cloudspy.clock import utc_now

REGIONS = ["eu-west-1", "us-east-1"]


@dataclass
class MotoAccount:
    """Ids of what the fixture created."""

    running: str
    stopped: str
    free_volume: str
    free_volume_eu: str
    snapshot: str
    free_eip: str
    used_eip: str
    lb_empty: str
    lb_used: str


def _client(service: str, region: str = "us-east-1"):
    import boto3

    return boto3.client(service, region_name=region)


@pytest.fixture
def moto_account(aws_env: str) -> MotoAccount:
    """Build the account through boto3 against the reset moto server."""
    ec2 = _client("ec2")
    reservation = ec2.run_instances(
        ImageId="ami-12345678", MinCount=2, MaxCount=2, InstanceType="t3.micro"
    )
    running, stopped = sorted(i["InstanceId"] for i in reservation["Instances"])
    ec2.create_tags(Resources=[running], Tags=[{"Key": "Name", "Value": "web"}])
    ec2.stop_instances(InstanceIds=[stopped])
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=50, VolumeType="gp3")["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    free_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    used_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.associate_address(AllocationId=used_eip, InstanceId=running)
    eu_volume = _client("ec2", "eu-west-1").create_volume(
        AvailabilityZone="eu-west-1a", Size=10, VolumeType="gp2"
    )["VolumeId"]

    subnets = [s["SubnetId"] for s in ec2.describe_subnets()["Subnets"]][:2]
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    elb = _client("elbv2")
    arns = {}
    for name in ("empty", "used"):
        lb = elb.create_load_balancer(Name=name, Subnets=subnets, Type="application")
        arn = lb["LoadBalancers"][0]["LoadBalancerArn"]
        group = elb.create_target_group(Name=f"tg-{name}", Protocol="HTTP", Port=80, VpcId=vpc)
        group_arn = group["TargetGroups"][0]["TargetGroupArn"]
        elb.create_listener(
            LoadBalancerArn=arn,
            Protocol="HTTP",
            Port=80,
            DefaultActions=[{"Type": "forward", "TargetGroupArn": group_arn}],
        )
        if name == "used":
            elb.register_targets(TargetGroupArn=group_arn, Targets=[{"Id": running}])
        arns[name] = arn

    cloudwatch = _client("cloudwatch")
    # CloudSpy's clock (pinned for the suite), so the samples fall in its utilization window.
    now = utc_now().replace(minute=0, second=0, microsecond=0)
    cloudwatch.put_metric_data(
        Namespace="AWS/EC2",
        MetricData=[
            {
                "MetricName": name,
                "Dimensions": [{"Name": "InstanceId", "Value": running}],
                "Timestamp": now - timedelta(hours=h, minutes=30),
                "Value": value,
                "Unit": unit,
            }
            for h in range(1, 7)
            for name, value, unit in (
                ("CPUUtilization", 2.0 + h, "Percent"),
                ("NetworkIn", 1000.0, "Bytes"),
                ("NetworkOut", 500.0, "Bytes"),
            )
        ],
    )
    # The CloudWatch agent's memory metric, aggregated by InstanceId as its wizard sets up.
    cloudwatch.put_metric_data(
        Namespace="CWAgent",
        MetricData=[
            {
                "MetricName": "mem_used_percent",
                "Dimensions": [{"Name": "InstanceId", "Value": running}],
                "Timestamp": now - timedelta(hours=h, minutes=30),
                "Value": 40.0 + h,
                "Unit": "Percent",
            }
            for h in range(1, 7)
        ],
    )
    return MotoAccount(
        running,
        stopped,
        volume,
        eu_volume,
        snapshot,
        free_eip,
        used_eip,
        arns["empty"],
        arns["used"],
    )
