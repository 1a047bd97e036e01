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

import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cloudspy.clock import utc_now
from cloudspy.cost_query.dimensions import parse_dimension
from cloudspy.errors import NoDataError, UsageError
from cloudspy.periods import Window, resolve_window, utc_today
from cloudspy.providers.registry import PROVIDERS, focus_names, provider_info
from cloudspy.store.cost_queries import CostFilter

if TYPE_CHECKING:
    # Only for annotations: the models and settings load pydantic, which a
    # command pays for when it runs, never at import (`cloudspy --help`).
    from cloudspy.config import Settings
    from cloudspy.errors import CloudSpyError
    from cloudspy.models.costs import CostReport
    from cloudspy.models.insights import AlertRun, CheckResult, CompareResult, ForecastResult
    from cloudspy.models.inventory import InventorySyncResult, ResourceList
    from cloudspy.models.price_listing import PriceListing
    from cloudspy.models.reporting import ExportResult, ReportResult
    from cloudspy.models.sync import ImportResult, InitResult, SyncResult, SyncRun
    from cloudspy.models.waste import PermissionsDocument, ScheduleReport, WasteReport
    from cloudspy.providers.base import CostSource, Progress
    from cloudspy.reporting.sections import ReportData

__all__ = [
    "alert",
    "cache_is_fresh",
    "check",
    "compare",
    "configured_sources",
    "costs",
    "export",
    "forecast",
    "has_inventory",
    "history",
    "import_files",
    "init_config",
    "metrics_text",
    "needs_sync",
    "permissions",
    "prices",
    "remember_scopes",
    "report",
    "resources",
    "schedule",
    "secret_delete",
    "secret_set",
    "serve",
    "sync",
    "sync_resources",
    "waste",
]


def _quiet(_: str) -> None:
    return None


def _db(db: Path | str | None) -> Path:
    from cloudspy.paths import user_db_path

    return Path(db).expanduser() if db else user_db_path()


def _settings(settings: Settings | None) -> Settings:
    from cloudspy.config import load_settings

    return settings if settings is not None else load_settings()


class QuerySettings(NamedTuple):
    """The few settings a query of the cache reads.

    :func:`costs` takes one in place of ``settings``: the CLI builds it from a config
    file the cache has already seen validated (same digest), without the models.
    """

    default_period: str
    default_metric: str
    teams: Mapping[str, Any]
    lock_timeout_seconds: float


def _query_settings(settings: Settings | QuerySettings | None) -> QuerySettings:
    """What :func:`costs` reads from ``settings`` (the user's config file when None).

    With no settings given and no config file, these are the built-in defaults,
    known without importing the pydantic config models of :mod:`cloudspy.config`
    (~25 ms of a cached ``cloudspy costs``). Otherwise the file is loaded and
    validated exactly as :func:`_settings` does.
    """
    from cloudspy import paths

    if isinstance(settings, QuerySettings):
        return settings
    if settings is None and not paths.user_config_path().exists():
        return QuerySettings(
            paths.DEFAULT_PERIOD, paths.DEFAULT_METRIC, {}, paths.DEFAULT_LOCK_TIMEOUT_SECONDS
        )
    settings = _settings(settings)
    return QuerySettings(
        settings.default_period,
        settings.default_metric,
        settings.teams,
        settings.cache.lock_timeout_seconds,
    )


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
    settings: Settings | None = None,
    providers: Sequence[str] = (),
    *,
    warn: Progress | None = None,
) -> list[CostSource]:
    """The cost sources in the config, optionally only those of ``providers``.

    With no account in the config, the sources are those of the credentials each
    SDK finds on its own (``settings.detected``, #12). A provider named in
    ``providers`` that has neither config nor credentials is a
    :class:`~cloudspy.errors.CredentialsError` saying how to set them up. In the
    detected mode a provider whose lookup fails (no billing export visible, a
    refused credential) is skipped with a line to ``warn``; the others go on.
    """
    from cloudspy.errors import CloudSpyError, CredentialsError
    from cloudspy.providers.base import COSTS
    from cloudspy.providers.registry import configured_with

    settings = _settings(settings)
    wanted = {provider_info(p).name for p in providers}
    configured = settings.configured_providers()
    for name in sorted(wanted - set(configured)):
        info = PROVIDERS[name]
        if info.entry_point is not None:
            raise CredentialsError(
                f"no {info.title} account is configured and no {info.title} credentials were found",
                hint=info.setup_hint(),
            )
    sources: list[CostSource] = []
    for info, provider in configured_with(COSTS, settings, wanted):
        try:
            sources.extend(provider.cost_sources(settings))
        except CloudSpyError as exc:
            if not settings.detected or info.name in wanted:
                raise
            (warn or _quiet)(f"{info.title}: skipped: {exc.one_line()}")
    return sources


def no_accounts_error(db: Path | None = None) -> CloudSpyError:
    """The one-line error for "nothing to sync": no account in the config, no credentials
    (and, with ``db``, no cache to answer from either)."""
    from cloudspy.errors import CredentialsError

    cache = f"no cache at {db} yet, " if db is not None else ""
    return CredentialsError(
        f"{cache}no cloud account is configured and no AWS, GCP or Azure credentials were found",
        hint="set AWS_PROFILE or AWS keys, run `az login` or `gcloud auth application-default "
        "login`, or name accounts in config.toml (`cloudspy init`); `cloudspy demo` shows a "
        "sample",
    )


def init_config(
    *,
    path: Path | str | None = None,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress = _quiet,
) -> InitResult:
    """Write a commented ``config.toml`` from what the ambient credentials can see.

    ``path`` defaults to the user's config file. An existing file is replaced only
    with ``force``; ``dry_run`` returns the text without writing anything.
    """
    from cloudspy.config_init import check_config_text, config_text, write_config
    from cloudspy.models.sync import InitResult
    from cloudspy.paths import user_config_path

    target = Path(path).expanduser() if path else user_config_path()
    if target.exists() and not (force or dry_run):
        write_config(target, "", force=False)  # raises the one-line refusal
    text, found = config_text(progress)
    check_config_text(text)
    if not dry_run:
        write_config(target, text, force=force)
    return InitResult(path=str(target), text=text, written=not dry_run, providers=found)


@contextmanager
def one_store_open(db: Path | str | None = None) -> Iterator[None]:
    """Within the block, reads of the cache share one open of the file.

    For a command that reads the cache more than once with no fetch between
    (a warm ``costs``: is it fresh? then the answer). Call :func:`release_store`
    before anything that may call a cloud API.
    """
    from cloudspy.store.connection import keep_reads_open

    with keep_reads_open(_db(db)):
        yield


def release_store(db: Path | str | None = None) -> None:
    """End :func:`one_store_open` early: the next read opens the file for itself."""
    from cloudspy.store.connection import stop_keeping

    stop_keeping(_db(db))


def cache_is_fresh(
    key: str | None,
    window: Window,
    *,
    db: Path | str | None = None,
    lock_timeout: float | None = None,
) -> bool:
    """Whether the cache holds every day of ``window`` for the scopes ``key`` maps to,
    with no estimate older than the configured age: decided from the store alone.

    ``key`` is :func:`~cloudspy.providers.registry.identity_key`; an identity the
    cache has not seen yet is never fresh. No SDK is imported and no API called.
    """
    from cloudspy import paths
    from cloudspy.store.connection import connect
    from cloudspy.store.source_scopes import remembered_scopes, stale_scopes

    path = _db(db)
    if key is None or not path.exists():
        return False
    timeout = paths.DEFAULT_LOCK_TIMEOUT_SECONDS if lock_timeout is None else lock_timeout
    with connect(path, read_only=True, timeout=timeout) as conn:
        remembered = remembered_scopes(conn, key)
        if remembered is None:
            return False
        scopes, max_age_hours = remembered
        from datetime import timedelta

        return not stale_scopes(
            conn, scopes, window, max_age=timedelta(hours=max_age_hours), now=utc_now()
        )


def remember_scopes(
    key: str | None,
    sources: Sequence[CostSource],
    *,
    db: Path | str | None = None,
    settings: Settings | None = None,
) -> None:
    """Record which scopes ``key`` maps to, after the sources resolved them (see
    :func:`cache_is_fresh`)."""
    from cloudspy.store.connection import connect
    from cloudspy.store.source_scopes import remember_scopes as record

    if key is None or not sources:
        return
    settings = _settings(settings)
    scopes = [source.scope() for source in sources]
    with connect(_db(db), read_only=False, timeout=settings.cache.lock_timeout_seconds) as conn:
        record(
            conn,
            key,
            scopes,
            max_age_hours=settings.cache.max_age_hours,
            description=", ".join(source.label for source in sources)[:500],
            now=utc_now(),
        )


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
    detail: bool = True,
    today: date | None = None,
) -> list[SyncResult]:
    """Sync costs from every configured source (or the given ones), in parallel.

    Each source succeeds or fails on its own; failures come back as results
    with ``status="failed"`` and the error (also in ``sync_run``), after the
    others were stored. A single source's failure is raised instead.
    ``progress`` gets every step when ``detail``, else one line per source.
    """
    from cloudspy.sync import sync_sources

    settings = _settings(settings)
    window = resolve_window(last, since, until, default="90d", today=today)
    chosen = (
        list(sources)
        if sources is not None
        else configured_sources(settings, providers, warn=progress)
    )
    if not chosen:
        raise no_accounts_error()
    return sync_sources(
        _db(db),
        chosen,
        window,
        refresh=refresh,
        today=today,
        progress=progress,
        detail=detail,
        lock_timeout=settings.cache.lock_timeout_seconds,
    )


def needs_sync(
    window: Window,
    sources: Sequence[CostSource],
    *,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> bool:
    """Whether any source lacks days of ``window`` or holds estimates older than the TTL."""
    from datetime import timedelta

    from cloudspy.store.connection import connect
    from cloudspy.store.source_scopes import stale_scopes

    settings = _settings(settings)
    path = _db(db)
    if not path.exists():
        return True
    max_age = timedelta(hours=settings.cache.max_age_hours)
    # scope() may ask the provider (STS): never while holding the store, or a
    # slow answer would keep a cron sync from writing.
    scopes = [source.scope() for source in sources]
    with connect(path, read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        return bool(stale_scopes(conn, scopes, window, max_age=max_age, now=utc_now()))


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
    settings: Settings | QuerySettings | None = None,
    today: date | None = None,
) -> CostReport:
    """Costs over a window, grouped by ``by``, from the cache (no API calls).

    Call :func:`sync` first to refresh; the CLI does so when the cache is stale.
    """
    query_settings = _query_settings(settings)
    if granularity not in (None, "day", "week", "month"):
        raise UsageError(f"unknown --granularity {granularity!r}", hint="use day, week or month")
    if top is not None and top < 1:
        raise UsageError("--top must be at least 1")
    from cloudspy.cost_query.query import CostQuery, run_cost_query

    dims = _insight_dims(by, query_settings.teams)
    query = CostQuery(
        window=resolve_window(
            last, since, until, default=query_settings.default_period, today=today
        ),
        dims=dims,
        filters=cost_filter(provider, region, service, account),
        metric=metric or query_settings.default_metric,
        granularity=granularity,
        top=top,
    )
    report = run_cost_query(_db(db), query, lock_timeout=query_settings.lock_timeout_seconds)
    if "team" in report.group_by:
        from cloudspy.cost_query.teams import unallocated_notes

        report.warnings += unallocated_notes(
            [(r.group["team"], r.currency, r.cost) for r in report.rows]
        )
    return report


def import_files(
    paths: Sequence[Path | str],
    *,
    format: str = "auto",
    db: Path | str | None = None,
    settings: Settings | None = None,
) -> list[ImportResult]:
    """Import billing export files; re-importing a file replaces its earlier rows."""
    from cloudspy.providers.files.importer import import_files as _import

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
            from cloudspy.models.sync import SyncRun

            return [SyncRun(**run) for run in list_runs(conn, limit)]
    except NoDataError:
        return []


def _insight_dims(by: Sequence[str], teams: Mapping[str, Any]) -> list:
    """The ``--by`` dimensions (``team`` from ``teams``); the same one twice is an error."""
    dims = [parse_dimension(b, teams) for b in by]
    if len({d.name for d in dims}) != len(dims):
        raise UsageError("the same --by is given twice")
    return dims


def compare(
    *,
    period: str = "month",
    partial: bool = False,
    since: str | None = None,
    until: str | None = None,
    against_since: str | None = None,
    against_until: str | None = None,
    by: Sequence[str] = ("service",),
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    service: Sequence[str] = (),
    account: Sequence[str] = (),
    metric: str | None = None,
    top: int = 5,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> CompareResult:
    """This period against the previous one (complete periods unless ``partial``).

    ``since``/``until`` (and optionally ``against_since``/``against_until``) compare
    two explicit windows instead.
    """
    from cloudspy.insights.compare import compare_store
    from cloudspy.insights.period_pairs import explicit_pair, period_pair
    from cloudspy.store.connection import connect

    settings = _settings(settings)
    today = today or utc_today()
    if top < 1:
        raise UsageError("--top must be at least 1")
    if since or until:
        if partial:
            raise UsageError("--partial applies to --period, not to --since/--until")
        pair = explicit_pair(since or "", until or "", against_since, against_until, today)
    elif against_since or against_until:
        raise UsageError("--against-since/--against-until need --since/--until")
    else:
        pair = period_pair(period, today, partial=partial)
    dims = _insight_dims(by, settings.teams)
    metric = _metric(metric, settings)
    with connect(_db(db), read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        return compare_store(
            conn, pair, dims, cost_filter(provider, region, service, account), metric, top=top
        )


def _metric(metric: str | None, settings: Settings) -> str:
    from cloudspy.store.cost_queries import METRIC_COLUMNS

    chosen = metric or settings.default_metric
    if chosen not in METRIC_COLUMNS:
        raise UsageError(f"unknown --metric {chosen!r}", hint="use billed, effective or list")
    return chosen


def forecast(
    *,
    horizon: str = "30d",
    by: Sequence[str] = ("provider",),
    history: str = "90d",
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    service: Sequence[str] = (),
    account: Sequence[str] = (),
    metric: str | None = None,
    provider_forecasts: bool = False,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> ForecastResult:
    """Forecast each group of ``by`` and each currency's total, with 80 % intervals.

    ``horizon`` is ``Nd`` (from today) or ``month-end``; ``history`` (``Nd``/``Nw``)
    is how far back the method looks. Every series also carries the month-end
    projection (month to date + forecast rest) and the method's back-test error.
    ``provider_forecasts`` also asks configured providers for their own forecast
    (AWS GetCostForecast, $0.01 a request): a failure there is a warning.
    Raises :class:`~cloudspy.errors.NoDataError` when the history is too short.
    """
    from cloudspy.insights.forecast_options import parse_history, parse_horizon
    from cloudspy.insights.projection import ForecastRequest, forecast_store
    from cloudspy.insights.provider_forecasts import attach, fetch_provider_forecasts, record_calls
    from cloudspy.store.connection import connect

    settings = _settings(settings)
    request = ForecastRequest(
        dims=_insight_dims(by, settings.teams),
        filters=cost_filter(provider, region, service, account),
        metric=_metric(metric, settings),
        history_days=parse_history(history),
        horizon_days=parse_horizon(horizon),
        today=today or utc_today(),
    )
    timeout = settings.cache.lock_timeout_seconds
    with connect(_db(db), read_only=True, timeout=timeout) as conn:
        result = forecast_store(conn, request)
    if not provider_forecasts:
        return result
    # The connection is closed before any cloud API is called.
    start = max(result.horizon.start, request.today)
    if start >= result.horizon.end:
        result.warnings.append("the horizon ends before today: no provider forecast asked")
        return result
    window = Window(start, result.horizon.end)
    found, warnings = fetch_provider_forecasts(settings, list(provider), window, request.metric)
    warnings += record_calls(_db(db), found, request.today, timeout)
    result = attach(result, found)
    result.warnings.extend(warnings)
    return result


def check(
    *,
    budget: str | None = None,
    max_increase: str | None = None,
    period: str | None = None,
    partial: bool = False,
    baseline: str | None = "previous-period",
    by: Sequence[str] = (),
    min_amount: str | None = None,
    provider: Sequence[str] = (),
    metric: str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> CheckResult:
    """Evaluate budgets and maximum increases (flags and ``[[check.limits]]``).

    ``baseline`` is ``previous-period`` or the path of a ``cloudspy costs --format
    json`` file. Raises :class:`~cloudspy.insights.check.StaleDataError` when the
    cache is older than ``[check] max_stale_days``; never exits.
    """
    from cloudspy.insights.baseline import load_baseline
    from cloudspy.insights.check import check_store
    from cloudspy.insights.limits import build_limits
    from cloudspy.insights.period_pairs import PERIODS
    from cloudspy.store.connection import connect

    settings = _settings(settings)
    period = period or settings.check.period
    if period not in PERIODS:
        raise UsageError(f"unknown --period {period!r}", hint="use week or month")
    limits = build_limits(
        budget=budget,
        max_increase=max_increase,
        by=list(by),
        min_amount=min_amount,
        configured=settings.check.limits,
        teams=settings.teams,
        period=period,
    )
    base = None
    if baseline and baseline != "previous-period":
        base = load_baseline(Path(baseline).expanduser())
    with connect(_db(db), read_only=True, timeout=settings.cache.lock_timeout_seconds) as conn:
        return check_store(
            conn,
            limits,
            period=period,
            today=today or utc_today(),
            filters=cost_filter(provider),
            metric=_metric(metric, settings),
            max_stale_days=settings.check.max_stale_days,
            baseline=base,
            partial=partial,
        )


def report(
    out: Path | str | None = None,
    *,
    name: str | None = None,
    period: str | None = None,
    since: str | None = None,
    until: str | None = None,
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    service: Sequence[str] = (),
    account: Sequence[str] = (),
    metric: str | None = None,
    title: str | None = None,
    template: Path | str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    config_dir: Path | str | None = None,
    today: date | None = None,
) -> ReportResult:
    """Write a PDF or HTML report (by ``out``'s suffix) over ``period`` (default last month).

    ``name`` runs ``[reports.NAME]`` of the config (its paths are relative to
    ``config_dir``, default the user config folder); arguments given here
    override it. The file is replaced only once the report rendered completely.
    """
    from cloudspy.config import user_config_path
    from cloudspy.reporting.context import ReportRequest
    from cloudspy.reporting.run import merge, named_request, write_report

    settings = _settings(settings)
    given = ReportRequest(
        period=period,
        since=since,
        until=until,
        filters={
            "provider": list(provider),
            "region": list(region),
            "service": list(service),
            "account": list(account),
        },
        metric=metric,
        title=title,
    )
    named_template = named_out = None
    if name:
        folder = Path(config_dir) if config_dir else user_config_path().parent
        base, named_template, named_out = named_request(settings, name, folder)
        given = merge(base, given)
    target = Path(out).expanduser() if out else named_out
    if target is None:
        raise UsageError("no output file", hint="pass --out FILE.pdf or FILE.html")
    chosen = Path(template).expanduser() if template else named_template
    return write_report(
        _db(db),
        settings,
        given,
        target,
        template=chosen,
        today=today or utc_today(),
        data=_report_data(),
    )


def _report_data() -> ReportData:
    """This module's answers, for the report sections (reporting never imports api)."""
    from cloudspy.reporting.sections import ReportData

    return ReportData(costs=costs, compare=compare, forecast=forecast, waste=waste, history=history)


def export(
    format: str,
    out: Path | str,
    *,
    last: str | None = None,
    since: str | None = None,
    until: str | None = None,
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    service: Sequence[str] = (),
    account: Sequence[str] = (),
    metric: str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> ExportResult:
    """Export cost rows (csv, json, parquet, focus) or metrics (prometheus) to ``out``.

    Rows stream from the store to the file inside DuckDB; the file is replaced
    atomically. ``prometheus`` covers yesterday and the month to date (its own
    windows) and ignores ``last``/``since``/``until``.
    """
    from cloudspy.exporting.run import (
        check_format,
        export_prometheus_file,
        export_rows_file,
    )
    from cloudspy.exporting.selection import RowSelection

    settings = _settings(settings)
    check_format(format)
    today = today or utc_today()
    chosen_metric = _metric(metric, settings)
    window = resolve_window(last, since, until, default=settings.default_period, today=today)
    selection = RowSelection(window, cost_filter(provider, region, service, account))
    timeout = settings.cache.lock_timeout_seconds
    if format == "prometheus":
        return export_prometheus_file(
            _db(db),
            Path(out).expanduser(),
            selection,
            **_prometheus_inputs(provider, chosen_metric, _db(db), settings, today, window),
        )
    return export_rows_file(
        _db(db),
        format,
        Path(out).expanduser(),
        selection,
        metric="BilledCost",
        lock_timeout=timeout,
    )


def _prometheus_inputs(
    provider: Sequence[str],
    metric: str,
    db: Path,
    settings: Settings,
    today: date,
    window: Window,
) -> dict[str, Any]:
    """What the Prometheus text is made from: the day, the metric, the waste findings."""
    from cloudspy.reporting.sections import ReportInputs, waste_rows
    from cloudspy.store.cost_queries import METRIC_COLUMNS

    inputs = ReportInputs(
        data=_report_data(),
        db=db,
        settings=settings,
        window=window,
        today=today,
        metric=metric,
        filters={"provider": list(provider)},
    )
    return {
        "today": today,
        "metric_column": METRIC_COLUMNS[metric],
        "waste": lambda: waste_rows(inputs),
        "lock_timeout": settings.cache.lock_timeout_seconds,
    }


def metrics_text(
    *,
    provider: Sequence[str] = (),
    metric: str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> str:
    """The Prometheus exposition text ``export --format prometheus`` writes (for ``serve``)."""
    from cloudspy.exporting.run import prometheus_text
    from cloudspy.exporting.selection import RowSelection

    settings = _settings(settings)
    today = today or utc_today()
    window = resolve_window(None, None, None, default=settings.default_period, today=today)
    text, _samples, _note = prometheus_text(
        _db(db),
        RowSelection(window, cost_filter(provider)),
        **_prometheus_inputs(provider, _metric(metric, settings), _db(db), settings, today, window),
    )
    return text


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8765,
    token: str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    demo: bool = False,
    announce: Progress = _quiet,
    open_browser: bool = False,
) -> None:
    """Serve the dashboard, ``/api/v1/*``, ``/metrics`` and ``/healthz`` until interrupted.

    Read-only over the cache at ``db``; the store is opened per request, so cron
    syncs and imports still get it. A bind other than loopback needs ``token``
    (``"auto"``: generate one); without one it is a usage error.
    """
    from cloudspy.web.security import is_loopback, new_token

    if not is_loopback(host) and not token:
        raise UsageError(
            f"serving on {host} needs a token: anyone who can reach the port could read your costs",
            hint="pass --token TOKEN (or CLOUDSPY_SERVE_TOKEN, or --token auto to generate one),"
            " or bind 127.0.0.1",
        )
    if token == "auto":  # noqa: S105 - the word that asks for a generated token
        token = new_token()
    try:
        import uvicorn

        from cloudspy.web.app import REQUEST_LOCK_WAIT, ServeConfig, create_app
        from cloudspy.web.security import Guard
    except ImportError as exc:
        raise UsageError(
            f"`cloudspy serve` needs the serve extra ({exc.name} is missing)",
            hint="pip install 'cloudspy[serve]'",
        ) from None
    settings = _settings(settings)
    # A request meets a writer (a cron sync): wait briefly, then answer 503, never hang.
    quick = settings.model_copy(
        update={
            "cache": settings.cache.model_copy(update={"lock_timeout_seconds": REQUEST_LOCK_WAIT})
        }
    )
    config = ServeConfig(
        _db(db), quick, Guard(host, port, token), answers=sys.modules[__name__], demo=demo
    )
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown if not is_loopback(host) else '127.0.0.1'}:{port}/"
    announce(f"serving {config.db} read-only on {url} (Ctrl-C stops)")
    if token:
        announce(f"one-time link (sets the token cookie): {url}login?token={token}")
    if open_browser:
        import webbrowser

        webbrowser.open(f"{url}login?token={token}" if token else url)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", access_log=False)


def alert(
    *,
    channel: Sequence[str] = (),
    dry_run: bool = False,
    by: Sequence[str] = (),
    provider: Sequence[str] = (),
    metric: str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    today: date | None = None,
) -> AlertRun:
    """Detect cost spikes and new groups; send each new alert once per channel.

    A failing channel does not stop the others: it comes back with ``ok=False``
    and its (redacted) error, and its alerts stay pending for the next run.
    """
    from cloudspy.insights.alert_run import run_alerts
    from cloudspy.notify.channels import CHANNELS
    from cloudspy.notify.secrets import plaintext_warning

    settings = _settings(settings)
    config = settings.alerts
    chosen = list(channel) or config.channel_names()
    for name in chosen:
        if name not in CHANNELS:
            raise UsageError(f"unknown --channel {name!r}", hint=f"use {', '.join(CHANNELS)}")
        if getattr(config, name) is None:
            raise UsageError(f"the {name} channel is not configured", hint=f"add [alerts.{name}]")
    if not chosen and not dry_run:
        raise UsageError(
            "no alert channel is configured",
            hint="add [alerts.slack], [alerts.email] or [alerts.webhook], or use --dry-run",
        )
    run = run_alerts(
        _db(db),
        spike_dims=_insight_dims(list(by) or config.by, settings.teams),
        new_dims=_insight_dims(config.new_groups, settings.teams),
        filters=cost_filter(provider),
        metric=_metric(metric, settings),
        today=today or utc_today(),
        config=config,
        channels=chosen,
        dry_run=dry_run,
        lock_timeout=settings.cache.lock_timeout_seconds,
    )
    if chosen and not dry_run:
        try:
            warning = plaintext_warning()
        except ImportError:
            warning = None
        if warning:
            run.warnings.append(warning)
    return run


def secret_set(name: str, value: str) -> str:
    """Store an alert secret in the OS keyring; returns the keyring backend's name."""
    from cloudspy.notify.secrets import set_secret

    return set_secret(name, value)


def secret_delete(name: str) -> bool:
    """Remove an alert secret from the OS keyring; False when it was not stored."""
    from cloudspy.notify.secrets import delete_secret

    return delete_secret(name)


def has_inventory(
    providers: Sequence[str] = (),
    *,
    db: Path | str | None = None,
    lock_timeout: float | None = None,
) -> bool:
    """Whether the cache holds any inventory snapshot (of ``providers``, when given)."""
    from cloudspy import paths
    from cloudspy.store.connection import connect
    from cloudspy.store.inventory_queries import inventory_cached

    timeout = paths.DEFAULT_LOCK_TIMEOUT_SECONDS if lock_timeout is None else lock_timeout
    path = _db(db)
    if not path.exists():
        return False
    names = sorted({provider_info(p).name for p in providers})
    with connect(path, read_only=True, timeout=timeout) as conn:
        return inventory_cached(conn, names)


def sync_resources(
    *,
    providers: Sequence[str] = (),
    sources: Sequence[object] | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    progress: Progress = _quiet,
) -> list[InventorySyncResult]:
    """Collect inventory and hourly utilization from every configured (or given) source.

    Regions that deny access are reported in the results and skipped; the rest is stored.
    """
    from cloudspy.inventory.service import configured_inventory_sources, sync_inventory_sources

    settings = _settings(settings)
    chosen = (
        list(sources) if sources is not None else configured_inventory_sources(settings, providers)
    )
    if not chosen:
        raise UsageError(
            "no cloud account with inventory is configured",
            hint="add [[aws.accounts]] to config.toml, or use `cloudspy aws sync --profile NAME`",
        )
    from cloudspy.waste_rules.registry import alternatives_of

    return sync_inventory_sources(
        _db(db),
        settings,
        chosen,  # type: ignore[arg-type]
        progress,
        alternatives=alternatives_of,
    )


def resources(
    *,
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    kind: Sequence[str] = (),
    state: Sequence[str] = (),
    tag: Sequence[str] = (),
    db: Path | str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> ResourceList:
    """The stored inventory, filtered, with the age of its snapshot (no API calls)."""
    from cloudspy.inventory.service import parse_tags, provider_names, read_resources
    from cloudspy.models.resource import KINDS
    from cloudspy.store.inventory_queries import ResourceFilter

    for k in kind:
        if k not in KINDS:
            raise UsageError(f"unknown --kind {k!r}", hint=f"use one of {', '.join(KINDS)}")
    filters = ResourceFilter(
        providers=provider_names(provider),
        regions=list(region),
        kinds=list(kind),
        states=list(state),
        tags=parse_tags(tag),
    )
    settings = _settings(settings)
    return read_resources(_db(db), settings, filters, now)


def prices(
    *,
    provider: Sequence[str] = (),
    refresh: bool = False,
    db: Path | str | None = None,
    settings: Settings | None = None,
    progress: Progress = _quiet,
) -> PriceListing:
    """The cached list prices (no API call), or with ``refresh`` fetched again from
    the providers' price lists, the stored inventory repriced with them."""
    from cloudspy.inventory.price_refresh import cached_price_listing, refresh_prices
    from cloudspy.inventory.service import provider_names

    settings = _settings(settings)
    names = provider_names(provider)
    if refresh:
        from cloudspy.inventory.service import configured_inventory_sources
        from cloudspy.waste_rules.registry import alternatives_of

        sources = configured_inventory_sources(settings, names)
        if not sources:
            raise no_accounts_error()
        return refresh_prices(
            _db(db), settings, sources, names, progress, alternatives=alternatives_of
        )
    return cached_price_listing(_db(db), settings, names)


def waste(
    *,
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    rule: Sequence[str] = (),
    min_monthly_savings: Decimal | str | None = None,
    db: Path | str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> WasteReport:
    """Waste findings from the stored inventory, priced, largest monthly saving first.

    ``now`` (naive UTC) fixes the clock that ages snapshots and windows utilization.
    """
    from decimal import InvalidOperation

    from cloudspy.waste_rules.service import build_waste_report

    minimum = None
    if min_monthly_savings is not None:
        try:
            minimum = Decimal(str(min_monthly_savings))
        except InvalidOperation:
            raise UsageError(
                f"--min-monthly-savings {min_monthly_savings!r} is not a number"
            ) from None
    return build_waste_report(
        _db(db),
        _settings(settings),
        providers=provider,
        regions=region,
        rules=rule,
        min_monthly_savings=minimum,
        now=now,
    )


def schedule(
    *,
    timezone: str = "UTC",
    provider: Sequence[str] = (),
    region: Sequence[str] = (),
    idle_cpu_percent: float = 5.0,
    db: Path | str | None = None,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> ScheduleReport:
    """Off-hours schedules for VMs that sit idle at recurring hours, priced per month."""
    from cloudspy.insights.schedule_report import build_schedule_report

    return build_schedule_report(
        _db(db),
        _settings(settings),
        timezone=timezone,
        providers=provider,
        regions=region,
        idle_cpu_percent=idle_cpu_percent,
        now=now,
    )


def permissions(provider: str) -> PermissionsDocument:
    """The least-privilege, read-only permissions CloudSpy's code declares for ``provider``."""
    from cloudspy.permissions import permissions_for

    return permissions_for(provider)
