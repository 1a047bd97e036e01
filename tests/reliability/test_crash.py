"""``cloudspy sync`` and ``cloudspy import`` killed with SIGKILL at seeded random points.

Each trial starts a run that would replace the stored generation of a window
with the next one and kills it after a delay drawn from the whole length of a
run: 0 to 1.1 times a full run, one kill in each twentieth of that range, at a
seeded random point within it (20 trials per command). Sync gets 8 more kills
after the fake's last answer, while the rows are written (0 to 0.8 times the
measured tail of a run). After each kill: the store opens read-only and
read-write; it holds exactly the old or the new generation of every day (never
a mix); coverage names exactly the days that have rows, written by the same
run; ``cloudspy history --format json`` shows the killed run as ``interrupted``
(or ``ok`` when it had finished); a re-run completes with the new totals.
Generations alternate, so each re-run is the next trial's old state.

- sync: February (28 days, 10,080 rows) from the fake Cost Explorer, 9 pages.
- import: a FOCUS export rewritten in place by its provider (80,000 rows,
  restated amounts), imported again by cron.

The two harnesses run side by side, each on its own store, as a cron sync and
a cron import on one machine would (and to keep the suite's time bounded).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.fake_aws import FakeAwsServer, day_totals, requests_per_sync
from tests.reliability.harness import (
    EXPORT_ROWS,
    FEB_DAYS,
    SCOPE,
    SYNC_ARGS,
    Cli,
    Figures,
    Started,
    make_cli,
    publish,
    runs_since,
    scope_state,
    sums_of_file,
    utc_now,
)

TRIALS = 20  # kills anywhere in a run, per command
STORE_TRIALS = 8  # more sync kills after the last answer: inside the write, or just around it
ANYWHERE = "anywhere"
AFTER_LAST_ANSWER = "after the last answer"
SYNC_SEED = 20260707
IMPORT_SEED = 20260708
DAY = "CAST(ChargePeriodStart AS DATE)"


@dataclass
class Subject:
    """One command under test and how to tell its generations apart."""

    name: str
    seed: int
    cli: Cli
    args: list[str]
    scope: str
    key_sql: str
    expected: dict[int, dict]
    serve: Callable[[int], None]  # make the source hold generation N
    served_at: Callable[[], list[float]] | None = None  # when the fake answered, since serve()
    total_answers: int = 0

    def state(self, read_only: bool) -> int:
        """The generation the store holds (fails on half a window)."""
        return scope_state(
            self.cli.db, self.scope, self.expected, key_sql=self.key_sql, read_only=read_only
        )


def _phase(subject: Subject, killed: bool, run: dict | None, held: int, old: int) -> str:
    """Where the kill landed, from what the run left behind and what the fake served."""
    if not killed:
        return "finished before the kill"
    if run is None:
        return "starting (no run recorded yet)"
    if run["status"] == "ok":
        return "after the run was closed (exiting)"
    if held != old:
        return "after commit, before the run was closed"
    if subject.served_at is None:
        return "run recorded, write not committed"
    served = len(subject.served_at())
    if served == 0:
        return "run recorded, before the first answer"
    if served < subject.total_answers:
        return "fetching"
    return "storing (all answers in, not committed)"


def crash_trials(subject: Subject) -> Figures:
    """TRIALS kills of ``subject`` with every invariant checked after each one."""
    rng = random.Random(subject.seed)
    subject.serve(0)
    first = subject.cli.run(*subject.args)
    assert first.code == 0, first.stderr
    assert subject.state(read_only=True) == 0
    # Kill points are seeded fractions of a run's length, measured as the trials go;
    # stratified (one in each 1/TRIALS of 0..1.1, at a random point within it,
    # in random order) so that every phase of a run is hit, whatever the seed.
    strata = [(i + rng.random()) * 1.1 / TRIALS for i in range(TRIALS)]
    rng.shuffle(strata)
    full = first.seconds
    tail = first.ended - subject.served_at()[-1] if subject.served_at else 0.0
    kinds = [ANYWHERE] * TRIALS + [AFTER_LAST_ANSWER] * (STORE_TRIALS if subject.served_at else 0)
    rng.shuffle(kinds)
    figures = Figures(f"crash_{subject.name}", subject.seed, notes={"full_run_s": round(full, 2)})
    fractions: list[float] = []
    old = 0
    for trial, kind in enumerate(kinds):
        new = 1 - old
        subject.serve(new)
        since = utc_now()
        started = subject.cli.start(*subject.args)
        if kind == ANYWHERE:
            fractions.append(strata.pop())
            delay = fractions[-1] * full
            time.sleep(max(0.0, started.started + delay - time.monotonic()))
        else:
            # The tail also holds the process's exit: aim at its first 80 %.
            delay = rng.uniform(0, tail * 0.8)
            _sleep_after_last_answer(subject, started, delay)
        killed = started.kill()
        finished = started.finish()
        if not killed:
            assert finished.code == 0, finished.stderr

        # The first open after the crash is CloudSpy's own (read-only) open.
        run = runs_since(subject.cli.history(), since)
        held = subject.state(read_only=trial % 2 == 0)
        assert held == subject.state(read_only=trial % 2 == 1)
        if run is not None:
            # A kill after the run was closed (while the process exits) leaves it ok.
            assert run["status"] in (("interrupted", "ok") if killed else ("ok",)), run
            assert (run["status"] == "ok") <= (held == new), run
        if held == new:
            assert run is not None, "new data without a run that brought it"
        figures.outcomes[f"{kind}: {_phase(subject, killed, run, held, old)}"] += 1
        figures.kill_at.append(delay)

        subject.serve(new)
        again = subject.cli.run(*subject.args)
        assert again.code == 0, f"{subject.name} trial {trial}: the re-run failed: {again.stderr}"
        assert subject.state(read_only=True) == new
        full = (full + again.seconds) / 2
        if subject.served_at:
            tail = (tail + again.ended - subject.served_at()[-1]) / 2
        figures.trials += 1
        old = new
    statuses = [r["status"] for r in subject.cli.history()]
    figures.notes["history"] = {s: statuses.count(s) for s in sorted(set(statuses))}
    figures.notes["kill_fractions_by_tenth"] = [
        sum(int(f * 10) == tenth for f in fractions) for tenth in range(11)
    ]
    return figures


def _sleep_after_last_answer(subject: Subject, started: Started, delay: float) -> None:
    """Wait until the fake has sent its last answer, then ``delay`` more (into the write)."""
    assert subject.served_at is not None
    while len(subject.served_at()) < subject.total_answers and started.proc.poll() is None:
        time.sleep(0.005)
    if subject.served_at():
        time.sleep(max(0.0, subject.served_at()[-1] + delay - time.monotonic()))


def _sync_subject(folder: Path, fake_aws: FakeAwsServer) -> Subject:
    return Subject(
        name="sync",
        seed=SYNC_SEED,
        cli=make_cli(folder, fake_aws.url),
        args=[*SYNC_ARGS, "--refresh"],
        scope=SCOPE,
        key_sql=DAY,
        expected={gen: day_totals(gen, FEB_DAYS) for gen in (0, 1)},
        serve=fake_aws.fake.reset,
        served_at=lambda: fake_aws.fake.served_at,
        total_answers=requests_per_sync(len(FEB_DAYS)),
    )


def _import_subject(folder: Path, fake_aws: FakeAwsServer, exports: list[Path]) -> Subject:
    target = folder / "focus-export.parquet"
    cli = make_cli(folder, fake_aws.url)
    return Subject(
        name="import",
        seed=IMPORT_SEED,
        cli=cli,
        args=["import", str(target)],
        scope=f"file:{target.resolve()}",
        key_sql=f"{DAY}, BillingCurrency",
        expected={gen: sums_of_file(path) for gen, path in enumerate(exports)},
        serve=lambda gen: publish(exports[gen], target),
    )


def test_sync_and_import_killed_at_random_points_lose_nothing(
    tmp_path: Path, fake_aws: FakeAwsServer, exports: list[Path]
) -> None:
    subjects = [
        _sync_subject(tmp_path / "sync", fake_aws),
        _import_subject(tmp_path / "import", fake_aws, exports),
    ]
    assert subjects[1].expected[0] != subjects[1].expected[1]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(crash_trials, subjects))
    for figures in results:
        if figures.name == "crash_import":
            figures.notes["rows"] = EXPORT_ROWS
        figures.save()
        assert figures.trials == TRIALS + (STORE_TRIALS if figures.name == "crash_sync" else 0)
