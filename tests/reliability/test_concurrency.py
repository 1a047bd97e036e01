"""A cron ``sync``/``import`` and interactive ``costs``/``waste``/``report`` on one store.

DuckDB lets one process write a file or several read it, never both at once;
CloudSpy waits for the lock, up to ``[cache] lock_timeout_seconds`` (15 s by
default), and then names the holder. These tests start readers at seeded
offsets into a writer's run (54 reader/writer interleavings), two syncs at
once, and processes that meet a writer busier than the wait.
"""

from __future__ import annotations

import json
import random
import shutil
import signal
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reliability.fake_aws import PAYER, FakeAwsServer, day_totals
from tests.reliability.harness import (
    FEB_DAYS,
    SCOPE,
    SYNC_ARGS,
    Cli,
    Figures,
    Run,
    finish_all,
    hold_write_lock,
    publish,
    scope_state,
    sums_of_file,
    utc_now,
    write_config,
)

SEED = 20260709
READERS_PER_BATCH = 6
SYNC_BATCHES = 5
IMPORT_BATCHES = 4
REFRESH = [*SYNC_ARGS, "--refresh"]
DAY = "CAST(ChargePeriodStart AS DATE)"
FEB_ARGS = ["--since", "2026-02-01", "--until", "2026-03-01"]
KINDS = ["costs", "waste", "report"]
WEIGHTS = [3, 2, 1]  # report renders HTML: the slowest reader, drawn least often


def reader_args(kind: str, out: Path) -> list[str]:
    """The interactive command of ``kind``, as a user at a laptop would type it."""
    if kind == "costs":
        return ["costs", *FEB_ARGS, "--by", "billing-account", "--format", "json"]
    if kind == "waste":
        return ["waste", "--format", "json"]
    return ["report", "--out", str(out), *FEB_ARGS]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with demo costs and inventory (what ``waste`` and ``report`` read)."""
    from cloudspy.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    load_demo(path)
    return path


@pytest.fixture
def store(cloudspy: Cli, demo_store: Path) -> Cli:
    """The demo store plus February of the fake AWS account (generation 0)."""
    shutil.copyfile(demo_store, cloudspy.db)
    first = cloudspy.run(*REFRESH)
    assert first.code == 0, first.stderr
    cloudspy.baseline_s = first.seconds
    return cloudspy


def _month_totals() -> dict[int, Decimal]:
    return {gen: sum(day_totals(gen, FEB_DAYS).values(), Decimal(0)) for gen in (0, 1)}


def _check_reader(run: Run, month: dict[int, Decimal]) -> None:
    """A reader succeeded and, for ``costs``, saw one whole generation of February."""
    assert run.code == 0, f"{run.args[0]} failed while a writer worked: {run.stderr}"
    assert "Traceback" not in run.stderr
    if run.args[0] == "costs":
        report = json.loads(run.stdout)
        [row] = [r for r in report["rows"] if PAYER in r["group"].values()]
        assert Decimal(row["cost"]) in month.values(), f"a torn read: {row['cost']}"


_SOLO: dict[str, float] = {}


def _solo_times(cli: Cli, out: Path) -> dict[str, float]:
    """Each reader's time alone on the store (measured once per module)."""
    for kind in KINDS:
        if kind not in _SOLO:
            run = cli.run(*reader_args(kind, out / f"solo-{kind}.html"))
            assert run.code == 0, run.stderr
            _SOLO[kind] = run.seconds
    return _SOLO


def _interleave(
    cli: Cli,
    writer_args: list[str],
    span: float,
    rng: random.Random,
    out: Path,
) -> tuple[Run, list[Run]]:
    """Start the writer, then readers at seeded offsets into its run; wait for all."""
    writer = cli.start(*writer_args)
    readers = []
    for offset in sorted(rng.uniform(0, span) for _ in range(READERS_PER_BATCH)):
        time.sleep(max(0.0, writer.started + offset - time.monotonic()))
        kind = rng.choices(KINDS, WEIGHTS)[0]
        readers.append(cli.start(*reader_args(kind, out / f"report-{len(readers)}.html")))
    writer_run, *reader_runs = finish_all([writer, *readers])
    return writer_run, reader_runs


def _record(figures: Figures, writer: Run, readers: list[Run], solo: dict[str, float]) -> None:
    for run in readers:
        figures.trials += 1
        overlapped = run.started < writer.ended and run.ended > writer.started
        figures.outcomes[
            f"{run.args[0]} ok{' (overlapping the writer)' if overlapped else ''}"
        ] += 1
        waits = figures.notes.setdefault("reader_waits_s", [])
        waits.append(max(0.0, run.seconds - solo[run.args[0]]))
    figures.notes["max_reader_s"] = round(
        max([figures.notes.get("max_reader_s", 0.0), *(r.seconds for r in readers)]), 2
    )


def _summarize(figures: Figures, solo: dict[str, float]) -> None:
    waits = figures.notes.pop("reader_waits_s")
    figures.notes["solo_reader_s"] = {k: round(v, 2) for k, v in solo.items()}
    figures.notes["max_reader_wait_s"] = round(max(waits), 2)
    figures.notes["lock_timeout_s"] = 15
    figures.save()


def _run_batches(
    store: Cli,
    figures: Figures,
    writer_args: list[str],
    span: float,
    serve: Callable[[int], None],
    held: Callable[[], int],
    batches: int,
    out: Path,
) -> None:
    """``batches`` writer runs, alternating generations, each with its readers; check all."""
    rng = random.Random(figures.seed)
    month = _month_totals()
    solo = _solo_times(store, out)
    for batch in range(batches):
        gen = (batch + 1) % 2
        serve(gen)
        writer, readers = _interleave(store, writer_args, span, rng, out)
        assert writer.code == 0, writer.stderr
        for run in readers:
            _check_reader(run, month)
        assert held() == gen
        _record(figures, writer, readers, solo)
    _summarize(figures, solo)


def test_readers_during_cron_syncs_wait_and_see_whole_windows(
    store: Cli, fake_aws: FakeAwsServer, tmp_path: Path
) -> None:
    expected = {gen: day_totals(gen, FEB_DAYS) for gen in (0, 1)}
    figures = Figures("concurrency_sync", SEED, notes={"writer_s": round(store.baseline_s, 2)})
    _run_batches(
        store,
        figures,
        REFRESH,
        store.baseline_s,
        fake_aws.fake.reset,
        lambda: scope_state(store.db, SCOPE, expected, key_sql=DAY, read_only=True),
        SYNC_BATCHES,
        tmp_path,
    )


def test_readers_during_imports_wait_for_the_whole_import(
    store: Cli, exports: list[Path], tmp_path: Path
) -> None:
    target = tmp_path / "focus-export.parquet"
    scope = f"file:{target.resolve()}"
    expected = {gen: sums_of_file(path) for gen, path in enumerate(exports)}
    publish(exports[0], target)
    timing = store.run("import", str(target))
    assert timing.code == 0, timing.stderr
    figures = Figures("concurrency_import", SEED + 1, notes={"writer_s": round(timing.seconds, 2)})
    _run_batches(
        store,
        figures,
        ["import", str(target)],
        timing.seconds,
        lambda gen: publish(exports[gen], target),
        lambda: scope_state(
            store.db, scope, expected, key_sql=f"{DAY}, BillingCurrency", read_only=True
        ),
        IMPORT_BATCHES,
        tmp_path,
    )


def test_two_syncs_at_once_the_second_waits(store: Cli, fake_aws: FakeAwsServer) -> None:
    rng = random.Random(SEED + 2)
    expected = {gen: day_totals(gen, FEB_DAYS) for gen in (0, 1)}
    for round_ in range(3):
        gen = (round_ + 1) % 2
        fake_aws.fake.reset(gen)
        since = utc_now()
        first = store.start(*REFRESH)
        time.sleep(rng.uniform(0, store.baseline_s * 0.8))
        second = store.start(*REFRESH)
        for run in finish_all([first, second]):
            assert run.code == 0, run.stderr
        assert scope_state(store.db, SCOPE, expected, key_sql=DAY, read_only=True) == gen
        runs = [r for r in store.history() if r["started_at"] >= since.isoformat()]
        assert [r["status"] for r in runs] == ["ok", "ok"]


def test_past_the_bounded_wait_every_command_exits_3_naming_the_holder(
    store: Cli, exports: list[Path], tmp_path: Path
) -> None:
    """A writer holding the store longer than the wait: one clear line, exit 3, in bounded time.

    #7 found two commands waiting twice: `sync` (recording its failure waited
    for the same lock again) and `costs` (a refresh that met the lock was a
    warning, then the cached answer waited again, also in check, compare,
    forecast and alert).
    """
    timeout = 3.0
    short = write_config(tmp_path / "short.toml", lock_timeout=timeout)
    holder = hold_write_lock(store.db, store.env, 60)
    try:
        commands = [reader_args(kind, tmp_path / "locked.html") for kind in KINDS]
        commands += [["history"], ["import", str(exports[0])]]
        started = [store.start(*args, config=short) for args in commands]
        runs = finish_all(started)
        # The sync runs alone so that its time measures its wait, not a busy machine.
        runs.append(store.run(*REFRESH, config=short))
    finally:
        holder.send_signal(signal.SIGTERM)
        holder.wait()
    for run in runs:
        assert run.code == 3, f"{run.args[0]}: {run.code} {run.stderr}"
        # One line (no "could not refresh" warning before it), naming the holder.
        [line] = run.stderr.strip().splitlines()
        assert f"is locked by process {holder.pid} (" in line, f"{run.args[0]}: {line}"
        assert f"waited {timeout:g}s" in line
        assert run.seconds >= timeout, f"{run.args[0]} gave up before the wait"
        # One bounded wait, not one per attempt (startup is well under the wait).
        assert run.seconds < 2 * timeout, f"{run.args[0]} waited {run.seconds:.1f}s"
    again = store.run(*REFRESH)
    assert again.code == 0, again.stderr
