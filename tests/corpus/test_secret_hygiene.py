"""Secret hygiene (issue #7): planted credentials never reach output, the store or files.

An AWS secret key (env credentials of a moto-backed sync), a Slack webhook URL,
a webhook token and HMAC key, an SMTP password and a proxy password inside an
endpoint URL are planted; then sync, costs, every export format, HTML and PDF
reports, alert (dry run and failing channels), history and failing commands
with ``--debug`` run. stdout, stderr, the DuckDB file, every table's text,
and every file written are scanned for the planted values.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread

import duckdb
import pytest

from tests.insights.conftest import TODAY, cost_row, write_store
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result, queue

AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/plantedAWSsecretKEY0001"
SLACK_SECRET = "PLANTEDslackB0T0KENxyz"
HOOK_TOKEN = "PLANTEDhookT0KENabc"
HMAC_KEY = "PLANTED-hmac-key-0042"
SMTP_PASSWORD = "PLANTED-smtp-pa55word"
PROXY_PASSWORD = "PLANTEDproxyPa55"
PLANTED = (AWS_SECRET, SLACK_SECRET, HOOK_TOKEN, HMAC_KEY, SMTP_PASSWORD, PROXY_PASSWORD)
SEPT = [date(2026, 9, 1) + timedelta(days=i) for i in range(3)]


class EchoingServer:
    """Answers every POST with HTTP 500 and a body that echoes the request URL.

    That is what a misconfigured proxy or webhook endpoint does, and the text
    ends up in CloudSpy's error messages.
    """

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(500)
                self.end_headers()
                self.wfile.write(f"invalid token in {self.path}".encode())

            def log_message(self, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


@pytest.fixture
def echoing():
    server = EchoingServer()
    yield server
    server.server.shutdown()
    server.server.server_close()


def leaks(text: str | bytes) -> list[str]:
    """The planted values found in ``text``."""
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    return [value for value in PLANTED if value.encode() in data]


def store_text(db: Path) -> str:
    """Every table of the store as text."""
    with duckdb.connect(str(db), read_only=True) as conn:
        tables = [r[0] for r in conn.execute("SHOW TABLES").fetchall()]
        return "\n".join(
            repr(conn.execute(f'SELECT * FROM "{table}"').fetchall()) for table in tables
        )


def spiky_rows() -> list[dict]:
    start = TODAY - timedelta(days=40)
    rows = [cost_row(start + timedelta(days=i), "EC2", "100") for i in range(40)]
    rows.append(cost_row(TODAY - timedelta(days=1), "EC2", "900"))
    return rows


def test_planted_secrets_appear_nowhere(aws_env, cli, tmp_path, monkeypatch, echoing):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    monkeypatch.setenv("CLOUDSPY_SLACK_WEBHOOK_URL", echoing.url(f"/services/T0/B0/{SLACK_SECRET}"))
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_URL", echoing.url(f"/hook?token={HOOK_TOKEN}"))
    monkeypatch.setenv("CLOUDSPY_WEBHOOK_SECRET", HMAC_KEY)
    monkeypatch.setenv("CLOUDSPY_SMTP_PASSWORD", SMTP_PASSWORD)
    config = tmp_path / "config.toml"
    config.write_text(
        '[[aws.accounts]]\nname = "planted"\n'
        "[alerts]\nretries = 1\nretry_backoff_seconds = 0\ntimeout_seconds = 5\n"
        "[alerts.slack]\n[alerts.webhook]\n"
        '[alerts.email]\nhost = "127.0.0.1"\nport = 9\nusername = "alerts@example.com"\n'
        'sender = "a@example.com"\nto = ["b@example.com"]\n'
    )
    db = tmp_path / "cache.duckdb"
    out = tmp_path / "out"
    out.mkdir()
    queue(
        aws_env,
        [
            accounts_page(SEPT, {"123456789012": "payer"}),
            breakdown_page(
                [day_result(d, [(["Amazon EC2", "us-east-1"], "12.5", "12")]) for d in SEPT]
            ),
        ],
    )
    base = ("--db", db, "--config", config)
    window = ("--since", "2026-09-01", "--until", "2026-09-04")
    runs = [cli(*base, "sync", "--provider", "aws", "--no-resources", *window)]
    assert runs[0].exit_code == 0, runs[0].stderr
    runs.append(cli(*base, "costs", *window, "--format", "json", "--offline"))
    for fmt in ("csv", "json", "parquet", "focus", "prometheus"):
        runs.append(cli(*base, "export", "--format", fmt, "--out", out / f"x.{fmt}", *window))
    for suffix in ("html", "pdf"):
        runs.append(cli(*base, "report", "--out", out / f"r.{suffix}", *window))
    runs.append(cli(*base, "history", "--format", "json"))
    runs.append(cli(*base, "--debug", "import", tmp_path / "missing.csv"))

    spiky = write_store(tmp_path / "spiky.duckdb", spiky_rows(), TODAY - timedelta(days=40), TODAY)
    alert_base = ("--db", spiky, "--config", config)
    runs.append(cli(*alert_base, "alert", "--dry-run", "--offline"))
    failing = cli(*alert_base, "--debug", "alert", "--offline")
    assert failing.exit_code == 3, failing.stderr
    assert "slack: failed" in failing.stderr and "email: failed" in failing.stderr
    runs.append(failing)

    # A provider error that echoes its endpoint URL, proxy password included.
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://cloudspy:{PROXY_PASSWORD}@127.0.0.1:9")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    broken = cli(*base, "--debug", "sync", "--provider", "aws", "--no-resources", *window)
    assert broken.exit_code == 3
    runs.append(broken)

    for run in runs:
        assert leaks(run.stdout) == [] and leaks(run.stderr) == [], run.stderr
    for path in (db, spiky):
        assert leaks(path.read_bytes()) == []
        assert leaks(store_text(path)) == []
    written = sorted(out.iterdir())
    assert len(written) == 7
    for path in written:
        assert leaks(path.read_bytes()) == [], path
    from pypdf import PdfReader

    pdf_text = "".join(page.extract_text() for page in PdfReader(out / "r.pdf").pages)
    assert "12" in pdf_text and leaks(pdf_text) == []


def test_a_url_password_in_a_provider_error_is_redacted_bug_7():
    """Bug #7: an endpoint URL with credentials was echoed as is in error lines."""
    from cloudspy.redaction import scrub

    text = f'Could not connect to the endpoint URL: "http://u:{PROXY_PASSWORD}@10.0.0.1:3128/"'
    assert scrub(text) == 'Could not connect to the endpoint URL: "http://u:***@10.0.0.1:3128/"'


def test_the_debug_traceback_and_the_error_line_are_scrubbed_bug_7(cli, monkeypatch, tmp_path):
    """Bug #7: ``--debug`` printed tracebacks verbatim, credentials included."""
    secret = AWS_SECRET.replace("/", "-")  # usable as a file name
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    result = cli("--db", tmp_path / "c.duckdb", "--debug", "import", tmp_path / f"{secret}.csv")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "ImportFileError" in result.stderr
    assert secret not in result.stderr
    assert re.search(r"cloudspy: error: .*/\*\*\*\.csv does not exist", result.stderr)


def test_a_failed_run_stores_its_error_scrubbed_bug_7(db, monkeypatch):
    """Bug #7: sync_run.error kept provider error text verbatim (history, exports)."""
    from cloudspy.store.connection import connect
    from cloudspy.store.sync_log import finish_run, new_run_id, start_run

    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", AWS_SECRET)
    run_id = new_run_id()
    with connect(db, read_only=False) as conn:
        start_run(
            conn, run_id=run_id, provider="aws", source="ce", scope="s", what="costs", window=None
        )
        finish_run(conn, run_id, status="failed", error=f"signature for {AWS_SECRET} rejected")
        [(error,)] = conn.execute("SELECT error FROM sync_run").fetchall()
    assert error == "signature for *** rejected"
    assert json.dumps(error).count("***") == 1
