"""A slow, deterministic AWS fake (STS + Cost Explorer) for CloudSpy subprocesses.

``cloudspy sync`` runs in its own process with ``AWS_ENDPOINT_URL`` pointing
here. Every amount is a function of a *generation*: the harness switches the
generation between runs so that each window's old and new totals are known in
advance and a half-written window can be told apart from either. Requests are
counted (and time-stamped) so that a kill can be placed in its phase: before
the first Cost Explorer answer, while fetching, or after the last answer.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

PAYER = "123456789012"
ACCOUNTS = {f"2000000000{i:02d}": f"member-{i}" for i in range(2)}
SERVICES = [f"Service {i:02d}" for i in range(15)]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1", "sa-east-1"]
REGIONS += ["ca-central-1", "ap-northeast-1", "ap-south-1", "eu-north-1", "us-east-2", "NoRegion"]
PAGE_DAYS = 7  # days per Cost Explorer page: a window arrives over several pages

STS_ANSWER = (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
    "<GetCallerIdentityResult><Arn>arn:aws:iam::{account}:user/cloudspy</Arn>"
    "<UserId>AIDACLOUDSPYFAKE</UserId><Account>{account}</Account></GetCallerIdentityResult>"
    "<ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>"
    "</GetCallerIdentityResponse>"
)


def amount(generation: int, day: date, account: int, service: int, region: int) -> Decimal:
    """One group's UnblendedCost: every generation differs on every day."""
    cents = generation * 7919 + day.toordinal() * 31 + account * 17 + service * 13 + region * 5
    return Decimal(cents % 10000) / 100 + Decimal(generation + 1) / 1000


def day_totals(generation: int, days: list[date]) -> dict[date, Decimal]:
    """The BilledCost each day must sum to when ``generation`` is stored."""
    return {
        day: sum(
            (
                amount(generation, day, a, s, r)
                for a in range(len(ACCOUNTS))
                for s in range(len(SERVICES))
                for r in range(len(REGIONS))
            ),
            Decimal(0),
        )
        for day in days
    }


def _days(start: str, end: str) -> list[date]:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    return [first + timedelta(days=i) for i in range((last - first).days)]


def _result(day: date, groups: list[dict]) -> dict:
    return {
        "TimePeriod": {"Start": day.isoformat(), "End": (day + timedelta(days=1)).isoformat()},
        "Total": {},
        "Groups": groups,
        "Estimated": False,
    }


def _money(value: Decimal) -> dict:
    return {"Amount": str(value), "Unit": "USD"}


@dataclass
class FakeAws:
    """The fake's state: which generation it serves, how slowly, and what it has served."""

    generation: int = 0
    delay: float = 0.0
    requests: int = 0
    served_at: list[float] = field(default_factory=list)
    _cache: dict = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def reset(self, generation: int) -> None:
        """Serve ``generation`` from now on and forget what was served."""
        with self._lock:
            self.generation = generation
            self.requests = 0
            self.served_at = []

    def ce_answer(self, request: dict) -> bytes:
        """The JSON answer to one GetCostAndUsage request (cached: answers are pure)."""
        key = (self.generation, json.dumps(request, sort_keys=True))
        if key not in self._cache:
            self._cache[key] = json.dumps(self._page(request)).encode()
        return self._cache[key]

    def _page(self, request: dict) -> dict:
        days = _days(request["TimePeriod"]["Start"], request["TimePeriod"]["End"])
        group_by = request["GroupBy"]
        if group_by[0]["Key"] == "LINKED_ACCOUNT":
            return {
                "GroupDefinitions": group_by,
                "ResultsByTime": [
                    _result(d, [{"Keys": [a], "Metrics": {}} for a in ACCOUNTS]) for d in days
                ],
                "DimensionValueAttributes": [
                    {"Value": a, "Attributes": {"description": name}}
                    for a, name in ACCOUNTS.items()
                ],
            }
        account = list(ACCOUNTS).index(request["Filter"]["Dimensions"]["Values"][0])
        offset = int(request.get("NextPageToken") or 0)
        chunk = days[offset : offset + PAGE_DAYS]
        page: dict = {
            "GroupDefinitions": group_by,
            "ResultsByTime": [
                _result(
                    d,
                    [
                        {
                            "Keys": [service, region],
                            "Metrics": {
                                "UnblendedCost": _money(cost),
                                "AmortizedCost": _money(cost),
                            },
                        }
                        for s, service in enumerate(SERVICES)
                        for r, region in enumerate(REGIONS)
                        for cost in [amount(self.generation, d, account, s, r)]
                    ],
                )
                for d in chunk
            ],
            "DimensionValueAttributes": [],
        }
        if offset + PAGE_DAYS < len(days):
            page["NextPageToken"] = str(offset + PAGE_DAYS)
        return page

    def count(self) -> None:
        """Record one served Cost Explorer answer."""
        with self._lock:
            self.requests += 1
            self.served_at.append(time.monotonic())


def requests_per_sync(days: int) -> int:
    """Cost Explorer requests one sync of ``days`` days makes against this fake."""
    return 1 + len(ACCOUNTS) * -(-days // PAGE_DAYS)


def _handler(fake: FakeAws) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep pytest output clean
            return None

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            target = self.headers.get("X-Amz-Target", "")
            if target.endswith("GetCostAndUsage"):
                if fake.delay:
                    time.sleep(fake.delay)
                answer = fake.ce_answer(json.loads(body))
                kind = "application/x-amz-json-1.1"
            elif parse_qs(body.decode()).get("Action") == ["GetCallerIdentity"]:
                answer = STS_ANSWER.format(account=PAYER).encode()
                kind = "text/xml"
            else:
                self.send_response(400)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            if target:
                fake.count()

    return Handler


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # A client killed mid-answer breaks the pipe: expected here, not an error.
        return None


class FakeAwsServer:
    """The fake on a loopback port, served from a daemon thread."""

    def __init__(self, fake: FakeAws) -> None:
        self.fake = fake
        self.httpd = _QuietServer(("127.0.0.1", 0), _handler(fake))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeAwsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
