"""The PDF fetcher loads only inline data; custom templates and named reports (#6)."""

from __future__ import annotations

import base64
import socket
import threading
from datetime import date
from pathlib import Path

import pytest

from cloudspy import api
from cloudspy.reporting.fetcher import FetchRefused, fetch

TODAY = date(2026, 11, 25)


def test_fetch_serves_data_urls_and_files_inside_the_folder(tmp_path: Path) -> None:
    body, media_type, _ = fetch(
        "data:text/css;base64," + base64.b64encode(b"p{}").decode(), tmp_path
    )
    assert (body, media_type) == (b"p{}", "text/css")
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg/>")
    assert fetch(logo.as_uri(), tmp_path)[0] == b"<svg/>"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.invalid/x.png",
        "ftp://127.0.0.1/x",
        "file://otherhost/etc/passwd",
    ],
)
def test_fetch_refuses_everything_else(tmp_path: Path, url: str) -> None:
    with pytest.raises(FetchRefused):
        fetch(url, tmp_path)


def test_symlinks_and_dotdot_cannot_leave_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "link").symlink_to("/etc/passwd")
    for url in ((folder / "link").as_uri(), folder.as_uri() + "/../../../etc/passwd"):
        with pytest.raises(FetchRefused):
            fetch(url, folder)


@pytest.fixture
def listener():
    """A loopback TCP listener that counts connections (none may arrive)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    hits: list[bool] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(True)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join(timeout=2)
    server.close()


def test_a_template_pointing_outside_makes_no_request(hostile_db, tmp_path, listener) -> None:
    port, hits = listener
    template = tmp_path / "own.html.j2"
    template.write_text(
        f"<html><head><link rel='stylesheet' href='http://127.0.0.1:{port}/a.css'></head><body>"
        f"<h1>{{{{ report.title }}}}</h1><img src='http://127.0.0.1:{port}/x.png'>"
        "<img src='file:///etc/passwd'><img src='../../../../etc/hostname'>"
        "{% for t in report.totals %}<p>{{ t.cost | money(t.currency) }}</p>{% endfor %}"
        "</body></html>"
    )
    out = tmp_path / "own.pdf"
    result = api.report(out, template=template, title="Own", db=hostile_db, today=TODAY)
    assert hits == []
    refused = "\n".join(result.warnings)
    assert f"http://127.0.0.1:{port}/x.png" in refused and "file:///etc/passwd" in refused
    assert out.read_bytes().startswith(b"%PDF")


def test_named_report_from_config(cli, hostile_db: Path, tmp_path: Path) -> None:
    (tmp_path / "weekly.html.j2").write_text(
        '{% extends "report.html.j2" %}{% block cover %}<h1>Team {{ report.title }}</h1>'
        "<p>{{ report.window | window }}</p>{% endblock %}"
    )
    config = tmp_path / "config.toml"
    config.write_text(
        "[reports.weekly]\n"
        'title = "Web team weekly"\n'
        'period = "last-week"\n'
        'service = ["EC2", "Compute"]\n'
        'sections = ["breakdown:service", {kind = "breakdown", by = ["region"], top = 3},'
        ' "trend"]\n'
        'template = "weekly.html.j2"\n'
        'out = "weekly.html"\n'
    )
    result = cli("--config", config, "--db", hostile_db, "report", "weekly")
    assert result.exit_code == 0, result.stderr
    html = (tmp_path / "weekly.html").read_text()
    assert "<h1>Team Web team weekly</h1>" in html
    assert html.index("By service") < html.index("By region") < html.index("Daily trend")
    assert "Amazon Elastic Compute Cloud - Compute" in html and "Amazon Redshift" not in html


def test_flags_override_the_named_report(hostile_db: Path, tmp_path: Path) -> None:
    from cloudspy.config import Settings

    settings = Settings.model_validate(
        {"reports": {"m": {"period": "last-week", "provider": ["aws"], "sections": ["trend"]}}}
    )
    result = api.report(
        tmp_path / "m.html",
        name="m",
        period="last-month",
        db=hostile_db,
        settings=settings,
        config_dir=tmp_path,
        today=TODAY,
    )
    assert (result.window.start, result.window.end) == (date(2026, 10, 1), date(2026, 11, 1))
    assert [s.kind for s in result.sections] == ["trend"]
    assert [c.currency for c in result.sections[0].charts] == ["USD"]  # aws only


def test_a_bad_report_section_is_a_config_error(cli, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[reports.x]\nsections = ["pie"]\n')
    result = cli("--config", config, "report", "x", "--out", tmp_path / "x.html")
    assert result.exit_code == 2 and "reports.x.sections" in result.stderr
