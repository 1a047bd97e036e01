"""The CloudSpy Python API: what the CLI calls, and what other programs import.

Every function returns typed results (pydantic models) or raises a
:class:`~cloudspy.errors.CloudSpyError`; none prints or exits. ``db`` defaults
to ``$CLOUDSPY_DB`` or the user data directory; ``settings`` to the user's
``config.toml``.

>>> import cloudspy
>>> report = cloudspy.costs(last="30d", by=["service"])   # doctest: +SKIP
>>> for total in report.totals: print(total.currency, total.cost)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from cloudspy.config import Settings, load_settings, user_db_path
from cloudspy.cost_report import CostQuery, build_cost_report
from cloudspy.dimensions import parse_dimension
from cloudspy.errors import NoDataError, UsageError
from cloudspy.models.costs import CostReport
from cloudspy.models.sync import ImportResult, SyncResult, SyncRun
from cloudspy.periods import Window, resolve_window, utc_today
from cloudspy.providers.base import CostSource, Progress
from cloudspy.providers.registry import PROVIDERS, focus_names, provider_info
from cloudspy.store.cost_queries import CostFilter

__all__ = [
    "configured_sources",
    "costs",
    "history",
    "import_files",
    "needs_sync",
    "sync",
]


def _quiet(_: str) -> None:
    return None


def _db(db: Path | str | None) -> Path:
    return Path(db).expanduser() if db else user_db_path()


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


def cost_filter(
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    service: Sequence[str] = (),
    account: Sequence[str] = (),
) -> CostFilter:
    """Validated row filters (an unknown provider is a usage error)."""
    return CostFilter(
        providers=focus_names(list(provider)),
        regions=list(region),
        services=list(service),
        accounts=list(account),
    )


def configured_sources(
    settings: Settings | None = None, providers: Sequence[str] = ()
) -> list[CostSource]:
    """The cost sources in the config, optionally only those of ``providers``."""
    settings = _settings(settings)
    wanted = {provider_info(p).name for p in providers}
    sources: list[CostSource] = []
    for info in PROVIDERS.values():
        if info.entry_point is None or (wanted and info.name not in wanted):
            continue
        if info.name not in settings.configured_providers():
            continue
        sources.extend(info.load().cost_sources(settings))
    return sources


def sync(
    *,
    last: str | None = None,
    since: str | None = None,
    until: str | None = None,
    providers: Sequence[str] = (),
    sources: Sequence[CostSource] | None = None,
    refresh: bool = False,
    db: Path | str | None = None,
    settings: Settings | None = None,
    progress: Progress = _quiet,
    today: date | None = None,
) -> list[SyncResult]:
    """Sync costs from every configured source (or the given ones).

    Each source succeeds or fails on its own; failures come back as results
    with ``status="failed"`` and the error, after the others were stored.
    """
    from cloudspy.errors import CloudSpyError
    from cloudspy.sync import sync_source

    settings = _settings(settings)
    window = resolve_window(last, since, until, default="90d", today=today)
    chosen = list(sources) if sources is not None else configured_sources(settings, providers)
    if not chosen:
        raise UsageError(
            "no cloud account is configured",
            hint="add [[aws.accounts]] to config.toml (see examples/config.toml), "
            "or use `cloudspy aws sync --profile NAME`",
        )
    results = []
    for source in chosen:
        try:
            results.append(
                sync_source(
                    _db(db),
                    source,
                    window,
                    refresh=refresh,
                    today=today,
                    progress=progress,
                    lock_timeout=settings.cache.lock_timeout_seconds,
                )
            )
        except CloudSpyError as exc:
            if len(chosen) == 1:
                raise
            progress(f"{source.label}: failed: {exc.one_line()}")
            results.append(
                SyncResult(
                    run_id="",
                    provider=source.provider,
                    source=source.source,
                    scope=source.label,
                    status="failed",
                    error=exc.one_line(),
                )
            )
    return results


def needs_sync(
    window: Window,
    sources: Sequence[CostSource],
    *,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> bool:
    """Whether any source lacks days of ``window`` or holds estimates older than the TTL."""
    from datetime import UTC, datetime, timedelta

    from cloudspy.store.connection import connect

    settings = _settings(settings)
    path = _db(db)
    if not path.exists():
        return True
    max_age = timedelta(hours=settings.cache.max_age_hours)
    now = datetime.now(UTC).replace(tzinfo=None)
    with connect(path, read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        for source in sources:
            row = conn.execute(
                "SELECT count(DISTINCT day), min(fetched_at) FILTER (WHERE estimated)"
                " FROM cost_coverage WHERE x_scope = ? AND day >= ? AND day < ?",
                [source.scope(), window.start, window.end],
            ).fetchall()[0]
            if row[0] < window.days or (row[1] is not None and now - row[1] > max_age):
                return True
    return False


def costs(
    *,
    last: str | None = None,
    since: str | None = None,
    until: str | None = None,
    by: Sequence[str] = ("service",),
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    service: Sequence[str] = (),
    account: Sequence[str] = (),
    metric: str | None = None,
    granularity: str | None = None,
    top: int | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> CostReport:
    """Costs over a window, grouped by ``by``, from the cache (no API calls).

    Call :func:`sync` first to refresh; the CLI does so when the cache is stale.
    """
    settings = _settings(settings)
    if granularity not in (None, "day", "week", "month"):
        raise UsageError(f"unknown --granularity {granularity!r}", hint="use day, week or month")
    if top is not None and top < 1:
        raise UsageError("--top must be at least 1")
    dims = [parse_dimension(b) for b in by]
    if len({d.name for d in dims}) != len(dims):
        raise UsageError("the same --by is given twice")
    query = CostQuery(
        window=resolve_window(last, since, until, default=settings.default_period, today=today),
        dims=dims,
        filters=cost_filter(provider, region, service, account),
        metric=metric or settings.default_metric,
        granularity=granularity,
        top=top,
    )
    return build_cost_report(_db(db), query, lock_timeout=settings.cache.lock_timeout_seconds)


def import_files(
    paths: Sequence[Path | str],
    *,
    format: str = "auto",
    db: Path | str | None = None,
    settings: Settings | None = None,
) -> list[ImportResult]:
    """Import billing export files; re-importing a file replaces its earlier rows."""
    from cloudspy.importer import import_files as _import

    settings = _settings(settings)
    return _import(
        _db(db),
        [Path(p) for p in paths],
        format,
        lock_timeout=settings.cache.lock_timeout_seconds,
    )


def history(
    *, limit: int = 50, db: Path | str | None = None, settings: Settings | None = None
) -> list[SyncRun]:
    """Sync runs and imports, newest first, with their API calls and price."""
    from cloudspy.store.connection import connect
    from cloudspy.store.sync_log import list_runs

    settings = _settings(settings)
    if limit < 1:
        raise UsageError("--limit must be at least 1")
    try:
        with connect(_db(db), read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
            return [SyncRun(**run) for run in list_runs(conn, limit)]
    except NoDataError:
        return []


def today_utc() -> date:
    """Today's UTC date (what ``--last`` windows end at)."""
    return utc_today()
