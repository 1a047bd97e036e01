"""Speed targets of the core (issue #2), each measured beside its baseline in one run.

1. ``cloudspy --help``: under 0.15 s and at most 3× a bare ``python -c pass``.
2. ``cloudspy import`` of a 10-million-row FOCUS Parquet file: at least 0.8× the
   throughput of a bare DuckDB ``CREATE TABLE … AS SELECT * FROM read_parquet(...)``.
3. ``cloudspy costs --last 30d --offline`` on the resulting 10-million-row store:
   under 0.3 s for the whole process.

Each timing is the median of several whole-process runs. Usage:
``python benchmarks/core.py [--rows N] [--repeat K]`` (data under benchmarks/data/).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from results import emit  # noqa: E402


def cloudspy_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m cloudspy``."""
    script = Path(sys.executable).with_name("cloudspy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cloudspy"]


def compile_package() -> None:
    """Write CloudSpy's bytecode, as ``pip install`` of a wheel does.

    An editable checkout otherwise compiles every module on each start when the
    shell sets PYTHONDONTWRITEBYTECODE (these machines do): ~25 ms that no
    installed copy pays.
    """
    import compileall

    import cloudspy

    compileall.compile_dir(Path(cloudspy.__file__).parent, quiet=1)


def timed(command: list[str], repeat: int, env: dict[str, str] | None = None) -> float:
    """Median wall seconds of ``command`` run ``repeat`` times (output discarded)."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def row(name: str, value: float, baseline: float | None, target: str, ok: bool) -> str:
    """One line of the results table."""
    ratio = f"{value / baseline:5.2f}×" if baseline else "     "
    base = f"{baseline:7.3f}s" if baseline is not None else "        "
    return f"{name:<44} {value:7.3f}s {base} {ratio}  {target:<28} {'PASS' if ok else 'FAIL'}"


def main() -> int:
    """Run the three measurements and print one table; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from focus_data import generate

    DATA.mkdir(exist_ok=True)
    # "focus10": all 43 FOCUS 1.0 columns (files from before that were named focus_*).
    parquet = DATA / f"focus10_{args.rows}.parquet"
    if not parquet.exists():
        print(f"generating {args.rows:,} FOCUS rows …", file=sys.stderr)
        generate(parquet, args.rows)
    compile_package()
    env = {**os.environ, "CLOUDSPY_CONFIG": str(DATA / "no-config.toml"), "NO_COLOR": "1"}
    cli = cloudspy_command()
    lines: list[str] = []

    def record(name: str, value: float, baseline: float | None, target: str, ok: bool) -> None:
        lines.append(row(name, value, baseline, target, ok))
        emit(name, value, baseline=baseline, target=target, ok=ok)

    bare = timed([sys.executable, "-c", "pass"], args.repeat)
    help_time = timed([*cli, "--help"], args.repeat, env)
    record(
        "cloudspy --help (vs python -c pass)",
        help_time,
        bare,
        "< 0.150 s and ≤ 3×",
        help_time < 0.15 and help_time <= 3 * bare,
    )

    ctas_db, store = DATA / "bare.duckdb", DATA / "store.duckdb"
    ctas_runs, import_runs = [], []
    for _ in range(max(1, args.repeat // 2)):
        for path in (ctas_db, store):
            path.unlink(missing_ok=True)
        bare_ctas = (
            f"import duckdb; c = duckdb.connect({str(ctas_db)!r});"
            " c.execute('PRAGMA disable_progress_bar');"
            f' c.execute("CREATE TABLE t AS SELECT * FROM read_parquet({str(parquet)!r})")'
        )
        ctas_runs.append(timed([sys.executable, "-c", bare_ctas], 1))
        import_runs.append(timed([*cli, "--db", str(store), "import", str(parquet)], 1, env))
    ctas, imported = statistics.median(ctas_runs), statistics.median(import_runs)
    throughput = ctas / imported
    record(
        f"cloudspy import {args.rows:,} FOCUS rows (vs CTAS)",
        imported,
        ctas,
        f"throughput ≥ 0.8× ({throughput:.2f}×)",
        throughput >= 0.8,
    )

    costs_time = timed(
        [*cli, "--db", str(store), "costs", "--last", "30d", "--offline"], args.repeat, env
    )
    record(
        "cloudspy costs --last 30d --offline",
        costs_time,
        None,
        "< 0.300 s whole process",
        costs_time < 0.3,
    )
    ctas_db.unlink(missing_ok=True)

    print(f"{'measure':<44} {'time':>8} {'baseline':>8} {'ratio':>6}  {'target':<28} result")
    print("\n".join(lines))
    print(
        f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"{shutil.which('cloudspy') or cli[0]}"
    )
    return 0 if all(line.endswith("PASS") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
