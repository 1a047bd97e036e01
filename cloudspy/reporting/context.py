"""Build the :class:`~cloudspy.models.reporting.ReportContext` a template renders.

Every number comes from the :class:`~cloudspy.reporting.sections.ReportData` the
caller supplies (the API's ``costs``, ``history`` and insight functions):
aggregates only, never cost rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from cloudspy import __version__
from cloudspy.clock import utc_now
from cloudspy.config import Settings
from cloudspy.errors import NoDataError
from cloudspy.models.costs import WindowModel
from cloudspy.models.report_settings import ReportSection
from cloudspy.models.reporting import FreshnessRow, ReportContext
from cloudspy.periods import resolve_window
from cloudspy.reporting.sections import (
    ReportData,
    ReportInputs,
    build_section,
    default_sections,
)

DEFAULT_TITLE = "Cloud costs"


@dataclass
class ReportRequest:
    """What to report on: period (or since/until), filters, metric, sections, title."""

    period: str | None = None
    since: str | None = None
    until: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    metric: str | None = None
    sections: Sequence[ReportSection] = ()
    title: str | None = None
    name: str | None = None


def _freshness(inputs: ReportInputs, sources: list) -> list[FreshnessRow]:
    latest: dict[tuple[str, str], tuple[datetime | None, str]] = {}
    for run in inputs.data.history(limit=500, db=inputs.db, settings=inputs.settings):
        latest.setdefault((run.source, run.scope), (run.finished_at or run.started_at, run.status))
    rows = []
    for source in sources:
        when, status = latest.get((source.source, source.scope), (None, None))
        rows.append(
            FreshnessRow(
                provider=source.provider,
                source=source.source,
                scope=source.scope,
                days=source.days,
                estimated_days=source.estimated_days,
                fetched_at=datetime.fromisoformat(source.fetched_at) if source.fetched_at else None,
                last_sync_at=when,
                last_sync_status=status,
            )
        )
    return rows


def build_context(
    db: Path, settings: Settings, request: ReportRequest, *, today: date, data: ReportData
) -> ReportContext:
    """Gather the cover, every section in order, and the freshness footer."""
    window = resolve_window(
        None if (request.since or request.until) else request.period or "last-month",
        request.since,
        request.until,
        today=today,
    )
    inputs = ReportInputs(
        data=data,
        db=db,
        settings=settings,
        window=window,
        today=today,
        metric=request.metric or settings.default_metric,
        filters={k: list(v) for k, v in request.filters.items() if v},
    )
    warnings: list[str] = []
    totals, previous_complete, sources = [], True, []
    metric_name = {"billed": "BilledCost", "effective": "EffectiveCost", "list": "ListCost"}
    try:
        overview = inputs.costs(["provider"])
        totals, previous_complete, sources = (
            overview.totals,
            overview.previous_complete,
            overview.sources,
        )
        warnings += overview.warnings
    except NoDataError as exc:
        warnings.append(f"no data: {exc.message}")
    specs = list(request.sections) or default_sections(settings)
    previous = window.previous()
    return ReportContext(
        title=request.title or DEFAULT_TITLE,
        name=request.name,
        period=request.period or ("custom" if request.since else "last-month"),
        window=WindowModel(start=window.start, end=window.end),
        previous_window=WindowModel(start=previous.start, end=previous.end),
        metric=metric_name.get(inputs.metric, inputs.metric),
        filters=inputs.filters,
        totals=totals,
        previous_complete=previous_complete,
        sections=[build_section(inputs, spec, i + 1) for i, spec in enumerate(specs)],
        freshness=_freshness(inputs, sources),
        warnings=warnings,
        generated_at=utc_now().replace(microsecond=0, tzinfo=UTC),
        today=today,
        version=__version__,
    )
