"""GetMetricData batching and the normalization of its results (no cloud mock needed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cloudspy.models import resource as m
from cloudspy.providers.aws.metrics import MAX_QUERIES, fetch_vm_metrics
from cloudspy.providers.inventory_source import MetricWindow

T0 = datetime(2026, 11, 24, 10, tzinfo=UTC)


class FakeReader:
    """Answers get_metric_data like CloudWatch: one value per query, paged once."""

    def __init__(self) -> None:
        self.requests: list[dict] = []

    def pages(self, service, operation, cursor, **params):
        assert (service, operation, cursor) == ("cloudwatch", "get_metric_data", "NextToken")
        self.requests.append(params)
        results = [
            {"Id": q["Id"], "Timestamps": [T0, T0 + timedelta(hours=1)], "Values": [1.0, 2.0]}
            for q in params["MetricDataQueries"]
        ]
        half = len(results) // 2
        return [{"MetricDataResults": results[:half]}, {"MetricDataResults": results[half:]}]


def test_queries_are_batched_at_most_500_per_request():
    reader = FakeReader()
    ids = [f"i-{n:04d}" for n in range(400)] + ["i-0000"]  # a repeated id is asked once
    window = MetricWindow(datetime(2026, 11, 1), datetime(2026, 11, 25))
    samples = fetch_vm_metrics(reader, ids, window)
    sizes = [len(r["MetricDataQueries"]) for r in reader.requests]
    # Four queries per instance (CPU, network in and out, the agent's memory): 125 a call.
    assert sizes == [500, 500, 500, 100] and max(sizes) <= MAX_QUERIES
    assert reader.requests[0]["StartTime"] == window.start
    stats = {q["MetricStat"]["Stat"] for r in reader.requests for q in r["MetricDataQueries"]}
    assert stats == {"Average", "Sum"}
    cpu = [s for s in samples if s.metric == m.CPU_PERCENT]
    net = [s for s in samples if s.metric == m.NETWORK_BYTES]
    memory = [s for s in samples if s.metric == m.MEMORY_PERCENT]
    assert len(cpu) == len(net) == len(memory) == 400 * 2
    namespaces = {
        q["MetricStat"]["Metric"]["Namespace"] for q in reader.requests[0]["MetricDataQueries"]
    }
    assert namespaces == {"AWS/EC2", "CWAgent"}
    # NetworkIn + NetworkOut of the same hour are one network_bytes sample, in naive UTC.
    first = next(s for s in net if s.resource_id == "i-0399" and s.ts == T0.replace(tzinfo=None))
    assert first.value == 2.0 and first.unit == "Bytes"


def test_no_instances_no_request():
    reader = FakeReader()
    assert (
        fetch_vm_metrics(reader, [], MetricWindow(datetime(2026, 1, 1), datetime(2026, 1, 2))) == []
    )
    assert reader.requests == []
