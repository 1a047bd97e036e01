"""Run one report: resolve a named report, build the context, render, write atomically."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from cloudspy.config import Settings
from cloudspy.errors import UsageError
from cloudspy.models.reporting import ReportResult
from cloudspy.reporting.atomic import write_atomic
from cloudspy.reporting.context import ReportRequest, build_context
from cloudspy.reporting.render import BUILTIN_TEMPLATES, render_html, render_pdf
from cloudspy.reporting.sections import ReportData

OUTPUT_KINDS = {".pdf": "pdf", ".html": "html", ".htm": "html"}


def output_kind(out: Path) -> str:
    """``pdf`` or ``html`` from the file name; anything else is a usage error."""
    kind = OUTPUT_KINDS.get(out.suffix.lower())
    if kind is None:
        raise UsageError(
            f"cannot tell the report format of {out.name!r}", hint="name it FILE.pdf or FILE.html"
        )
    return kind


def named_request(
    settings: Settings, name: str, config_dir: Path
) -> tuple[ReportRequest, Path | None, Path | None]:
    """The request, template and output of ``[reports.NAME]`` (paths from the config folder)."""
    spec = settings.reports.get(name)
    if spec is None:
        known = ", ".join(sorted(settings.reports)) or "none are configured"
        raise UsageError(
            f"no report named {name!r} in the config ({known})",
            hint="add [reports.NAME] to config.toml (see examples/reports/)",
        )
    request = ReportRequest(
        period=spec.period,
        filters={
            "provider": spec.provider,
            "region": spec.region,
            "service": spec.service,
            "account": spec.account,
        },
        metric=spec.metric,
        sections=spec.sections,
        title=spec.title or name,
        name=name,
    )
    template = (config_dir / spec.template).expanduser() if spec.template else None
    out = (config_dir / spec.out).expanduser() if spec.out else None
    return request, template, out


def merge(base: ReportRequest, override: ReportRequest) -> ReportRequest:
    """``base`` with whatever ``override`` sets (command-line flags beat the config)."""
    filters = {**base.filters, **{k: v for k, v in override.filters.items() if v}}
    explicit_window = override.period or override.since or override.until
    return replace(
        base,
        period=override.period if explicit_window else base.period,
        since=override.since if explicit_window else base.since,
        until=override.until if explicit_window else base.until,
        filters=filters,
        metric=override.metric or base.metric,
        title=override.title or base.title,
    )


def write_report(
    db: Path,
    settings: Settings,
    request: ReportRequest,
    out: Path,
    *,
    template: Path | None,
    today: date,
    data: ReportData,
) -> ReportResult:
    """Build, render and write the report; the file appears only when complete."""
    kind = output_kind(out)
    context = build_context(db, settings, request, today=today, data=data)
    html = render_html(context, template)
    warnings = list(context.warnings)
    if kind == "pdf":
        data, refused = render_pdf(html, template.parent if template else BUILTIN_TEMPLATES)
        warnings += refused
        size = write_atomic(out, data)
    else:
        size = write_atomic(out, html)
    return ReportResult(
        path=str(out),
        format=kind,
        bytes=size,
        title=context.title,
        window=context.window,
        sections=context.sections,
        warnings=warnings,
    )
