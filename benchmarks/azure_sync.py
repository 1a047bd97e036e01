"""Benchmark (issue #3): 90 days from 3 Azure subscriptions vs the slowest one alone.

A threaded HTTP server on 127.0.0.1 answers every Cost Management query after
200 ms with one row per day. The real SDK clients talk to it (fake
authentication policy, as in the tests). Target: syncing 3 subscriptions takes
at most 1.5x the time of one.

Run: python benchmarks/azure_sync.py [--delay 0.2] [--days 90]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import emit

os.environ.setdefault("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:9")
TARGET = 1.5
SUBSCRIPTIONS = [f"00000000-0000-0000-0000-00000000000{i}" for i in range(1, 4)]


def make_handler(delay: float) -> type[BaseHTTPRequestHandler]:
    """A handler that waits ``delay`` seconds, then answers one row per queried day."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            query = json.loads(self.rfile.read(length) or b"{}")
            time.sleep(delay)
            period = query.get("timePeriod") or {}
            first = datetime.fromisoformat(period["from"].replace("Z", "+00:00")).date()
            last = datetime.fromisoformat(period["to"].replace("Z", "+00:00")).date()
            rows = []
            day = first
            while day <= last:
                rows.append(
                    [12.345678901234, int(day.strftime("%Y%m%d")), "Storage", "eastus", "USD"]
                )
                day += timedelta(days=1)
            body = json.dumps(
                {
                    "properties": {
                        "nextLink": None,
                        "columns": [
                            {"name": "PreTaxCost", "type": "Number"},
                            {"name": "UsageDate", "type": "Number"},
                            {"name": "ServiceName", "type": "String"},
                            {"name": "ResourceLocation", "type": "String"},
                            {"name": "Currency", "type": "String"},
                        ],
                        "rows": rows,
                    }
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("x-ms-ratelimit-microsoft.costmanagement-qpu-consumed", "1")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    return Handler


def sources(base_url: str, subscriptions: list[str]) -> list[Any]:
    """Azure sources for the subscriptions, wired to the local server."""
    from azure.core.pipeline.policies import SansIOHTTPPolicy

    from cloudspy.providers.azure.provider import AzureProvider
    from cloudspy.providers.azure.session import Connector, Endpoints
    from cloudspy.providers.azure.settings import AzureSettings

    class FakeAuth(SansIOHTTPPolicy):
        def on_request(self, request: Any) -> None:
            request.http_request.headers["Authorization"] = "Bearer benchmark"

    azure = AzureSettings(subscriptions=subscriptions)
    connector = Connector(
        Endpoints("public", base_url, "http://127.0.0.1:9", "bench/.default"),
        credential=object(),
        client_options={"authentication_policy": FakeAuth()},
    )
    original = AzureProvider.make_connector
    AzureProvider.make_connector = staticmethod(lambda _azure: connector)  # type: ignore[method-assign]
    try:
        return AzureProvider._sources(azure, azure.all_scopes())
    finally:
        AzureProvider.make_connector = original  # type: ignore[method-assign]


def timed_sync(base_url: str, subscriptions: list[str], days: int, workdir: Path) -> float:
    """Seconds for one `api.sync` of the subscriptions into a fresh cache."""
    from cloudspy import api
    from cloudspy.config import Settings

    today = date.today()
    db = workdir / f"bench-{len(subscriptions)}-{time.monotonic_ns()}.duckdb"
    chosen = sources(base_url, subscriptions)
    started = time.perf_counter()
    results = api.sync(
        since=(today - timedelta(days=days)).isoformat(),
        until=today.isoformat(),
        sources=chosen,
        db=db,
        settings=Settings(),
    )
    elapsed = time.perf_counter() - started
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise SystemExit(f"sync failed: {failed[0].error}")
    return elapsed


def main() -> None:
    """Run both cases and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2, help="server delay per call (s)")
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args.delay))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        timed_sync(base_url, SUBSCRIPTIONS[:1], 3, workdir)  # warm imports and the cache schema
        singles = [timed_sync(base_url, [sub], args.days, workdir) for sub in SUBSCRIPTIONS]
        slowest = max(singles)
        three = timed_sync(base_url, SUBSCRIPTIONS, args.days, workdir)
    server.shutdown()
    ratio = three / slowest
    print(f"{'case':<32} {'seconds':>8} {'ratio':>6} {'target':>7} result")
    print(f"{'1 subscription (slowest of 3)':<32} {slowest:8.2f} {1.0:6.2f} {'':>7}")
    verdict = "pass" if ratio <= TARGET else "FAIL"
    print(f"{'3 subscriptions':<32} {three:8.2f} {ratio:6.2f} {'<=1.5x':>7} {verdict}")
    emit(
        f"azure sync {args.days}d, 3 subscriptions vs 1 ({args.delay * 1000:.0f} ms/call)",
        three,
        baseline=slowest,
        target="≤ 1.5× one subscription",
        ok=ratio <= TARGET,
    )
    raise SystemExit(0 if ratio <= TARGET else 1)


if __name__ == "__main__":
    main()
