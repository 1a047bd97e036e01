"""Benchmark (#3): `cloudspy import` of a 10-million-row CUR 2.0 Parquet file.

Target: the import runs at >= 0.8x the speed of a bare DuckDB read of the same
file (``CREATE TABLE ... AS SELECT * FROM read_parquet(...)``), i.e. it takes at
most 1.25x as long. The file is generated with DuckDB (``range()`` and
expressions) into ``benchmarks/data/`` (gitignored) and reused on later runs.

    python benchmarks/cur2_import.py [--rows 10000000] [--regenerate] [--repeat 2]

Each side runs ``--repeat`` times, interleaved, each into a fresh database file, and
the fastest of each is compared: one run each let a fast or slow baseline move the
ratio by ±0.1 on the 2-core machine.

Exit code 0 when the target is met, 1 when not.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import emit

DATA = Path(__file__).parent / "data"
TARGET = 0.8

# Synthetic but CUR 2.0-shaped: the columns CloudSpy reads plus bulk it does not.
GENERATE = """
COPY (
  SELECT
    'Anniversary' AS bill_bill_type,
    lpad(CAST(100000000000 + i % 3 AS VARCHAR), 12, '0') AS bill_payer_account_id,
    'payer' AS bill_payer_account_name,
    'Amazon Web Services, Inc.' AS bill_invoicing_entity,
    TIMESTAMP '2025-09-01' AS bill_billing_period_start_date,
    TIMESTAMP '2025-10-01' AS bill_billing_period_end_date,
    'id-' || i AS identity_line_item_id,
    lpad(CAST(200000000000 + i % 40 AS VARCHAR), 12, '0') AS line_item_usage_account_id,
    'member ' || (i % 40) AS line_item_usage_account_name,
    ['Usage', 'Usage', 'Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage',
     'SavingsPlanNegation', 'Tax', 'Credit', 'RIFee', 'Fee'][1 + i % 10]
        AS line_item_line_item_type,
    ['AmazonEC2', 'AmazonS3', 'AmazonRDS', 'AWSLambda', 'AmazonCloudWatch'][1 + i % 5]
        AS line_item_product_code,
    'USD' AS line_item_currency_code,
    CASE WHEN i % 3 = 0 THEN 'arn:aws:ec2:us-east-1:1:instance/i-' || (i % 50000) END
        AS line_item_resource_id,
    'Amazon Web Services, Inc.' AS line_item_legal_entity,
    'usage of ' || (i % 1000) AS line_item_line_item_description,
    'us-east-1a' AS line_item_availability_zone,
    TIMESTAMP '2025-09-01' + to_hours(CAST(i % 720 AS BIGINT)) AS line_item_usage_start_date,
    TIMESTAMP '2025-09-01' + to_hours(CAST(i % 720 AS BIGINT) + 1) AS line_item_usage_end_date,
    ((i * 7919) % 100000) / 1000.0 AS line_item_unblended_cost,
    ((i * 7919) % 100000) / 1000.0 AS line_item_blended_cost,
    ((i * 104729) % 5000) / 100.0 AS line_item_usage_amount,
    ((i * 7919) % 100000) / 800.0 AS pricing_public_on_demand_cost,
    'Hrs' AS pricing_unit,
    ['us-east-1', 'eu-west-1', 'ap-south-1', NULL][1 + i % 4] AS product_region_code,
    'SKU' || (i % 300) AS product_sku,
    MAP {'product_name': 'Amazon Elastic Compute Cloud', 'region': 'us-east-1'} AS product,
    CASE WHEN i % 2 = 0 THEN MAP {'user_team': 'team' || (i % 7)}
         ELSE MAP {}::MAP(VARCHAR, VARCHAR) END AS resource_tags,
    ((i * 31) % 10000) / 1000.0 AS savings_plan_savings_plan_effective_cost,
    12.5 AS savings_plan_total_commitment_to_date,
    10.0 AS savings_plan_used_commitment,
    CASE WHEN i % 10 = 8 THEN NULL ELSE '' END AS savings_plan_savings_plan_a_r_n,
    ((i * 37) % 10000) / 1000.0 AS reservation_effective_cost,
    0.5 AS reservation_unused_amortized_upfront_fee_for_billing_period,
    0.25 AS reservation_unused_recurring_fee,
    CASE WHEN i % 10 IN (3, 8) THEN 'arn:aws:ec2:us-east-1:1:reserved-instances/r-1' END
        AS reservation_reservation_a_r_n
  FROM range({rows}) t(i)
) TO '{path}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)
"""


def generate(path: Path, rows: int) -> None:
    """Write the synthetic CUR 2.0 file with DuckDB."""
    import duckdb

    DATA.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with duckdb.connect() as conn:
        conn.execute("SET TimeZone = 'UTC'")
        sql = GENERATE.replace("{rows}", str(rows))
        conn.execute(sql.replace("{path}", str(path).replace("'", "''")))
    print(f"generated {rows:,} rows in {time.perf_counter() - started:.1f}s: {path}")


def bare_read(path: Path, work: Path) -> float:
    """Seconds for DuckDB alone to load the file into a table of a fresh database file."""
    import duckdb

    db = work / "bare.duckdb"
    started = time.perf_counter()
    with duckdb.connect(str(db)) as conn:
        conn.execute(f"CREATE TABLE cur AS SELECT * FROM read_parquet('{path}')")
    return time.perf_counter() - started


def cloudspy_import(path: Path, work: Path) -> tuple[float, int]:
    """Seconds for ``cloudspy.import_files`` into a fresh cache, and the rows it stored."""
    from cloudspy import api

    db = work / "cloudspy.duckdb"
    started = time.perf_counter()
    [result] = api.import_files([path], format="cur2", db=db)
    return time.perf_counter() - started, result.rows


def main() -> int:
    """Generate (once), time both, print the ratio and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each side (best kept)")
    args = parser.parse_args()
    path = DATA / f"cur2_{args.rows}.parquet"
    if args.regenerate or not path.exists():
        generate(path, args.rows)
    bares: list[float] = []
    imports: list[float] = []
    rows = 0
    for _ in range(max(1, args.repeat)):
        with tempfile.TemporaryDirectory(dir=DATA) as tmp:
            work = Path(tmp)
            bares.append(bare_read(path, work))
            took, rows = cloudspy_import(path, work)
            imports.append(took)
    bare, took = min(bares), min(imports)
    if rows != args.rows:
        print(f"FAIL: imported {rows:,} rows, expected {args.rows:,}")
        return 1
    speed = bare / took
    verdict = "PASS" if speed >= TARGET else "FAIL"
    print(f"bare DuckDB read:  {bare:6.2f}s (best of {', '.join(f'{b:.2f}' for b in bares)})")
    print(
        f"cloudspy import:   {took:6.2f}s ({rows / took / 1e6:.2f} M rows/s;"
        f" best of {', '.join(f'{t:.2f}' for t in imports)})"
    )
    print(f"speed ratio: {speed:.2f}x of a bare read (target >= {TARGET}x): {verdict}")
    emit(
        f"cloudspy import CUR 2.0 {args.rows:,} rows vs bare read",
        took,
        baseline=bare,
        target=f"throughput ≥ {TARGET}× ({speed:.2f}×)",
        ok=speed >= TARGET,
    )
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
