"""A real uvicorn on loopback (#17): the same numbers, and the store shared with cron jobs.

The server never keeps the cache open between requests, so a sync or an import
into the same store, while the server answers in a loop, both succeed.
"""

from __future__ import annotations

import json
import shutil
import threading
import urllib.request

import pytest


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_uvicorn_serves_the_same_costs_as_the_cli(live_server, cli, demo_db):
    status, body = _get(f"{live_server}/api/v1/costs?since=2026-10-26&until=2026-11-25&by=provider")
    assert status == 200
    shown = cli("--db", demo_db, "costs", "--since", "2026-10-26", "--until", "2026-11-25",
                "--by", "provider", "--format", "json", "--offline")  # fmt: skip
    web, terminal = json.loads(body), json.loads(shown.stdout)
    for document in (web, terminal):
        for source in document["sources"]:
            source.pop("fetched_at")
    assert web == terminal
    assert _get(f"{live_server}/api/v1/costs?last=banana")[0] == 400


@pytest.mark.slow
def test_an_import_into_the_served_store_succeeds_while_requests_keep_coming(
    demo_db, tmp_path, cli
):
    import uvicorn

    from cloudspy.web.app import create_app
    from tests.conftest import FOCUS_SAMPLE
    from tests.web.conftest import free_port, make_config

    db = tmp_path / "shared.duckdb"
    shutil.copy(demo_db, db)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(make_config(db, port=port)), host="127.0.0.1", port=port, log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    statuses: list[int] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set() and len(statuses) < 400:
            statuses.append(_get(f"http://127.0.0.1:{port}/api/v1/costs?last=30d")[0])

    askers = [threading.Thread(target=ask) for _ in range(2)]
    for t in askers:
        t.start()
    try:
        imports = [cli("--db", db, "import", FOCUS_SAMPLE) for _ in range(3)]
    finally:
        stop.set()
        for t in askers:
            t.join(timeout=30)
        server.should_exit = True
        thread.join(timeout=10)
    assert all(r.exit_code == 0 for r in imports), [r.stderr for r in imports]
    assert statuses and set(statuses) <= {200, 503}  # a request that met the writer says so
    assert statuses.count(200) > 0
