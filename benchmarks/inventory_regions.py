"""Benchmark (issue #4): AWS inventory of 17 regions vs one region, 200 ms per API call.

moto's server runs on 127.0.0.1 behind a WSGI wrapper that answers every call
after ``--delay`` seconds. Each region holds one running instance (with its
root volume), one free volume and one Elastic IP, so every region makes the
same calls: DescribeInstances, DescribeVolumes, DescribeSnapshots,
DescribeAddresses, DescribeLoadBalancers and GetMetricData. Target: syncing
17 regions takes at most 2x the time of one (regions run in parallel).

Each sync also prices what it found from a local Price List API (the tests'
server, same delay per request): one request per (type, region) product, in
parallel, counted in the sync's `prices` run (#14).

Run: python benchmarks/inventory_regions.py [--delay 0.2] [--regions 17]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from results import emit

from tests.pricing.price_servers import AwsPriceServer

os.environ.update(
    {
        "AWS_EC2_METADATA_DISABLED": "true",
        "MOTO_EC2_LOAD_DEFAULT_AMIS": "false",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
)
TARGET = 2.0


class Delayed:
    """WSGI middleware: sleep before every answer while ``on`` is set."""

    def __init__(self, app: Any, delay: float) -> None:
        self.app, self.delay, self.on, self.calls = app, delay, False, 0
        self.lock = threading.Lock()

    def __call__(self, environ: Any, start_response: Any) -> Any:
        if self.on:
            with self.lock:
                self.calls += 1
            time.sleep(self.delay)
        return self.app(environ, start_response)


def start_server(delay: float) -> tuple[str, Delayed, Any]:
    """moto's backends behind the delaying wrapper, on a threaded loopback server."""
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    wrapper = Delayed(DomainDispatcherApplication(create_backend_app), delay)
    server = make_server("127.0.0.1", 0, wrapper, threaded=True, request_handler=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", wrapper, server


def seed(regions: list[str]) -> None:
    """One instance, one free volume and one Elastic IP per region."""
    import boto3

    for region in regions:
        ec2 = boto3.client("ec2", region_name=region)
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, InstanceType="t3.micro")
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=10, VolumeType="gp3")
        ec2.allocate_address(Domain="vpc")


def price_server(regions: list[str], delay: float) -> AwsPriceServer:
    """A local Price List API with what :func:`seed` creates, in every region."""
    server = AwsPriceServer()
    server.delay = delay
    for region in regions:
        server.instance("t3.micro", region, "0.0104")
        server.volume("gp3", region, [("GB-Mo", "0", "0.08")])
    return server.start()


def price_requests(db: Path) -> int:
    """The price-list requests the sync recorded in its `prices` run."""
    from cloudspy import api

    return sum(r.api_calls or 0 for r in api.history(db=db) if r.source == "prices")


def timed_sync(regions: list[str]) -> tuple[float, int, int]:
    """Seconds, API calls and price requests of one inventory sync of ``regions``."""
    from cloudspy import api
    from cloudspy.config import InventorySettings, Settings
    from cloudspy.providers.aws.inventory import AwsInventorySource
    from cloudspy.providers.aws.settings import AwsAccount

    settings = Settings(inventory=InventorySettings(metric_days=1))
    with tempfile.TemporaryDirectory() as tmp:
        source = AwsInventorySource(AwsAccount(), regions)
        started = time.perf_counter()
        (result,) = api.sync_resources(
            sources=[source], db=Path(tmp) / "bench.duckdb", settings=settings
        )
        elapsed = time.perf_counter() - started
        asked = price_requests(Path(tmp) / "bench.duckdb")
    if result.status != "ok":
        raise SystemExit(f"sync failed: {result}")
    return elapsed, result.api_calls, asked


def main() -> None:
    """Run both syncs and compare."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--regions", type=int, default=17)
    args = parser.parse_args()
    url, wrapper, server = start_server(args.delay)
    os.environ["AWS_ENDPOINT_URL"] = url
    import boto3

    enabled = sorted(
        r["RegionName"]
        for r in boto3.client("ec2", region_name="us-east-1").describe_regions()["Regions"]
    )
    regions = (["us-east-1"] + [r for r in enabled if r != "us-east-1"])[: args.regions]
    seed(regions)
    prices = price_server(regions, args.delay)
    os.environ["AWS_ENDPOINT_URL_PRICING"] = prices.url
    wrapper.on = True
    one, one_calls, one_prices = timed_sync(regions[:1])
    many, many_calls, many_prices = timed_sync(regions)
    server.shutdown()
    prices.stop()
    ratio = many / one
    print(
        f"1 region:   {one:.2f} s, {one_calls} API calls ({args.delay * 1000:.0f} ms each),"
        f" {one_prices} price request(s)"
    )
    count = len(regions)
    print(f"{count} regions: {many:.2f} s, {many_calls} API calls, {many_prices} price requests")
    print(f"ratio {ratio:.2f} (target <= {TARGET}): {'OK' if ratio <= TARGET else 'MISSED'}")
    emit(
        f"AWS inventory, {len(regions)} regions vs 1 ({args.delay * 1000:.0f} ms/call)",
        many,
        baseline=one,
        target=f"≤ {TARGET}× one region",
        ok=ratio <= TARGET,
    )
    if ratio > TARGET:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
