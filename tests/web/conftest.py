"""The serve app over the demo store, through Starlette's TestClient and a real uvicorn."""

from __future__ import annotations

import socket
import threading
import time

import pytest


def make_config(db, *, host="127.0.0.1", port=8765, token=None):
    from cloudspy import api
    from cloudspy.config import Settings
    from cloudspy.web.app import ServeConfig
    from cloudspy.web.security import Guard

    settings = Settings()
    quick = settings.model_copy(
        update={"cache": settings.cache.model_copy(update={"lock_timeout_seconds": 3.0})}
    )
    return ServeConfig(db, quick, Guard(host, port, token), answers=api, demo=True)


@pytest.fixture
def client(demo_db):
    from starlette.testclient import TestClient

    from cloudspy.web.app import create_app

    with TestClient(create_app(make_config(demo_db)), base_url="http://127.0.0.1:8765") as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(demo_db):
    """A real uvicorn on loopback serving the demo store; yields its base URL."""
    import uvicorn

    from cloudspy.web.app import create_app

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(make_config(demo_db, port=port)),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(100):
        if server.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
