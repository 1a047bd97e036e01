"""The default `costs` is the fast path (#12): warm `cloudspy costs --last 30d` without --offline.

Measured through the console script, each beside ``--offline`` on the same store:

1. zero-config (AWS keys in the environment, no config.toml);
2. with a config.toml naming the account;
3. ``cloudspy aws costs`` (the provider command with its own credentials).

Targets: under 0.25 s for the whole process and at most 1.25× the ``--offline``
time. The cold first run (sync from a local Cost Explorer, moto's server on
loopback) is reported with the number of requests it made beside the number of
result pages it needed. ``--rows N`` adds N FOCUS rows from another scope to
the store first (10 M for the figure in README.md; the core benchmark's file is
reused when it exists), so the warm query runs over a large table.

Usage: ``python benchmarks/warm_costs.py [--repeat K] [--rows N] [--keep]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
sys.path.insert(0, str(HERE))
from core import cloudspy_command, compile_package, timed  # noqa: E402
from results import emit  # noqa: E402

TODAY = date(2026, 11, 25)
SERVICES = [f"Service {i:02d}" for i in range(40)]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def _post(url: str, body: dict) -> None:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    urllib.request.urlopen(request, timeout=10).read()


def queue_cost_explorer(moto: str, days: list[date]) -> int:
    """Queue Cost Explorer's answers for ``days``; return the number of result pages."""

    def day(d: date, groups: list[tuple[list[str], str]]) -> dict:
        return {
            "TimePeriod": {"Start": d.isoformat(), "End": (d + timedelta(days=1)).isoformat()},
            "Total": {},
            "Groups": [
                {
                    "Keys": keys,
                    "Metrics": {
                        "UnblendedCost": {"Amount": amount, "Unit": "USD"},
                        "AmortizedCost": {"Amount": amount, "Unit": "USD"},
                    },
                }
                for keys, amount in groups
            ],
            "Estimated": False,
        }

    accounts = {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
        "ResultsByTime": [day(d, [(["123456789012"], "1")]) for d in days],
        "DimensionValueAttributes": [
            {"Value": "123456789012", "Attributes": {"description": "payer"}}
        ],
    }
    groups = [([s, r], f"{(i % 17) + 1}.25") for i, s in enumerate(SERVICES) for r in REGIONS]
    breakdown = {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "REGION"},
        ],
        "ResultsByTime": [day(d, groups) for d in days],
    }
    _post(f"{moto}/moto-api/static/ce/cost-and-usage-results", {"results": [accounts, breakdown]})
    return 2


def sync_runs(cli: list[str], store: Path, env: dict[str, str]) -> list[dict]:
    """The store's sync history, as `cloudspy history --format json` gives it."""
    out = subprocess.run(
        [*cli, "--db", str(store), "history", "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout)


def main() -> int:
    """Measure the three warm paths and the cold first run; exit 1 if a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--rows", type=int, default=0)
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder (store, config) to profile"
    )
    args = parser.parse_args()
    from moto.server import ThreadedMotoServer

    compile_package()
    cli = cloudspy_command()
    work = Path(tempfile.mkdtemp(prefix="cloudspy-warm-"))
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = f"http://{host}:{port}"
    lines: list[str] = []
    failed = False
    try:
        store = work / "store.duckdb"
        if args.rows:
            parquet = DATA / f"focus10_{args.rows}.parquet"
            if not parquet.exists():
                from focus_data import generate

                DATA.mkdir(exist_ok=True)
                generate(parquet, args.rows)
            env0 = {**os.environ, "CLOUDSPY_CONFIG": str(work / "none.toml")}
            subprocess.run([*cli, "--db", str(store), "import", str(parquet)], check=True, env=env0)
        env = {
            **os.environ,
            "HOME": str(work),
            "AWS_CONFIG_FILE": str(work / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(work / "aws-credentials"),
            "AWS_ACCESS_KEY_ID": "AKIABENCHMARK",
            "AWS_SECRET_ACCESS_KEY": "benchmark",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": moto,
            "AWS_EC2_METADATA_DISABLED": "true",
            "CLOUDSPY_CONFIG": str(work / "absent.toml"),
            "CLOUDSPY_NOW": f"{TODAY.isoformat()}T12:00:00",
            "NO_COLOR": "1",
        }
        days = [TODAY - timedelta(days=i) for i in range(60, 0, -1)]
        pages = queue_cost_explorer(moto, days)
        started = time.perf_counter()
        subprocess.run(
            [*cli, "--db", str(store), "costs", "--last", "30d"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        cold = time.perf_counter() - started
        history = sync_runs(cli, store, env)
        calls = sum(int(run["api_calls"] or 0) for run in history)
        lines.append(
            f"cold first run (zero-config, 60 days): {cold:.3f} s, {calls} Cost Explorer "
            f"request(s) for {pages} result page(s) (+1 STS GetCallerIdentity)"
        )
        emit("cold costs --last 30d (zero-config)", cold, baseline=None, target="reported", ok=True)

        config = work / "config.toml"
        config.write_text('[[aws.accounts]]\nname = "payer"\n', encoding="utf-8")
        with_config = {**env, "CLOUDSPY_CONFIG": str(config)}
        # One run with the config remembers its identity (no new days are fetched).
        subprocess.run(
            [*cli, "--db", str(store), "costs", "--last", "30d"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=with_config,
        )
        subprocess.run(
            [*cli, "--db", str(store), "aws", "costs", "--last", "30d"],
            check=True,
            stdout=subprocess.DEVNULL,
            env=env,
        )
        offline = timed(
            [*cli, "--db", str(store), "costs", "--last", "30d", "--offline"], args.repeat, env
        )
        cases = {
            "warm costs --last 30d (zero-config)": (
                [*cli, "--db", str(store), "costs", "--last", "30d"],
                env,
            ),
            "warm costs --last 30d (config.toml)": (
                [*cli, "--db", str(store), "costs", "--last", "30d"],
                with_config,
            ),
            "warm aws costs --last 30d": (
                [*cli, "--db", str(store), "aws", "costs", "--last", "30d"],
                env,
            ),
        }
        lines.append(f"{'measure':<40} {'time':>7} {'offline':>8} {'ratio':>6}  result")
        for name, (command, case_env) in cases.items():
            value = timed(command, args.repeat, case_env)
            ok = value < 0.25 and value <= 1.25 * offline
            failed |= not ok
            lines.append(
                f"{name:<40} {value:7.3f} {offline:8.3f} {value / offline:6.2f}  "
                f"{'PASS' if ok else 'FAIL'} (< 0.250 s and ≤ 1.25× --offline)"
            )
            emit(name, value, baseline=offline, target="< 0.250 s and ≤ 1.25× --offline", ok=ok)
        after = sync_runs(cli, store, env)
        if len(after) != len(history):
            lines.append(f"FAIL: warm runs synced again ({len(after)} runs, was {len(history)})")
            failed = True
    finally:
        server.stop()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print("\n".join(lines))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, rows={args.rows:,}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
