"""Azure under faults: Cost Management Query, inventory and Monitor through the real SDK."""

from __future__ import annotations

import re

import pytest

from tests.faults.conftest import BROKEN_BODIES, Script, body
from tests.faults.helpers import cost_state, last_run, one_line_error, runs
from tests.providers.azure.conftest import (  # noqa: F401 (fixtures)
    QPU_HEADERS,
    SUBSCRIPTION,
    FakeAuthPolicy,
    FakeCredential,
    azure_cli,
    connector,
    replay,
    respond,
)
from tests.providers.azure.inventory.conftest import SUBSCRIPTION as INVENTORY_SUBSCRIPTION
from tests.providers.azure.inventory.conftest import arm  # noqa: F401 (fixture)
from tests.providers.azure.test_azure_cli import DAILY, WINDOW

CONFIG = f'[azure]\nsubscriptions = ["{SUBSCRIPTION}"]\n'
INVENTORY_CONFIG = f'[azure]\nsubscriptions = ["{INVENTORY_SUBSCRIPTION}"]\n'
QPU_RETRY = "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after"


def throttled(seconds: str = "3"):
    return respond(
        {"error": {"code": "429", "message": "Too many requests. Please retry."}},
        status=429,
        headers={QPU_RETRY: seconds},
    )


def azure_sync(azure_cli, *extra: str):  # noqa: F811
    return azure_cli("azure", "sync", "--no-resources", *WINDOW, *extra, config=CONFIG)


@pytest.fixture
def seeded(replay, azure_cli):  # noqa: F811
    """A cache holding the recorded daily costs of one subscription."""
    replay.answer = lambda path, body, req: respond(raw=DAILY, headers=QPU_HEADERS)
    assert azure_sync(azure_cli).exit_code == 0
    return cost_state(azure_cli.db)


def test_429_storm_waits_the_qpu_header_and_is_counted(replay, azure_cli, sleeps):  # noqa: F811
    script = Script([lambda _r: throttled("4")] * 3 + [lambda _r: respond(raw=DAILY)])
    replay.answer = lambda path, body, req: script(req)
    result = azure_sync(azure_cli)
    assert result.exit_code == 0, result.stderr
    assert sum(1 for s in sleeps if 4 <= s <= 5) >= 3
    run = last_run(azure_cli.db)
    assert run.status == "ok" and run.quota_used["throttled"] == 3


def test_429_storm_beyond_the_budget_fails_one_line_and_keeps_the_cache(
    replay,  # noqa: F811
    azure_cli,  # noqa: F811
    seeded,
    sleeps,
):
    replay.answer = lambda path, body, req: throttled()
    result = azure_sync(azure_cli, "--refresh")
    one_line_error(result, "kept throttling", SUBSCRIPTION)
    assert cost_state(azure_cli.db) == seeded
    run = last_run(azure_cli.db)
    assert run.status == "failed" and "429" in run.error


@pytest.fixture
def silent_azure(black_hole, monkeypatch):
    """The Azure provider's connector pointed at a server that never answers."""
    from cloudspy.providers.azure import provider
    from cloudspy.providers.azure.session import Connector, Endpoints

    silent = Connector(
        Endpoints("public", black_hole, "http://127.0.0.1:9", "test/.default"),
        credential=FakeCredential(),
        client_options={"authentication_policy": FakeAuthPolicy()},
    )
    monkeypatch.setattr(provider.AzureProvider, "make_connector", staticmethod(lambda _a: silent))


def test_a_silent_arm_times_out_is_retried_then_fails_one_line(
    replay,  # noqa: F811
    azure_cli,  # noqa: F811
    seeded,
    sleeps,
    short_timeout,
    silent_azure,
):
    result = azure_sync(azure_cli, "--refresh")
    one_line_error(result, "cannot reach Azure")
    assert len(sleeps) >= 4  # 5 tries
    assert cost_state(azure_cli.db) == seeded
    assert last_run(azure_cli.db).status == "failed"


AZURE_BROKEN = {
    **BROKEN_BODIES,
    "missing-keys": ('{"id": "x", "name": "y"}', "application/json"),
    "missing-cost-column": (
        '{"properties": {"columns": [{"name": "UsageDate", "type": "Number"}],'
        ' "rows": [[20180401]]}}',
        "application/json",
    ),
}


@pytest.mark.parametrize("name", sorted(AZURE_BROKEN))
def test_broken_query_bodies_fail_one_line_and_keep_the_cache(
    replay,  # noqa: F811
    azure_cli,  # noqa: F811
    seeded,
    sleeps,
    name,
):
    text, content_type = AZURE_BROKEN[name]
    answer = body(text, content_type=content_type)
    replay.answer = lambda path, payload, req: answer(req)
    result = azure_sync(azure_cli, "--refresh")
    one_line_error(result, "malformed response", SUBSCRIPTION)
    assert cost_state(azure_cli.db) == seeded
    run = last_run(azure_cli.db)
    assert run.status == "failed" and "malformed" in run.error


# --- inventory and Azure Monitor --------------------------------------------------------------


def inventory_sync(azure_cli):  # noqa: F811
    return azure_cli("azure", "sync", "--no-costs", config=INVENTORY_CONFIG)


def wrap(httpserver, arm, pattern: str, script: Script) -> None:  # noqa: F811
    """Requests whose path matches ``pattern`` answered by ``script``, the rest by the fake ARM."""
    httpserver.clear()
    compiled = re.compile(pattern, re.IGNORECASE)

    def handle(request):
        return script(request) if compiled.search(request.path) else arm.handle(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)


VM_LIST = r"/providers/Microsoft\.Compute/virtualMachines$"


def test_throttled_vm_listing_is_retried_and_stored(
    httpserver,
    arm,  # noqa: F811
    azure_cli,  # noqa: F811
    sleeps,
):
    script = Script([lambda _r: respond({"error": {"code": "TooManyRequests"}}, 429,
                                        {"Retry-After": "2"})] * 2 + [arm.handle])  # fmt: skip
    wrap(httpserver, arm, VM_LIST, script)
    result = inventory_sync(azure_cli)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert len(script.served) == 3
    assert sum(1 for s in sleeps if 2 <= s <= 2.5) == 2
    assert runs(azure_cli.db)[0].status == "ok"


def test_vm_listing_storm_fails_the_subscription_exit_3(
    httpserver,
    arm,  # noqa: F811
    azure_cli,  # noqa: F811
    sleeps,
):
    unavailable = respond({"error": {"code": "ServiceUnavailable"}}, 503)
    wrap(httpserver, arm, VM_LIST, Script([lambda _r: unavailable]))
    result = inventory_sync(azure_cli)
    assert result.exit_code == 3
    assert "inventory FAILED" in result.stdout and "ServiceUnavailable" in result.stdout
    assert len(sleeps) == 5
    assert runs(azure_cli.db)[0].status == "failed"


def test_silent_arm_inventory_times_out_retried_then_exit_3(
    azure_cli,  # noqa: F811
    sleeps,
    short_timeout,
    silent_azure,
):
    """Bug (issue #7): inventory requests that timed out were not retried (only the
    Cost Query reader retried them)."""
    result = inventory_sync(azure_cli)
    assert result.exit_code == 3
    assert "inventory FAILED" in result.stdout and "cannot reach Azure" in result.stdout
    assert len(sleeps) == 5


@pytest.mark.parametrize("name", sorted(BROKEN_BODIES))
def test_broken_vm_listing_fails_the_subscription_one_line_exit_3(
    httpserver,
    arm,  # noqa: F811
    azure_cli,  # noqa: F811
    name,
):
    """Bug (issue #7): a VM listing whose 200 body is not JSON escaped as a raw
    JSONDecodeError: "unexpected JSONDecodeError" and every other subscription lost."""
    text, content_type = BROKEN_BODIES[name]
    wrap(httpserver, arm, VM_LIST, Script([body(text, content_type=content_type)]))
    result = inventory_sync(azure_cli)
    assert result.exit_code == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    failed = [line for line in result.stdout.splitlines() if "inventory FAILED" in line]
    assert len(failed) == 1
    assert runs(azure_cli.db)[0].status == "failed"


@pytest.mark.parametrize(
    "answer",
    [
        lambda _r: respond({"error": {"code": "x"}}, 503),
        *(body(t, content_type=c) for t, c in BROKEN_BODIES.values()),
    ],
    ids=["503-storm", *sorted(BROKEN_BODIES)],
)
def test_failing_monitor_keeps_the_inventory_without_utilization(
    httpserver,
    arm,  # noqa: F811
    azure_cli,  # noqa: F811
    sleeps,
    answer,
):
    wrap(httpserver, arm, r"/providers/Microsoft\.Insights/metrics$", Script([answer]))
    result = inventory_sync(azure_cli)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "utilization not readable, kept earlier" in result.stderr
    assert runs(azure_cli.db)[0].status == "ok"
