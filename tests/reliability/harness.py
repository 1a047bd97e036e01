"""Run ``cloudspy`` in subprocesses, kill them, and check what the store holds afterwards.

The checks read the DuckDB file directly (not through CloudSpy), so a bug in
CloudSpy's read path cannot hide a bug in its write path.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb

from tests import paths

CLOUDSPY = [sys.executable, "-m", "cloudspy"]
FEB = (date(2026, 2, 1), date(2026, 3, 1))  # a closed month: final days, fetched on --refresh
FEB_DAYS = [FEB[0] + timedelta(days=i) for i in range((FEB[1] - FEB[0]).days)]
SYNC_ARGS = ["sync", "--no-resources", "--since", "2026-02-01", "--until", "2026-03-01"]
SCOPE = "aws:ce:123456789012"
# Rows of the FOCUS export: its import holds the write lock for about a second.
EXPORT_ROWS = 80_000


@dataclass
class Run:
    """A finished CLI run."""

    args: list[str]
    code: int
    stdout: str
    stderr: str
    started: float
    ended: float
    pid: int

    @property
    def seconds(self) -> float:
        """Wall-clock time of the run."""
        return self.ended - self.started


@dataclass
class Started:
    """A CLI run in flight."""

    args: list[str]
    proc: subprocess.Popen
    started: float

    def kill(self) -> bool:
        """SIGKILL it (no cleanup, no atexit, like the OOM killer); False if it had ended."""
        if self.proc.poll() is not None:
            return False
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        return True

    def finish(self, timeout: float = 120) -> Run:
        """Wait for it and collect what it printed."""
        out, err = self.proc.communicate(timeout=timeout)
        return Run(
            self.args, self.proc.returncode, out, err, self.started, time.monotonic(), self.proc.pid
        )


def finish_all(runs: list[Started]) -> list[Run]:
    """Wait for several runs at once, so that each one's end time is its own."""
    with ThreadPoolExecutor(max_workers=max(1, len(runs))) as pool:
        return list(pool.map(Started.finish, runs))


@dataclass
class Cli:
    """``cloudspy --db DB --config CONFIG …`` with an environment that reaches only the fake."""

    db: Path
    config: Path
    env: dict[str, str]
    baseline_s: float = 0.0  # how long a first full run took, where a test measured it

    def start(self, *args: str, config: Path | None = None) -> Started:
        """Start a command without waiting for it."""
        argv = [*CLOUDSPY, "--db", str(self.db), "--config", str(config or self.config), *args]
        proc = subprocess.Popen(
            argv,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        return Started(list(args), proc, time.monotonic())

    def run(self, *args: str, config: Path | None = None) -> Run:
        """Run a command to its end."""
        return self.start(*args, config=config).finish()

    def history(self) -> list[dict]:
        """``cloudspy history --format json`` (the store's first open after a crash)."""
        run = self.run("history", "--format", "json", "--limit", "200")
        assert run.code == 0, run.stderr
        return json.loads(run.stdout)


def make_cli(folder: Path, endpoint: str) -> Cli:
    """A store, a config and a home in ``folder``, reaching AWS only at ``endpoint``."""
    home = folder / "home"
    home.mkdir(parents=True)
    return Cli(
        db=folder / "cloudspy.duckdb",
        config=write_config(folder / "config.toml"),
        env=subprocess_env(home, endpoint),
    )


def write_config(path: Path, lock_timeout: float | None = None) -> Path:
    """A config with the one fake AWS account (and a lock wait, if given)."""
    text = '[[aws.accounts]]\nname = "fake"\n'
    if lock_timeout is not None:
        text += f"\n[cache]\nlock_timeout_seconds = {lock_timeout}\n"
    path.write_text(text)
    return path


def subprocess_env(home: Path, endpoint: str) -> dict[str, str]:
    """The test environment plus fake credentials and the fake's address."""
    env = dict(os.environ)
    for name in (
        "AWS_PROFILE",
        "AWS_SESSION_TOKEN",
        "CLOUDSPY_DB",
        "CLOUDSPY_CONFIG",
        "CLOUDSPY_NOW",
    ):
        env.pop(name, None)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        AWS_CONFIG_FILE=str(home / "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_EC2_METADATA_DISABLED="true",
        NO_COLOR="1",
        COLUMNS="200",
        PYTHONPATH=str(paths.ROOT),
    )
    return env


def scope_state(
    db: Path, scope: str, expected: dict[int, dict], *, key_sql: str, read_only: bool
) -> int:
    """Which generation ``scope`` holds; fails on a mixed, partial or inconsistent window.

    ``expected`` maps each generation to its totals keyed like ``key_sql``
    (per day, or per day and currency). Coverage must name exactly the days
    that have rows, each written by one run; the ``cost_daily``
    rollup must sum to the rows; every day of the scope must come from one run.
    A half-replaced window shows up as a second run id or as totals matching no
    generation.
    """
    with duckdb.connect(str(db), read_only=read_only) as conn:
        got = {
            tuple(row[:-1]) if len(row) > 2 else row[0]: row[-1]
            for row in conn.execute(
                f"SELECT {key_sql}, sum(BilledCost) FROM cost WHERE x_scope = ? GROUP BY ALL",
                [scope],
            ).fetchall()
        }
        coverage = dict(
            conn.execute(
                "SELECT day, list(DISTINCT x_sync_id) FROM cost_coverage WHERE x_scope = ?"
                " GROUP BY day",
                [scope],
            ).fetchall()
        )
        # The daily rollup `costs` answers from is rewritten in the same transaction.
        rollup = dict(
            conn.execute(
                "SELECT day, sum(BilledCost) FROM cost_daily WHERE x_scope = ? GROUP BY day",
                [scope],
            ).fetchall()
        )
        per_day = dict(
            conn.execute(
                "SELECT CAST(ChargePeriodStart AS DATE), sum(BilledCost) FROM cost"
                " WHERE x_scope = ? GROUP BY 1",
                [scope],
            ).fetchall()
        )
        if not read_only:
            conn.execute("CHECKPOINT")  # the write path works too: replay and fold the WAL
    matches = [gen for gen, totals in expected.items() if got == totals]
    assert matches, (
        f"{scope} holds totals of no generation (half a window?): {_diff(got, expected)}"
    )
    # Rows carry no run id (migration 6): the coverage of each day names its run,
    # and rows from two runs in one window would sum to no generation's totals.
    assert set(coverage) == set(per_day), "cost_coverage and cost disagree on the days"
    assert rollup == per_day, "cost_daily and cost disagree"
    for day, runs in coverage.items():
        assert len(runs) == 1, f"{day}: coverage from runs {runs}"
    assert len({r[0] for r in coverage.values()}) == 1, "the window's days come from several runs"
    return matches[0]


def _diff(got: dict, expected: dict[int, dict]) -> str:
    parts = []
    for gen, totals in expected.items():
        wrong = sorted(k for k in set(got) | set(totals) if got.get(k) != totals.get(k))
        parts.append(f"gen {gen}: {len(wrong)} key(s) differ, e.g. {wrong[:3]}")
    return "; ".join(parts)


def runs_since(runs: list[dict], since: datetime) -> dict | None:
    """The one run started at or after ``since`` (None if the process recorded none)."""
    new = [r for r in runs if datetime.fromisoformat(r["started_at"]) >= since]
    assert len(new) <= 1, f"one process recorded several runs: {new}"
    assert not [r for r in runs if r["status"] == "running"], "a dead process shows as running"
    return new[0] if new else None


def utc_now() -> datetime:
    """Now in UTC without tzinfo, as ``sync_run.started_at`` is stored."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass
class Figures:
    """What a suite observed, written for docs/reliability.md."""

    name: str
    seed: int
    trials: int = 0
    outcomes: Counter = field(default_factory=Counter)
    kill_at: list[float] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)

    def save(self) -> None:
        """Print the figures; also write them to $CLOUDSPY_RELIABILITY_FIGURES/NAME.json."""
        data = {
            "name": self.name,
            "seed": self.seed,
            "trials": self.trials,
            "outcomes": dict(sorted(self.outcomes.items())),
            **self.notes,
        }
        if self.kill_at:
            data["kill_at_s"] = {
                "min": round(min(self.kill_at), 3),
                "max": round(max(self.kill_at), 3),
            }
        text = json.dumps(data, indent=2, default=str)
        print(text)
        folder = os.environ.get("CLOUDSPY_RELIABILITY_FIGURES")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            (Path(folder) / f"{self.name}.json").write_text(text + "\n")


def sums_of_file(path: Path) -> dict[tuple[date, str], Decimal]:
    """A FOCUS file's BilledCost per day and currency, read straight off the file."""
    with duckdb.connect() as conn:
        rows = conn.execute(
            "SELECT CAST(ChargePeriodStart AS DATE), BillingCurrency, sum(BilledCost)"
            f" FROM read_parquet('{path}') GROUP BY ALL"
        ).fetchall()
    return {(d, c): total for d, c, total in rows}


def publish(version: Path, target: Path) -> None:
    """Replace an export the way a provider does: a new file renamed over the old one."""
    tmp = target.with_suffix(".tmp")
    shutil.copyfile(version, tmp)
    os.replace(tmp, target)


_HOLDER = """
import sys, time
from pathlib import Path
from cloudspy.store.connection import connect
with connect(Path(sys.argv[1]), read_only=False):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_write_lock(db: Path, env: dict[str, str], seconds: float) -> subprocess.Popen:
    """A process that holds the store open read-write (a writer busier than any wait)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(db), str(seconds)],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc
