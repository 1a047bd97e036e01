"""The bad-input corpus (issue #7): every case in cases.toml, run through the CLI.

A refused case must exit with its documented code, print exactly one line on
stderr (``cloudspy: error: …``, no traceback, nothing "unexpected") and leave
the store as it was. An accepted edge case (huge, negative or exponent amounts,
mixed currencies, hostile tags) must import and read back exactly.

Cases that need a process-level condition run as a subprocess:
``limit = "fsize"`` sets RLIMIT_FSIZE so writes past 256 KiB fail with EFBIG
(a full disk, as far as the writer can tell); ``limit = "no-dac"`` drops
CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the capability bounding set, so
a root test run obeys file modes and a ``chmod 0444`` store or ``0555`` folder
is refused with EACCES like on a read-only disk.
"""

from __future__ import annotations

import base64
import csv
import ctypes
import hashlib
import io
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from tests import paths

DATA = Path(__file__).with_name("cases.toml")
CASES = tomllib.loads(DATA.read_text(encoding="utf-8"))["case"]
ROOT = paths.ROOT
FSIZE_LIMIT = 256 * 1024
PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2

FOCUS_DEFAULTS = {
    "ProviderName": "AWS",
    "BillingAccountId": "111111111111",
    "SubAccountId": "222222222222",
    "BillingCurrency": "USD",
    "ChargeCategory": "Usage",
    "ChargePeriodStart": "2021-03-01T00:00:00Z",
    "ChargePeriodEnd": "2021-03-02T00:00:00Z",
    "ServiceName": "Amazon EC2",
    "RegionId": "us-east-1",
    "BilledCost": "1",
    "EffectiveCost": "1",
    "ListCost": "1",
    "Tags": "",
}


def focus_csv(rows: list[dict], drop: list[str]) -> str:
    """A FOCUS CSV from row overrides; ``cost`` sets all three money columns."""
    columns = [c for c in FOCUS_DEFAULTS if c not in drop]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        values = dict(FOCUS_DEFAULTS)
        if "cost" in row:
            values.update(BilledCost=row["cost"], EffectiveCost=row["cost"], ListCost=row["cost"])
        if isinstance(row.get("tags"), dict):
            values["Tags"] = json.dumps(row["tags"], ensure_ascii=False)
        values.update({k: v for k, v in row.items() if k not in ("cost", "tags")})
        writer.writerow(values)
    return out.getvalue()


def generated(name: str, target: Path, base: Path) -> bytes:
    """Inputs that are easier to make than to write down."""
    if name == "random-bytes":
        return random.Random(7).randbytes(4096)
    if name == "parquet-magic-only":
        return b"PAR1" + bytes(64) + b"PAR1"
    if name == "duckdb-truncated":
        return base.read_bytes()[:20_000]
    if name == "duckdb-header-garbage":
        data = bytearray(base.read_bytes())
        data[4096:8192] = random.Random(3).randbytes(4096)
        return bytes(data)
    if name == "focus-many-rows":
        rows = [{"cost": f"{i}.01", "ResourceId": f"i-{i:08d}"} for i in range(6000)]
        return focus_csv(rows, []).encode()
    if name == "duckdb-foreign":
        with duckdb.connect(str(target)) as conn:
            conn.execute("CREATE TABLE invoices (id INTEGER, total DECIMAL(10, 2))")
            conn.execute("INSERT INTO invoices VALUES (1, 9.99)")
        return target.read_bytes()
    raise AssertionError(f"unknown generator {name}")


def to_parquet(source: Path, target: Path, typed: bool) -> None:
    """Convert a CSV to Parquet: text columns, or DuckDB's sniffed types (money as DOUBLE)."""
    options = "header = true" if typed else "header = true, all_varchar = true"
    with duckdb.connect() as conn:
        conn.execute(
            f"COPY (SELECT * FROM read_csv('{source}', {options})) TO '{target}' (FORMAT parquet)"
        )


def make_input(spec: dict, folder: Path, base: Path) -> Path:
    """Write the case's input file from its recipe and return its path."""
    target = folder / spec["name"]
    if "generator" in spec:
        data = generated(spec["generator"], target, base)
    elif "base64" in spec:
        data = base64.b64decode(spec["base64"])
    else:
        text = spec["text"] if "text" in spec else focus_csv(spec["focus"], spec.get("drop", []))
        data = text.encode(spec.get("encoding", "utf-8"))
    convert = spec.get("convert")
    if convert in ("parquet", "parquet-typed"):
        source = folder / (spec["name"] + ".src.csv")
        source.write_bytes(data)
        to_parquet(source, target, typed=convert == "parquet-typed")
        source.unlink()
        data = target.read_bytes()
    if "truncate" in spec:
        data = data[: int(len(data) * spec["truncate"])]
    target.write_bytes(data)
    return target


def file_digest(db: Path) -> str | None:
    """The store's bytes (and its WAL's), or None when there is no store."""
    if not db.is_file():
        return None
    wal = db.with_name(db.name + ".wal")
    payload = db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    return hashlib.sha256(payload).hexdigest()


def cost_digest(db: Path) -> list:
    """Row count and per-column hash of the cost tables: what a refusal must not touch."""
    with duckdb.connect(str(db), read_only=True) as conn:
        return [
            conn.execute(f"SELECT count(*), bit_xor(hash(COLUMNS(*))) FROM {table}").fetchall()
            for table in ("cost", "cost_coverage")
        ]


def drop_dac() -> None:
    """preexec_fn: make root obey file modes in the child (see the module docstring)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def limit_file_size() -> None:
    """preexec_fn: writes beyond FSIZE_LIMIT fail with EFBIG (SIGXFSZ ignored)."""
    import signal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FSIZE_LIMIT, FSIZE_LIMIT))


def run_subprocess(args: list[str], limit: str):
    """Run ``python -m cloudspy`` with a process-level limit."""
    from tests.conftest import CliResult

    preexec = {"fsize": limit_file_size, "no-dac": drop_dac}[limit]
    done = subprocess.run(
        [sys.executable, "-m", "cloudspy", *args],
        preexec_fn=preexec,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ),
        timeout=120,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def prepare(case: dict, tmp_path: Path, store: Path, base: Path) -> tuple[list[str], Path]:
    """Write the case's inputs and return its arguments with placeholders filled, and the db."""
    places = {"tmp": str(tmp_path), "full": "/dev/full", "db": str(store)}
    if "file" in case:
        places["file"] = str(make_input(case["file"], tmp_path, base))
    if "config" in case:
        config = tmp_path / "config.toml"
        config.write_bytes(case["config"].encode(case.get("config_encoding", "utf-8")))
        places["config"] = str(config)
    db = {"copy": store, "none": tmp_path / "none.duckdb"}.get(case.get("db", "copy"))
    if db is None:  # the input file is the store
        db = Path(places["file"])
    places["db"] = str(db)
    for link, target in case.get("symlinks", {}).items():
        (tmp_path / link).symlink_to(target)
    readonly = case.get("readonly")
    if readonly == "store":
        db.chmod(0o444)
    elif readonly == "folder":
        (tmp_path / "ro").mkdir()
        (tmp_path / "ro").chmod(0o555)
    args = ["--db", str(db), *(a.format(**places) for a in case["args"])]
    return args, db


def check_refused(case: dict, result) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cloudspy: error: "), lines[0]
    assert not lines[0].startswith("cloudspy: error: unexpected ")
    assert "Traceback" not in result.stderr
    assert re.search(case["stderr"], lines[0]), lines[0]


def check_imported(case: dict, cli, db: Path) -> None:
    """The file's sums read back exactly: in the store, and as `costs --format json`."""
    start, end = case.get("window", ["2021-03-01", "2021-03-02"])
    with duckdb.connect(str(db), read_only=True) as conn:
        exact = dict(
            conn.execute(
                "SELECT BillingCurrency, sum(BilledCost) FROM cost"
                " WHERE x_scope LIKE 'file:%' GROUP BY 1"
            ).fetchall()
        )
    assert exact == {c: Decimal(v) for c, v in case["exact"].items()}
    window = ["--since", start, "--until", end, "--format", "json", "--offline"]
    shown = cli("--db", db, "costs", *window)
    assert shown.exit_code == 0, shown.stderr
    totals = {t["currency"]: t["cost"] for t in json.loads(shown.stdout)["totals"]}
    assert totals == case["totals"]
    for key, value in case.get("tags", {}).items():
        by_tag = cli("--db", db, "costs", *window, "--by", f"tag:{key}")
        assert by_tag.exit_code == 0, by_tag.stderr
        groups = [r["group"][f"tag:{key}"] for r in json.loads(by_tag.stdout)["rows"]]
        assert value in groups, groups


def test_the_corpus_has_at_least_seventy_cases_with_unique_ids():
    ids = [case["id"] for case in CASES]
    assert len(ids) >= 70
    assert len(set(ids)) == len(ids)
    refused = [c for c in CASES if c["exit"] != 0]
    assert len(refused) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case, cli, tmp_path, store_copy, corpus_base):
    args, db = prepare(case, tmp_path, store_copy, corpus_base)
    before_bytes = file_digest(db)
    expect = case.get("store", "same" if case["exit"] else "any")
    before_costs = cost_digest(db) if expect == "costs" else None
    result = run_subprocess(args, case["limit"]) if "limit" in case else cli(*args)
    assert result.exit_code == case["exit"], result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if case["exit"]:
        check_refused(case, result)
    elif "stderr" in case:
        assert re.search(case["stderr"], result.stderr), result.stderr
    if expect == "same":
        assert file_digest(db) == before_bytes, "the store changed"
    elif expect == "costs":
        # The refusal is logged in sync_run (history shows it); costs stay as they were.
        assert cost_digest(db) == before_costs
        with duckdb.connect(str(db), read_only=True) as conn:
            [(status,)] = conn.execute(
                "SELECT status FROM sync_run ORDER BY started_at DESC LIMIT 1"
            ).fetchall()
        assert status == "failed"
    elif expect == "imported":
        check_imported(case, cli, db)
    for name in case.get("absent", []):
        assert not (tmp_path / name).exists(), f"{name} was left behind"
    if case.get("readonly"):
        shutil.rmtree(tmp_path / "ro", ignore_errors=True)
