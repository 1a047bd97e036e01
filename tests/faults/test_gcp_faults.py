"""GCP under faults: BigQuery costs, Compute inventory and Monitoring through the real clients."""

from __future__ import annotations

import re

import pytest

from cloudspy.cli.inventory_sync import sync_inventory_cli
from cloudspy.cli.state import CliState
from cloudspy.config import InventorySettings, Settings
from cloudspy.providers.gcp.inventory import GcpInventorySource
from cloudspy.providers.gcp.settings import GcpSettings
from tests.faults.conftest import BROKEN_BODIES, Script, body
from tests.faults.helpers import cost_state, last_run, one_line_error, runs
from tests.providers.gcp.conftest import (  # noqa: F401 (fixtures)
    PROJECT,
    TABLE,
    anonymous_adc,
    bigquery,
    endpoint,
    fixture,
    gcp_env,
    google_error,
)
from tests.providers.gcp.inventory.conftest import PROJECT as INVENTORY_PROJECT
from tests.providers.gcp.inventory.conftest import anonymous, endpoints, gcp  # noqa: F401 (fixtures)

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-04")
THROTTLED = google_error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Exceeded rate limits")
UNAVAILABLE = google_error(503, "UNAVAILABLE", "backendError", "Backend error")


def gcp_sync(cli, db, *extra: str):
    return cli(
        "--db", db, "gcp", "sync", "--project", PROJECT, "--billing-table", TABLE, *WINDOW, *extra
    )


@pytest.fixture
def seeded(cli, db, bigquery, gcp_env):  # noqa: F811
    """A cache holding the standard fixture's three days."""
    bigquery.standard_pages()
    assert gcp_sync(cli, db).exit_code == 0
    return cost_state(db)


def test_429_storm_is_retried_after_retry_after_and_counted(
    cli,
    db,
    bigquery,  # noqa: F811
    gcp_env,  # noqa: F811
    sleeps,
):
    for _ in range(3):
        bigquery.answer(THROTTLED, 429, {"Retry-After": "2"})
    bigquery.standard_pages()
    result = gcp_sync(cli, db)
    assert result.exit_code == 0, result.stderr
    assert len(sleeps) == 3 and all(2 <= s <= 2.5 for s in sleeps)
    run = last_run(db)
    assert run.status == "ok" and run.quota_used["throttled"] == 3


@pytest.mark.parametrize(
    ("answer", "status", "needle"),
    [(THROTTLED, 429, "kept throttling"), (UNAVAILABLE, 503, "HTTP 503")],
)
def test_storm_beyond_the_budget_fails_one_line_and_keeps_the_cache(
    cli,
    db,
    bigquery,  # noqa: F811
    seeded,
    sleeps,
    answer,
    status,
    needle,
):
    for _ in range(6):
        bigquery.answer(answer, status)
    result = gcp_sync(cli, db, "--refresh")
    one_line_error(result, needle)
    assert len(sleeps) == 5
    assert cost_state(db) == seeded
    run = last_run(db)
    assert run.status == "failed" and needle.lower() in run.error.lower()


def test_silent_bigquery_times_out_is_retried_then_fails_one_line(
    cli, db, seeded, sleeps, black_hole, short_timeout, monkeypatch
):
    """Bug (issue #7): BigQuery requests had no timeout (the client's default is none),
    so a silent server hung `cloudspy sync` for ever."""
    monkeypatch.setenv("CLOUDSPY_GCP_BIGQUERY_ENDPOINT", black_hole)
    result = gcp_sync(cli, db, "--refresh")
    one_line_error(result, "cannot reach Google")
    assert len(sleeps) == 5
    assert cost_state(db) == seeded
    assert last_run(db).status == "failed"


def serve_queries(httpserver, bigquery, script: Script) -> None:  # noqa: F811
    """jobs.query answered by ``script``; every other BigQuery call by the fake."""
    httpserver.clear()

    def handle(request):
        if request.method == "POST" and request.path.endswith("/queries"):
            return script(request)
        return bigquery.handle(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)


BIGQUERY_BROKEN = {
    **BROKEN_BODIES,
    "missing-keys": (
        {
            "kind": "bigquery#queryResponse",
            "jobComplete": True,
            "totalRows": "2",
            "rows": [{"f": [{"v": "x"}]}],
        },
        "application/json",
    ),
}


@pytest.mark.parametrize("name", sorted(BIGQUERY_BROKEN))
def test_broken_query_bodies_fail_one_line_and_keep_the_cache(
    cli,
    db,
    httpserver,
    bigquery,  # noqa: F811
    seeded,
    sleeps,
    name,
):
    """Bug (issue #7): query rows without the expected columns escaped as
    "unexpected KeyError" instead of a one-line ProviderError."""
    text, content_type = BIGQUERY_BROKEN[name]
    serve_queries(httpserver, bigquery, Script([body(text, content_type=content_type)]))
    result = gcp_sync(cli, db, "--refresh")
    one_line_error(result, "BigQuery")
    assert cost_state(db) == seeded
    run = last_run(db)
    assert run.status == "failed" and run.error


# --- Compute Engine inventory and Cloud Monitoring -------------------------------------------


def inventory_cli(db, sources, capsys) -> tuple[int, str, str]:
    state = CliState(db=db)
    state._settings = Settings(inventory=InventorySettings(metric_days=2))
    code = sync_inventory_cli(state, sources=sources, required=True)
    captured = capsys.readouterr()
    return int(code), captured.out, captured.err


def source(anonymous, project: str = INVENTORY_PROJECT):  # noqa: F811
    return GcpInventorySource(project, GcpSettings(), credentials=anonymous)


def wrap(httpserver, gcp, route: str, script: Script) -> None:  # noqa: F811
    """Requests whose path contains ``route`` answered by ``script``, the rest by the fake."""
    httpserver.clear()

    def handle(request):
        return script(request) if route in request.path else gcp.handle(request)

    httpserver.expect_request(re.compile(".*")).respond_with_handler(handle)


def test_compute_storm_then_answer_is_retried_and_stored(
    db,
    httpserver,
    gcp,  # noqa: F811
    endpoints,  # noqa: F811
    anonymous,  # noqa: F811
    sleeps,
    capsys,
):
    storm = Script([body(THROTTLED, 429)] * 2 + [gcp.handle])
    wrap(httpserver, gcp, "/aggregated/disks", storm)
    code, out, _ = inventory_cli(db, [source(anonymous)], capsys)
    assert code == 0, out
    assert len(storm.served) == 3 and len(sleeps) == 2
    assert runs(db)[0].status == "ok"


def test_compute_storm_beyond_the_budget_fails_the_project_exit_3(
    db,
    httpserver,
    gcp,  # noqa: F811
    endpoints,  # noqa: F811
    anonymous,  # noqa: F811
    sleeps,
    capsys,
):
    wrap(httpserver, gcp, "/aggregated/instances", Script([body(UNAVAILABLE, 503)]))
    code, out, _err = inventory_cli(db, [source(anonymous)], capsys)
    assert code == 3
    assert "inventory FAILED" in out and "HTTP 503" in out
    assert runs(db)[0].status == "failed"


def test_silent_compute_times_out_then_fails_exit_3(
    db,
    gcp,  # noqa: F811
    anonymous,  # noqa: F811
    sleeps,
    capsys,
    black_hole,
    short_timeout,
    monkeypatch,
):
    monkeypatch.setenv("CLOUDSPY_GCP_COMPUTE_ENDPOINT", black_hole)
    code, out, _ = inventory_cli(db, [source(anonymous)], capsys)
    assert code == 3 and "cannot reach Google" in out
    assert len(sleeps) == 5


def test_denied_project_is_reported_and_the_other_project_stored(
    db,
    gcp,  # noqa: F811
    endpoints,  # noqa: F811
    anonymous,  # noqa: F811
    capsys,
):
    gcp.denied.add("locked-project")
    gcp.project("locked-project")
    code, out, _ = inventory_cli(
        db, [source(anonymous), source(anonymous, "locked-project")], capsys
    )
    assert code == 3
    assert f"gcp:inventory:{INVENTORY_PROJECT}: inventory ok" in out
    assert "gcp:inventory:locked-project: inventory FAILED" in out
    assert {r.status for r in runs(db)} == {"ok", "failed"}


@pytest.mark.parametrize(
    "answer",
    [body(UNAVAILABLE, 503), *(body(t, content_type=c) for t, c in BROKEN_BODIES.values())],
    ids=["503-storm", *sorted(BROKEN_BODIES)],
)
def test_failing_monitoring_keeps_the_inventory_without_utilization(
    db,
    httpserver,
    gcp,  # noqa: F811
    endpoints,  # noqa: F811
    anonymous,  # noqa: F811
    sleeps,
    capsys,
    answer,
):
    wrap(httpserver, gcp, "/timeSeries", Script([answer]))
    code, _, err = inventory_cli(db, [source(anonymous)], capsys)
    assert code == 0
    assert "utilization not readable, kept earlier" in err
    assert runs(db)[0].status == "ok"
