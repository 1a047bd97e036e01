"""A loopback ARM server replaying Azure inventory recordings to the real mgmt SDK clients.

Answers are Cloud Custodian's vcr cassettes (wrapper ``response.body.data``
stripped here) and azure-rest-api-specs examples. The clients are built by the
production code with the Azure costs tests' fake credential and authentication
policy (imported, not copied); nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from werkzeug import Request, Response

from tests import paths
from tests.providers.azure.conftest import FakeAuthPolicy, FakeCredential, azure_cli, connector  # noqa: F401

FIXTURES = paths.FIXTURES / "azure" / "inventory"
SUBSCRIPTION = "ea42f556-5106-4743-99b0-c129bfa71a47"
_ROUTES = {
    "vms": re.compile(r"^/subscriptions/([^/]+)/providers/Microsoft\.Compute/virtualMachines$"),
    "view": re.compile(
        r"^/subscriptions/([^/]+)/resourceGroups/[^/]+/providers/"
        r"Microsoft\.Compute/virtualMachines/([^/]+)/instanceView$"
    ),
    "metrics": re.compile(
        r"^/subscriptions/([^/]+)/resourceGroups/[^/]+/providers/"
        r"Microsoft\.Compute/virtualMachines/([^/]+)/providers/"
        r"Microsoft\.Insights/metrics$",
        re.IGNORECASE,
    ),
    "disks": re.compile(r"^/subscriptions/([^/]+)/providers/Microsoft\.Compute/disks$"),
    "snapshots": re.compile(r"^/subscriptions/([^/]+)/providers/Microsoft\.Compute/snapshots$"),
    "ips": re.compile(r"^/subscriptions/([^/]+)/providers/Microsoft\.Network/publicIPAddresses$"),
    "locations": re.compile(r"^/subscriptions/([^/]+)/locations$"),
    "sqlvms": re.compile(
        r"^/subscriptions/([^/]+)/providers/Microsoft\.SqlVirtualMachine/sqlVirtualMachines$"
    ),
    "skus": re.compile(r"^/subscriptions/([^/]+)/providers/Microsoft\.Compute/skus$"),
}


def load(name: str) -> dict[str, Any]:
    """A fixture file under tests/fixtures/azure/inventory/."""
    return json.loads((FIXTURES / name).read_text())


def cassette(name: str, index: int = 0) -> dict[str, Any]:
    """The response body of a vcr cassette's interaction (``response.body.data``)."""
    return copy.deepcopy(load(name)["interactions"][index]["response"]["body"]["data"])


def spec(name: str) -> dict[str, Any]:
    """The 200 body of an azure-rest-api-specs example."""
    return copy.deepcopy(load(name)["responses"]["200"]["body"])


def recorded_view() -> dict[str, Any]:
    """cctestvm's instance view: the cassette's ``GET vm?$expand=instanceView``, nested part."""
    return cassette("VMTest.virtual_machine_instance.json", 1)["properties"]["instanceView"]


def with_power(view: dict[str, Any], word: str) -> dict[str, Any]:
    """The view with its ``PowerState/…`` status replaced (no recording has other states)."""
    changed = copy.deepcopy(view)
    for status in changed["statuses"]:
        if status["code"].startswith("PowerState/"):
            status["code"] = f"PowerState/{word}"
    return changed


def arm_error(status: int, code: str, message: str) -> Response:
    """An ARM error response."""
    body = {"error": {"code": code, "message": message}}
    return Response(json.dumps(body), status=status, content_type="application/json")


@dataclass
class FakeArm:
    """Pages per (subscription, listing), instance views per VM, one metrics answer."""

    base: str
    lists: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    views: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)
    denied_routes: set[str] = field(default_factory=set)
    gone: set[str] = field(default_factory=set)  # VMs deleted after the listing
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def subscription(
        self,
        sub: str = SUBSCRIPTION,
        *,
        vms: list[dict[str, Any]] | None = None,
        disks: list[dict[str, Any]] | None = None,
        ips: list[dict[str, Any]] | None = None,
    ) -> None:
        """Serve these pages (default: the recordings) for one subscription."""
        self.lists[(sub, "vms")] = vms or [cassette("VMTest.virtual_machine_instance.json")]
        self.lists[(sub, "disks")] = disks or [cassette("DiskTest.test_find_by_name.json")]
        # Written by us after the Snapshots_List response (tests/fixtures/PROVENANCE.md).
        self.lists[(sub, "snapshots")] = [load("snapshots-list.json")]
        self.lists[(sub, "ips")] = ips or [
            cassette("PublicIpAddressTest.test_find_by_name.json"),
            load("public-ip-unassociated-derived.json"),
        ]
        self.lists[(sub, "locations")] = [load("subscription-locations.json")]
        # No SQL Server registered by default (sql-virtual-machines-list.json: one that is).
        self.lists[(sub, "sqlvms")] = [{"value": []}]
        self.lists[(sub, "skus")] = [load("resource-skus-list.json")]

    def handle(self, request: Request) -> Response:
        """Route one request the way ARM would."""
        self.requests.append((request.method, request.path, dict(request.args)))
        for route, pattern in _ROUTES.items():
            match = pattern.match(request.path)
            if match:
                break
        else:
            return arm_error(404, "NotFound", f"no route {request.path}")
        sub = match.group(1)
        if sub in self.denied or route in self.denied_routes:
            return arm_error(
                403,
                "AuthorizationFailed",
                f"The client does not have authorization to perform action over scope "
                f"'/subscriptions/{sub}'",
            )
        if route == "view" and match.group(2) in self.gone:
            return arm_error(404, "ResourceNotFound", f"VM {match.group(2)} was not found")
        if route == "view":
            return _json(self.views.get(match.group(2)) or recorded_view())
        if route == "metrics":
            return _json(
                self.metrics or cassette("ArmResourceTest.test_metric_filter_find_average.json", 1)
            )
        pages = self.lists[(sub, route)]
        index = int(request.args.get("page", "0"))
        page = dict(pages[index])
        page.pop("nextLink", None)
        if index + 1 < len(pages):
            page["nextLink"] = f"{self.base}{request.path}?api-version=2024-03-02&page={index + 1}"
        return _json(page)

    def paths(self, route: str) -> list[tuple[str, dict[str, str]]]:
        """The (path, query) of every request to ``route``."""
        return [(p, a) for _, p, a in self.requests if _ROUTES[route].match(p)]


def _json(body: Any) -> Response:
    return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def arm(httpserver: Any) -> FakeArm:
    """The fake ARM behind ``httpserver``, serving the recordings for the cassette subscription."""
    fake = FakeArm(httpserver.url_for("").rstrip("/"))
    fake.subscription()
    httpserver.expect_request(re.compile(".*")).respond_with_handler(fake.handle)
    return fake
