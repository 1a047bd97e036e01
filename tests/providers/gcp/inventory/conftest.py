"""A loopback Compute Engine + Cloud Monitoring REST server for the real GCP clients.

The answers are Cloud Custodian's recordings of project ``cloud-custodian``
(flight wrapper ``{"headers", "body"}`` stripped here). Clients get
``AnonymousCredentials`` and an ``http://127.0.0.1`` endpoint; nothing leaves loopback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug import Request, Response

from tests import paths
from tests.providers.gcp.conftest import google_error, httpserver_listen_address  # noqa: F401 (fixture)

FIXTURES = paths.FIXTURES / "gcp" / "inventory"
PROJECT = "cloud-custodian"
_AGGREGATED = re.compile(r"^/compute/v1/projects/([^/]+)/aggregated/(instances|disks|addresses)$")
_SERIES = re.compile(r"^/v3/projects/([^/]+)/timeSeries$")
_GLOBAL = re.compile(r"^/compute/v1/projects/([^/]+)/global/(snapshots)$")
SNAPSHOTS = "snapshots-list.json"  # written by us (see tests/fixtures/PROVENANCE.md)


def flight(name: str) -> dict[str, Any]:
    """The response body of a recorded flight file (its ``headers`` wrapper stripped)."""
    return json.loads((FIXTURES / name).read_text())["body"]


DISKS = "disk-query--get-compute-v1-projects-cloud-custodian-aggregated-disks_1.json"
DISKS_UNATTACHED = "disk-recommend--get-compute-v1-projects-cloud-custodian-aggregated-disks_1.json"
INSTANCES = "instance-query--get-compute-v1-projects-cloud-custodian-aggregated-instances_1.json"
INSTANCE_METRICS = (
    "filter-metrics--get-compute-v1-projects-cloud-custodian-aggregated-instances_1.json"
)
CPU_SERIES = "filter-metrics--get-v3-projects-cloud-custodian-timeSeries_1.json"
NO_SERIES = "filter-no-metrics--get-v3-projects-cloud-custodian-timeSeries_1.json"
ADDRESSES = "loadbalancer-address-labels--get-compute-v1-projects-cloud-custodian-aggregated-addresses_1.json"
ADDRESSES_FORWARDING = "lb-addresses-global-addresses--get-compute-v1-projects-cloud-custodian-aggregated-addresses_1.json"
ADDRESSES_OLD = (
    "lb-addresses-query--get-compute-v1-projects-cloud-custodian-aggregated-addresses_1.json"
)


def merge_pages(*bodies: dict[str, Any]) -> dict[str, Any]:
    """Several recorded aggregatedList bodies as one (same-scope lists concatenated)."""
    items: dict[str, Any] = {}
    for body in bodies:
        for scope, scoped in body["items"].items():
            if "warning" in scoped and scope in items:
                continue
            if scope in items and "warning" not in items[scope]:
                for key, values in scoped.items():
                    items[scope].setdefault(key, []).extend(values)
            else:
                items[scope] = json.loads(json.dumps(scoped))
    return {**bodies[0], "items": items}


@dataclass
class FakeGcp:
    """Pages per (project, list) keyed by page token; timeSeries answers per metric family."""

    lists: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    series: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)
    monitoring_denied: bool = False
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def project(
        self,
        project: str = PROJECT,
        *,
        instances: list[dict[str, Any]] | None = None,
        disks: list[dict[str, Any]] | None = None,
        addresses: list[dict[str, Any]] | None = None,
        snapshots: list[dict[str, Any]] | None = None,
    ) -> None:
        """Serve these pages (default: the recordings) for one project."""
        self.lists[(project, "instances")] = instances or [flight(INSTANCES)]
        self.lists[(project, "disks")] = disks or [flight(DISKS)]
        self.lists[(project, "addresses")] = addresses or [flight(ADDRESSES)]
        self.lists[(project, "snapshots")] = snapshots or [
            json.loads((FIXTURES / SNAPSHOTS).read_text())
        ]

    def handle(self, request: Request) -> Response:
        """Route one request the way the Compute and Monitoring REST APIs would."""
        self.requests.append((request.method, request.path, dict(request.args)))
        match = _AGGREGATED.match(request.path) or _GLOBAL.match(request.path)
        if match:
            project, key = match.groups()
            if project in self.denied:
                return _error(
                    403,
                    "PERMISSION_DENIED",
                    "forbidden",
                    f"Required 'compute.{key}.list' permission for 'projects/{project}'",
                )
            return _page(self.lists[(project, key)], request)
        match = _SERIES.match(request.path)
        if match:
            if self.monitoring_denied:
                return _error(
                    403,
                    "PERMISSION_DENIED",
                    "forbidden",
                    "Permission monitoring.timeSeries.list denied",
                )
            wanted = request.args["filter"]
            family = (
                "cpu"
                if "cpu/utilization" in wanted
                else "memory"
                if "memory/percent_used" in wanted
                else "network"
            )
            return _page(self.series.get(family) or [flight(NO_SERIES)], request)
        return _error(404, "NOT_FOUND", "notFound", f"no route {request.path}")

    def paths(self) -> list[str]:
        """The request paths, in order."""
        return [path for _, path, _ in self.requests]


def _page(pages: list[dict[str, Any]], request: Request) -> Response:
    """The page ``pageToken`` names (the first without one), with the next one's token."""
    token = request.args.get("pageToken")
    index = int(token.removeprefix("page-")) if token else 0
    page = dict(pages[index])
    if index + 1 < len(pages):
        page["nextPageToken"] = f"page-{index + 1}"
    return Response(json.dumps(page), content_type="application/json")


def _error(code: int, status: str, reason: str, message: str) -> Response:
    return Response(
        json.dumps(google_error(code, status, reason, message)),
        status=code,
        content_type="application/json",
    )


@pytest.fixture
def gcp(httpserver: Any) -> FakeGcp:
    """The fake Compute + Monitoring APIs behind ``httpserver``, serving the recordings."""
    fake = FakeGcp()
    fake.project()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake


@pytest.fixture
def endpoints(httpserver: Any, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both inventory endpoints pointed at the local server through the environment."""
    base = httpserver.url_for("/").rstrip("/")
    monkeypatch.setenv("CLOUDSPY_GCP_COMPUTE_ENDPOINT", base)
    monkeypatch.setenv("CLOUDSPY_GCP_MONITORING_ENDPOINT", base)
    return base


@pytest.fixture
def anonymous() -> Any:
    """Credentials that sign nothing (the server does not check them)."""
    from google.auth.credentials import AnonymousCredentials

    return AnonymousCredentials()
