"""`cloudspy report`: the PDF's text, the HTML's structure, hostile values, atomic writes (#6)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from cloudspy import api
from cloudspy.money import human
from tests.exporting.hostile import HOSTILE_NAME, HOSTILE_SERVICE
from tests.reporting.conftest import WASTE_TITLE

TODAY = date(2026, 11, 25)
SECTION_TITLES = [
    "Daily trend",
    "Daily cost by provider",
    "By provider",
    "By account",
    "By service",
    "By region",
    "By team",
    "Top movers by service",
    "Forecast to month end",
    "Waste findings",
    "Data freshness",
]


class Outline(HTMLParser):
    """Collects tags, the text of h1/h2 headings, and every img/script/link element."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.fetching: list[str] = []
        self.sections: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag in ("h1", "h2"):
            self._in = tag
            self.headings.append("")
        if tag in ("img", "script", "link", "iframe", "object"):
            self.fetching.append(tag)
        if tag == "section":
            self.sections.append(dict(attrs).get("id", ""))

    def handle_endtag(self, tag) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data) -> None:
        if self._in:
            self.headings[-1] += data


@pytest.fixture(scope="module")
def pdf_report(hostile_db: Path, tmp_path_factory) -> tuple[Path, object]:
    from cloudspy import api as module

    patch = pytest.MonkeyPatch()
    from tests.reporting.conftest import fake_waste, unavailable

    patch.setattr(module, "waste", lambda **_: fake_waste(), raising=False)
    patch.setattr(module, "forecast", unavailable("forecasts"))
    out = tmp_path_factory.mktemp("pdf") / "report.pdf"
    try:
        result = api.report(out, period="last-month", db=hostile_db, today=TODAY)
    finally:
        patch.undo()
    return out, result


def test_pdf_text_has_totals_sections_and_waste(pdf_report, hostile_db: Path) -> None:
    out, result = pdf_report
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    flat = " ".join(text.split())
    costs = api.costs(since="2026-10-01", until="2026-11-01", db=hostile_db, today=TODAY)
    for total in costs.totals:
        assert human(total.cost, total.currency) in flat
    for title in SECTION_TITLES:
        assert title in flat, title
    assert "October 2026" in flat
    assert WASTE_TITLE in flat and "$42.50" in flat
    assert "No data:" in flat and "forecasts are not available" in flat
    assert "CloudSpy 0.1.0" in flat and "demo:sample" in flat
    assert result.format == "pdf" and out.read_bytes().startswith(b"%PDF")


def test_first_page_turns_into_png(pdf_report, tmp_path: Path) -> None:
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    out, _ = pdf_report
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(out), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 2000


def test_html_structure_and_no_data_sections(hostile_db, tmp_path, with_waste, monkeypatch):
    from tests.reporting.conftest import unavailable

    monkeypatch.setattr(api, "forecast", unavailable("forecasts"))
    out = tmp_path / "r.html"
    result = api.report(out, db=hostile_db, today=TODAY)
    outline = Outline()
    outline.feed(out.read_text())
    assert outline.headings[0] == "Cloud costs"
    assert [h for h in outline.headings[1:] if h != "Total BilledCost"] == SECTION_TITLES
    assert len(outline.sections) == len(SECTION_TITLES)
    statuses = {s.title: s.status for s in result.sections}
    assert statuses["Forecast to month end"] == "no_data"
    assert statuses["Waste findings"] == "ok" and statuses["By service"] == "ok"
    assert outline.fetching == []  # no element that would load anything


def test_an_upper_bound_saving_and_its_total_are_marked(hostile_db, tmp_path, with_waste):
    """A finding whose saving is an upper bound shows ``≤`` in its row and in the
    savings total, with a line saying what it means (#14)."""
    out = tmp_path / "r.html"
    api.report(out, since="2026-11-01", until="2026-11-25", db=hostile_db, today=TODAY)
    html = out.read_text()
    assert html.count("≤ $42.50") == 2  # the row and the total
    assert "≤: at most this amount; the size priced bounds the bill from above" in html


def test_hostile_names_render_as_text(hostile_db: Path, tmp_path: Path, with_waste) -> None:
    out = tmp_path / "r.html"
    api.report(out, since="2026-11-01", until="2026-11-25", db=hostile_db, today=TODAY)
    html = out.read_text()
    assert HOSTILE_NAME not in html and "<img" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html  # the waste finding's name
    assert "=HYPERLINK(&#34;http://127.0.0.1:9/x&#34;" in html  # a service, as text
    pdf = tmp_path / "r.pdf"
    api.report(pdf, since="2026-11-01", until="2026-11-25", db=hostile_db, today=TODAY)
    # Table cells wrap long text; compare without the line breaks.
    text = "".join("".join(p.extract_text() for p in PdfReader(pdf).pages).split())
    assert "".join(HOSTILE_NAME.split()) in text and "".join(HOSTILE_SERVICE.split()) in text
    assert "root:x:0:0" not in text


def test_a_failed_render_keeps_last_weeks_pdf(cli, hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    out.write_bytes(b"%PDF last week")
    template = tmp_path / "broken.html.j2"
    template.write_text("{% for x in %}")
    result = cli("--db", hostile_db, "report", "--out", out, "--template", template)
    assert result.exit_code == 3 and "broken.html.j2, line 1" in result.stderr
    assert out.read_bytes() == b"%PDF last week"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.html.j2", "report.pdf"]


def test_pdf_without_weasyprint_is_one_clear_line(cli, hostile_db, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = cli("--db", hostile_db, "report", "--out", tmp_path / "r.pdf")
    assert result.exit_code == 3
    assert result.stderr.strip().splitlines() == [
        "cloudspy: error: PDF reports need WeasyPrint, which is not installed; "
        "pip install 'cloudspy[pdf]', or write --out FILE.html"
    ]
    html = cli("--db", hostile_db, "report", "--out", tmp_path / "r.html")
    assert html.exit_code == 0, html.stderr


def test_bad_inputs(cli, hostile_db: Path, tmp_path: Path) -> None:
    suffix = cli("--db", hostile_db, "report", "--out", tmp_path / "r.docx")
    assert suffix.exit_code == 2 and "FILE.pdf or FILE.html" in suffix.stderr
    nothing = cli("--db", hostile_db, "report")
    assert nothing.exit_code == 2 and "--out" in nothing.stderr
    period = cli("--db", hostile_db, "report", "-o", tmp_path / "r.html", "--period", "soon")
    assert period.exit_code == 2 and "unknown period" in period.stderr
    missing = cli("--db", hostile_db, "report", "-o", tmp_path / "r.html", "--template", "nope")
    assert missing.exit_code == 2 and "template nope does not exist" in missing.stderr
    unnamed = cli("--db", hostile_db, "report", "monthly", "-o", tmp_path / "r.html")
    assert unnamed.exit_code == 2 and "no report named 'monthly'" in unnamed.stderr


def test_empty_period_says_no_data(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = api.report(out, since="2020-01-01", until="2020-02-01", db=hostile_db, today=TODAY)
    # Forecast and waste look at today and the inventory, not at the report's window.
    cost_sections = [s for s in result.sections if s.kind not in ("forecast", "waste")]
    assert {s.status for s in cost_sections} == {"no_data"}
    assert all("no costs are cached" in s.reason for s in cost_sections)
    assert out.read_text().count("No data:") >= len(cost_sections)


def test_import_cloudspy_stays_light() -> None:
    code = (
        "import sys, cloudspy; heavy = [m for m in ('duckdb', 'jinja2', 'weasyprint', 'pydantic')"
        " if m in sys.modules]; print(heavy); assert callable(cloudspy.report)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
