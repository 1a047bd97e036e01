"""Back-test of ``cloudspy forecast`` on the demo store (issue #5): error and interval coverage.

The demo store (180 days ending ``--today``) is built once. For each cut-off
day, ``cloudspy.forecast`` forecasts the 30 days from the cut-off out of the 90
days before it (``today=cut-off``: it sees no later day), per provider and in
total per currency; ``cloudspy.costs`` then reads what those 30 days really
cost. Printed per group: the MAPE of the 30-day sums over the cut-offs, how
often the 80 % interval of the sum held the actual, how often the daily 80 %
intervals held the actual day, and the method's own back-test MAPE (what
``cloudspy forecast`` reports) for comparison.

Usage: ``python benchmarks/forecast_backtest.py [--today 2026-11-25] [--cutoffs 9]``
(output is a Markdown table, pasted into docs/forecast.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

HORIZON = 30
HISTORY = 90


def actuals(db: Path, cutoff: date) -> tuple[dict, dict]:
    """The real 30-day sums and daily costs after ``cutoff``, per (group name, currency)."""
    import cloudspy

    report = cloudspy.costs(
        since=cutoff.isoformat(),
        until=(cutoff + timedelta(days=HORIZON)).isoformat(),
        by=["provider"],
        granularity="day",
        db=db,
        today=cutoff + timedelta(days=HORIZON),
    )
    sums: dict = defaultdict(Decimal)
    days: dict = defaultdict(lambda: defaultdict(Decimal))
    for row in report.rows:
        for ident in ((row.group["provider"], row.currency), ("total", row.currency)):
            sums[ident] += row.cost
            for point in row.series:
                days[ident][point.start] += point.cost
    return sums, days


def run(today: date, cutoffs: int) -> str:
    """Back-test every cut-off; the Markdown table of the figures."""
    import cloudspy
    from cloudspy.demo import DEMO_DAYS, load_demo

    db = Path(tempfile.mkdtemp()) / "demo.duckdb"
    load_demo(db, today=today)
    first = today - timedelta(days=DEMO_DAYS) + timedelta(days=HISTORY)
    last = today - timedelta(days=HORIZON)
    step = max(1, (last - first).days // max(cutoffs - 1, 1))
    days_list = [first + timedelta(days=i * step) for i in range(cutoffs)]
    errors: dict = defaultdict(list)
    held: dict = defaultdict(list)
    daily_held: dict = defaultdict(list)
    self_reported: dict = defaultdict(list)
    for cutoff in [d for d in days_list if d <= last]:
        result = cloudspy.forecast(
            horizon=f"{HORIZON}d", history=f"{HISTORY}d", by=["provider"], db=db, today=cutoff
        )
        sums, days = actuals(db, cutoff)
        for s in result.series:
            ident = (s.name, s.currency)
            actual = sums[ident]
            errors[ident].append(abs(actual - s.forecast) / abs(actual) * 100)
            held[ident].append(s.lower <= actual <= s.upper)
            daily_held[ident] += [p.lower <= days[ident][p.day] <= p.upper for p in s.points]
            if s.mape is not None:
                self_reported[ident].append(s.mape)
    lines = [
        f"Demo store ending {today}; {len(errors[next(iter(errors))])} cut-offs "
        f"{days_list[0]} … {[d for d in days_list if d <= last][-1]}, every {step} days; "
        f"{HORIZON}-day horizon from {HISTORY} days of history.\n",
        "| group | currency | MAPE of 30-day sums | worst | 80 % interval held (sum) "
        "| daily 80 % intervals held | method's own back-test MAPE (mean) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for ident in sorted(errors, key=lambda i: (i[0] == "total", i[1], i[0])):
        e = errors[ident]
        lines.append(
            f"| {ident[0]} | {ident[1]} | {statistics.fmean(e):.1f} % | {max(e):.1f} % "
            f"| {sum(held[ident])}/{len(held[ident])} "
            f"| {100 * sum(daily_held[ident]) / len(daily_held[ident]):.0f} % "
            f"| {statistics.fmean(self_reported[ident]):.1f} % |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse the options, run, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 25))
    parser.add_argument("--cutoffs", type=int, default=9)
    args = parser.parse_args()
    print(run(args.today, args.cutoffs), end="")


if __name__ == "__main__":
    main()
