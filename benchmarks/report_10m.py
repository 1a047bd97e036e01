"""Benchmark (issue #6): a one-month PDF report over a 10-million-row store, whole process.

Target: ``cloudspy report --out FILE.pdf --period last-month`` under 3 s,
measured as the median of several whole-process runs (Python start, imports,
every query, WeasyPrint, the atomic write), beside ``--out FILE.html`` and a
bare ``python -c pass`` for reference.

The store is the one ``benchmarks/core.py`` builds: ``focus_data.generate``
writes 10 M hourly FOCUS rows over the 120 days before today (three
providers, two currencies, 200,000 resources), which ``cloudspy import``
loads. Usage: ``python benchmarks/report_10m.py [--rows N] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from core import timed
from results import emit

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
TARGET = 3.0
sys.path.insert(0, str(HERE))


def cloudspy_command() -> list[str]:
    """The installed console script next to this Python, else ``python -m cloudspy``."""
    script = Path(sys.executable).with_name("cloudspy")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cloudspy"]


def build_store(rows: int, env: dict[str, str]) -> Path:
    """The 10 M-row store (reused when it already holds ``rows`` rows)."""
    import duckdb
    from focus_data import generate

    DATA.mkdir(exist_ok=True)
    parquet = DATA / f"focus10_report_{rows}.parquet"
    store = DATA / f"report_{rows}.duckdb"
    if store.exists():
        conn = duckdb.connect(str(store), read_only=True)
        try:
            if conn.execute("SELECT count(*) FROM cost").fetchall()[0][0] == rows:
                return store
        finally:
            conn.close()
        store.unlink()
    if not parquet.exists():
        print(f"generating {rows:,} FOCUS rows …", file=sys.stderr)
        generate(parquet, rows)
    print("importing …", file=sys.stderr)
    subprocess.run(
        [*cloudspy_command(), "--db", str(store), "import", str(parquet)],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return store


def main() -> int:
    """Build the store, time the reports, print a table; exit 1 if the target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "NO_COLOR": "1"}
    store = build_store(args.rows, env)
    cli = [*cloudspy_command(), "--db", str(store), "report", "--period", "last-month"]
    bare = timed([sys.executable, "-c", "pass"], args.repeat, env)
    html = timed([*cli, "--out", str(DATA / "report.html")], args.repeat, env)
    pdf = timed([*cli, "--out", str(DATA / "report.pdf")], args.repeat, env)
    ok = pdf < TARGET
    print(f"{'python -c pass':<46} {bare:7.3f}s")
    print(f"{f'cloudspy report HTML, {args.rows:,} rows':<46} {html:7.3f}s")
    print(
        f"{f'cloudspy report PDF, {args.rows:,} rows':<46} {pdf:7.3f}s"
        f"  target < {TARGET:.1f} s  {'PASS' if ok else 'FAIL'}"
    )
    emit(
        f"cloudspy report PDF, one month of {args.rows:,} rows",
        pdf,
        baseline=html,
        target=f"< {TARGET:.1f} s whole process (baseline: HTML)",
        ok=ok,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
