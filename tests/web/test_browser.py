"""The dashboard in a real headless Chromium (Debian's package, driven by Playwright) (#17).

The overview shows the demo's numbers; changing a filter on the costs page
changes the URL, the table and the chart; no page logs a console error; no
request leaves loopback. ``CLOUDSPY_WRITE_SCREENSHOTS=1`` writes each page's
screenshot to docs/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests import paths

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = paths.DOCS / "screenshots"
PAGES = ["", "costs", "resources", "waste", "forecast", "history"]
# As the machine's browser probe starts it: no background traffic, nothing but the page.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is not installed at {CHROMIUM}: .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []  # type: ignore[attr-defined]
    page.requests = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def test_the_overview_shows_the_demo_numbers(page, live_server, demo_db):
    from cloudspy import api
    from cloudspy.money import human

    page.goto(f"{live_server}/")
    report = api.costs(last="30d", by=["provider"], db=demo_db)
    for total in report.totals:
        shown = page.locator(f"[data-total='{total.currency}']").inner_text()
        assert shown == human(total.cost, total.currency)
    assert page.locator("figure.chart svg").count() == len(report.totals)  # one per currency
    assert page.console_errors == []


def test_the_waste_page_marks_an_upper_bound_saving(page, live_server, demo_db):
    """The demo's old EBS snapshot is priced by its volume's size, at most what it
    stores: its row and the total it is in show ``≤`` (#14)."""
    from cloudspy import api
    from cloudspy.money import human

    page.goto(f"{live_server}/waste")
    report = api.waste(db=demo_db)
    [bounded] = [f for f in report.findings if f.upper_bound]
    row = page.locator("#waste-table tr", has_text=bounded.resource_id[:9]).first.inner_text()
    assert f"≤ {human(bounded.monthly_savings, bounded.currency)}" in row
    total = report.totals[0]
    assert (
        f"≤ {human(total.monthly_savings, total.currency)}"
        in page.locator("#waste-table").inner_text()
    )
    assert "≤: at most this amount" in page.locator("main").inner_text()
    page.goto(f"{live_server}/resources?kind=snapshot")
    assert "≤ $5.00" in page.locator("main").inner_text()
    assert page.console_errors == []


def test_changing_a_filter_changes_url_table_and_chart(page, live_server):
    page.goto(f"{live_server}/costs")
    before_chart = page.locator("figure.chart").first.inner_html()
    with page.expect_navigation():
        page.select_option("select[name=by]", "provider")
    assert "by=provider" in page.url
    assert page.locator("#costs-table th").first.inner_text() == "Provider"
    assert page.locator("figure.chart").first.inner_html() != before_chart
    with page.expect_navigation():
        page.select_option("select[name=provider]", "gcp")
    assert "provider=gcp" in page.url
    cells = page.locator("#costs-table tbody td:first-child").all_inner_texts()
    assert cells == ["Google Cloud"]
    assert page.console_errors == []


def test_every_page_renders_without_errors_and_stays_on_loopback(page, live_server):
    for name in PAGES:
        response = page.goto(f"{live_server}/{name}")
        assert response is not None and response.status == 200, name
        assert page.locator("main h1").count() == 1
        if os.environ.get("CLOUDSPY_WRITE_SCREENSHOTS"):
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{name or 'overview'}.png"), full_page=True)
    assert page.console_errors == []
    assert page.requests and all(
        url.startswith(live_server) or url.startswith("data:") for url in page.requests
    ), [u for u in page.requests if not u.startswith(live_server)]
