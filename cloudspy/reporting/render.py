"""Render a :class:`ReportContext` to HTML (Jinja2, autoescaped) and PDF (WeasyPrint).

Templates see the context as ``report`` plus the filters ``money``, ``pct``,
``day``, ``svg`` (marks a chart CloudSpy drew as safe markup) and ``window``.
A user's template may ``{% extends "report.html.j2" %}`` and override blocks,
or stand alone (docs/reports.md documents the context).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from cloudspy.errors import CloudSpyError, UsageError
from cloudspy.models.reporting import Chart, ReportContext, WindowModel
from cloudspy.money import human, percent

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
DEFAULT_TEMPLATE = "report.html.j2"


class ReportError(CloudSpyError):
    """A report cannot be rendered (template error, PDF engine missing or failing)."""


def _window_text(window: WindowModel) -> str:
    last = window.end - timedelta(days=1)
    months = (window.end.year * 12 + window.end.month) - (
        window.start.year * 12 + window.start.month
    )
    if window.start.day == 1 and window.end.day == 1 and months == 1:
        return window.start.strftime("%B %Y")
    return f"{window.start:%d %b %Y} – {last:%d %b %Y}"


def _day(value: date | None) -> str:
    return "—" if value is None else f"{value:%d %b %Y}"


def _money(amount: Decimal | None, currency: str) -> str:
    return "—" if amount is None else human(amount, currency)


def _pct(value: Decimal | None, signed: bool = False) -> str:
    return percent(value, signed=signed)


def environment(template_dir: Path | None) -> Any:
    """A Jinja2 environment: the user's folder first, then the built-in templates."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined
    from markupsafe import Markup

    def svg(chart: Chart) -> Markup:
        # Only charts built by cloudspy.reporting.svg (labels escaped there) reach here.
        return Markup(chart.svg)  # noqa: S704

    folders = [str(template_dir)] if template_dir else []
    env = Environment(
        loader=FileSystemLoader([*folders, str(BUILTIN_TEMPLATES)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=_money, pct=_pct, day=_day, svg=svg, window=_window_text)
    return env


def render_html(context: ReportContext, template: Path | None = None) -> str:
    """The report as one self-contained HTML document."""
    import jinja2

    if template is not None and not template.is_file():
        raise UsageError(f"template {template} does not exist", hint="check --template")
    env = environment(template.parent if template else None)
    name = template.name if template else DEFAULT_TEMPLATE
    try:
        return env.get_template(name).render(report=context)
    except jinja2.TemplateSyntaxError as exc:
        raise ReportError(
            f"template {exc.filename or name}, line {exc.lineno}: {exc.message}"
        ) from None
    except jinja2.TemplateError as exc:
        raise ReportError(
            f"template {name}: {exc}", hint="see docs/reports.md for the context"
        ) from None


def render_pdf(html: str, template_dir: Path) -> tuple[bytes, list[str]]:
    """The HTML printed to PDF; returns the bytes and the URLs the fetcher refused."""
    try:
        import weasyprint
    except ImportError:
        raise ReportError(
            "PDF reports need WeasyPrint, which is not installed",
            hint="pip install 'cloudspy[pdf]', or write --out FILE.html",
        ) from None
    except OSError as exc:  # WeasyPrint is installed but pango/harfbuzz are not
        raise ReportError(
            f"WeasyPrint cannot load its system libraries ({exc})",
            hint="install pango (e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0)",
        ) from None
    from cloudspy.reporting.fetcher import weasyprint_fetcher

    refused: list[str] = []
    document = weasyprint.HTML(
        string=html,
        base_url=template_dir.resolve().as_uri() + "/",
        url_fetcher=weasyprint_fetcher(template_dir, refused),
    )
    return document.write_pdf(), refused
