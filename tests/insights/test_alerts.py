"""Alerts end to end: real local HTTP and SMTP servers, retries, de-duplication, no leaked secret."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import threading
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cloudspy import api
from cloudspy.config import Settings
from cloudspy.insights.alerts import detect_new, detect_spikes
from cloudspy.models.insight_settings import AlertSettings
from tests.insights.conftest import TODAY, cost_row, daily

START = TODAY - timedelta(days=60)
SPIKE_DAY = TODAY - timedelta(days=3)
PLANTED = "s3cr3t-planted-value-9f8e7d"


@pytest.fixture
def spiky(store_factory):
    rows = [
        cost_row(
            START + timedelta(days=i),
            "EC2",
            "100" if (START + timedelta(days=i)).weekday() < 5 else "40",
        )
        for i in range(60)
    ]
    rows = [r for r in rows if r["ChargePeriodStart"].date() != SPIKE_DAY]
    rows.append(cost_row(SPIKE_DAY, "EC2", "400"))
    rows += daily(TODAY - timedelta(days=2), TODAY, "Bedrock", "80")  # a new service
    rows += daily(START, TODAY, "S3", "0.01")  # cents never page anyone
    return store_factory(rows, START)


def test_detection_is_weekday_aware_and_has_a_floor():
    config = AlertSettings()
    days = [TODAY - timedelta(days=i) for i in range(14, 0, -1)]
    # Weekdays 100, weekends 40: a Monday at 100 is normal even after a weekend.
    points = {
        TODAY - timedelta(days=i): Decimal(100 if (TODAY - timedelta(days=i)).weekday() < 5 else 40)
        for i in range(1, 60)
    }
    assert detect_spikes({(("EC2",), "USD"): points}, "service", days, config) == []
    saturday = next(d for d in days if d.weekday() == 5)
    points[saturday] = Decimal(95)  # 2.4× a usual Saturday, 55 above it
    found = detect_spikes({(("EC2",), "USD"): points}, "service", days, config)
    assert [(a.day, a.baseline) for a in found] == [(saturday, Decimal(40))]
    small = {d: v / 100 for d, v in points.items()}
    assert detect_spikes({(("S3",), "USD"): small}, "service", days, config) == []
    new = detect_new(
        {(("Bedrock",), "USD"): {days[-1]: Decimal(60)}},
        "service",
        days,
        days[0] - timedelta(weeks=4),
        config,
    )
    assert [a.kind for a in new] == ["new"]


class Receiver:
    """A local HTTP server that answers with scripted statuses and keeps what it received."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[str, Any, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((self.path, self.headers, body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def smtp_server(tmp_path):
    """aiosmtpd with STARTTLS (a self-signed certificate) and AUTH; keeps the mails it got."""
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mails: list[bytes] = []
    logins: list[tuple[bytes, bytes]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            mails.append(envelope.content)
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == PLANTED.encode())

    import socket

    with socket.socket() as probe:  # aiosmtpd's controller cannot start on port 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_require_tls=True,
    )
    controller.start()
    yield {"port": port, "cert": cert, "mails": mails, "logins": logins}
    controller.stop()


def _settings(receiver: Receiver, smtp: dict) -> Settings:
    return Settings.model_validate(
        {
            "alerts": {
                "retries": 2,
                "retry_backoff_seconds": 0,
                "timeout_seconds": 5,
                "slack": {},
                "webhook": {},
                "email": {
                    "host": "127.0.0.1",
                    "port": smtp["port"],
                    "username": "alerts@example.com",
                    "sender": "alerts@example.com",
                    "to": ["finops@example.com"],
                    "ca_file": str(smtp["cert"]),
                },
            }
        }
    )


def test_alerts_end_to_end(spiky, receiver, smtp_server, monkeypatch, tmp_path):
    monkeypatch.setenv("CLOUDSPY_SLACK_WEBHOOK_URL", receiver.url(f"/slack/{PLANTED}"))
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_URL", receiver.url("/hook"))
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_SECRET", PLANTED + "-hmac")
    monkeypatch.setenv("CLOUDSPY_SMTP_PASSWORD", PLANTED)
    settings = _settings(receiver, smtp_server)
    receiver.statuses = [500]  # the first post fails, its retry succeeds

    first = api.alert(db=spiky, settings=settings, today=TODAY)
    assert {(a.kind, a.group) for a in first.detected} == {("spike", "EC2"), ("new", "Bedrock")}
    assert first.new == 2
    assert [(c.channel, c.ok, c.sent) for c in first.channels] == [
        ("slack", True, 2),
        ("email", True, 2),
        ("webhook", True, 2),
    ]
    slack_posts = [r for r in receiver.received if r[0].startswith("/slack/")]
    assert len(slack_posts) == 2  # 500, then the retry
    text = json.loads(slack_posts[-1][2])["text"]
    assert "EC2: 400.00 USD on" in text and "new service Bedrock" in text
    _, headers, body = next(r for r in receiver.received if r[0] == "/hook")
    expected = "sha256=" + hmac.new((PLANTED + "-hmac").encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-CloudSpy-Signature"] == expected
    assert json.loads(body)["alerts"][0]["amount"] in {"400", "160"}
    assert (
        len(smtp_server["mails"]) == 1
        and b"CloudSpy: 1 cost spike and 1 new group" in smtp_server["mails"][0]
    )
    assert smtp_server["logins"] == [(b"alerts@example.com", PLANTED.encode())]

    posts = len(receiver.received)
    again = api.alert(db=spiky, settings=settings, today=TODAY)
    assert again.new == 0 and all(c.sent == 0 for c in again.channels)
    assert len(receiver.received) == posts and len(smtp_server["mails"]) == 1


def test_failing_channel_does_not_stop_the_others_and_retries_next_run(
    spiky, receiver, smtp_server, monkeypatch, cli, tmp_path
):
    monkeypatch.setenv("CLOUDSPY_SLACK_WEBHOOK_URL", receiver.url(f"/slack/{PLANTED}"))
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_URL", receiver.url("/hook"))
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_SECRET", "k")
    monkeypatch.setenv("CLOUDSPY_SMTP_PASSWORD", PLANTED)
    config = tmp_path / "config.toml"

    def write_config(smtp_port: int) -> None:
        config.write_text(
            "[alerts]\nretries = 1\nretry_backoff_seconds = 0\n[alerts.slack]\n[alerts.webhook]\n"
            f'[alerts.email]\nhost = "127.0.0.1"\nport = {smtp_port}\n'
            'username = "alerts@example.com"\nsender = "a@example.com"\nto = ["b@example.com"]\n'
            f'ca_file = "{smtp_server["cert"]}"\n'
        )

    write_config(9)  # nothing listens there: the mail server is down
    receiver.statuses = [500, 500]  # Slack fails both attempts
    out = cli("--db", spiky, "--config", config, "--debug", "alert", "--offline")
    assert out.exit_code == 3
    assert "slack: failed: HTTP 500" in out.stderr and "email: failed: network error" in out.stderr
    assert "webhook: sent 2 alert(s)" in out.stdout
    assert PLANTED not in out.stdout + out.stderr
    write_config(smtp_server["port"])
    retry = cli("--db", spiky, "--config", config, "alert", "--offline")
    assert retry.exit_code == 0, retry.stderr
    assert "slack: sent 2" in retry.stdout and "email: sent 2" in retry.stdout
    assert "webhook: sent 0" in retry.stdout  # already accepted: never sent twice
    assert PLANTED not in retry.stdout + retry.stderr


def test_dry_run_sends_and_records_nothing(spiky, cli, receiver, monkeypatch):
    out = cli("--db", spiky, "alert", "--dry-run", "--offline")
    assert out.exit_code == 0
    assert "2 alert(s) would send" in out.stdout
    assert receiver.received == []
    from cloudspy.store.connection import connect

    with connect(Path(spiky), read_only=False) as conn:
        assert conn.execute("SELECT count(*) FROM alert").fetchall()[0][0] == 0


def test_no_channel_is_a_usage_error(spiky, cli):
    out = cli("--db", spiky, "alert", "--offline")
    assert out.exit_code == 2 and "no alert channel" in out.stderr
