"""Generate a large, realistic FOCUS 1.0 Parquet file with DuckDB (no Python loop).

Rows are hourly charges over the 120 days before today, in time order (as
provider exports are), across three providers, 40 accounts, 25 services, 12
regions, 200,000 resources and four teams; Microsoft rows are billed in EUR.
The file has all 43 columns of FOCUS 1.0, as the FinOps Foundation's sample and
the providers' FOCUS exports do (``../shared/realdata/NOTES.md``): one row in
five is covered by a commitment discount and carries its five columns, the rest
leave them null.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVICES = [
    "Amazon Elastic Compute Cloud - Compute",
    "Amazon Simple Storage Service",
    "AWS Lambda",
    "Amazon Relational Database Service",
    "Amazon CloudFront",
    "Amazon DynamoDB",
    "Amazon Redshift",
    "AWS Glue",
    "Compute Engine",
    "Cloud Storage",
    "BigQuery",
    "Cloud SQL",
    "Kubernetes Engine",
    "Vertex AI",
    "Virtual Machines",
    "Storage",
    "Azure SQL Database",
    "Bandwidth",
    "Azure Kubernetes Service",
    "Azure Monitor",
    "Amazon EKS",
    "Amazon SQS",
    "Cloud Run",
    "Azure Functions",
    "Amazon ElastiCache",
]
REGIONS = [
    "us-east-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "us-central1",
    "europe-west1",
    "asia-east1",
    "westeurope",
    "eastus",
    "northeurope",
    "westus2",
]


def _list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def generate(path: Path, rows: int, days: int = 120) -> float:
    """Write ``rows`` FOCUS rows to ``path``; return the seconds it took."""
    import duckdb

    end = datetime.now(UTC).date()
    start = datetime.combine(end - timedelta(days=days), datetime.min.time())
    hours = days * 24
    started = time.perf_counter()
    with duckdb.connect() as conn:
        conn.execute(f"""
            COPY (
              SELECT
                CASE i % 3 WHEN 0 THEN 'AWS' WHEN 1 THEN 'Google Cloud' ELSE 'Microsoft' END
                  AS ProviderName,
                ProviderName AS PublisherName,
                ProviderName AS InvoiceIssuerName,
                'billing-' || (i % 3) AS BillingAccountId,
                'Billing ' || (i % 3) AS BillingAccountName,
                'acct-' || lpad(CAST(i % 40 AS VARCHAR), 3, '0') AS SubAccountId,
                'Account ' || (i % 40) AS SubAccountName,
                {_list(SERVICES)}[1 + (i // 3) % {len(SERVICES)}] AS ServiceName,
                'Compute' AS ServiceCategory,
                {_list(REGIONS)}[1 + (i // 7) % {len(REGIONS)}] AS RegionId,
                RegionId AS RegionName,
                NULL::VARCHAR AS AvailabilityZone,
                'res-' || (i * 7919 % 200000) AS ResourceId,
                'resource ' || (i * 7919 % 200000) AS ResourceName,
                'vm' AS ResourceType,
                'sku-' || (i % 500) AS SkuId,
                NULL::VARCHAR AS SkuPriceId,
                CASE WHEN i % 997 = 0 THEN 'Credit' ELSE 'Usage' END AS ChargeCategory,
                NULL::VARCHAR AS ChargeClass,
                'usage' AS ChargeDescription,
                'Usage-Based' AS ChargeFrequency,
                CASE WHEN i % 5 = 0 THEN 'Committed' ELSE 'Standard' END AS PricingCategory,
                CASE WHEN i % 5 = 0 THEN CASE WHEN i % 2 = 0 THEN 'Spend' ELSE 'Usage' END END
                  AS CommitmentDiscountCategory,
                CASE WHEN i % 5 = 0 THEN 'commitment-' || (i % 60) END AS CommitmentDiscountId,
                CASE WHEN i % 5 = 0 THEN 'Commitment ' || (i % 60) END AS CommitmentDiscountName,
                CASE WHEN i % 5 = 0 THEN CASE WHEN i % 97 = 0 THEN 'Unused' ELSE 'Used' END END
                  AS CommitmentDiscountStatus,
                CASE WHEN i % 5 = 0 THEN CASE WHEN i % 2 = 0 THEN 'Savings Plan'
                  ELSE 'Reserved Instance' END END AS CommitmentDiscountType,
                TIMESTAMP '{start}' + to_hours(CAST(i * {hours} // {rows} AS INTEGER))
                  AS ChargePeriodStart,
                ChargePeriodStart + INTERVAL 1 HOUR AS ChargePeriodEnd,
                date_trunc('month', ChargePeriodStart) AS BillingPeriodStart,
                date_trunc('month', ChargePeriodStart) + INTERVAL 1 MONTH AS BillingPeriodEnd,
                CAST(CASE WHEN i % 997 = 0 THEN -1 ELSE 1 END
                     * ((i * 48271) % 100000) / 10000.0 AS DECIMAL(18, 6)) AS BilledCost,
                CAST(BilledCost * 0.9 AS DECIMAL(18, 6)) AS EffectiveCost,
                CAST(BilledCost * 1.1 AS DECIMAL(18, 6)) AS ListCost,
                BilledCost AS ContractedCost,
                CAST(abs(BilledCost) AS DECIMAL(18, 6)) AS ContractedUnitPrice,
                CAST(abs(ListCost) AS DECIMAL(18, 6)) AS ListUnitPrice,
                CASE WHEN i % 3 = 2 THEN 'EUR' ELSE 'USD' END AS BillingCurrency,
                CAST(1 AS DECIMAL(18, 6)) AS PricingQuantity,
                'Hours' AS PricingUnit,
                CAST(1 AS DECIMAL(18, 6)) AS ConsumedQuantity,
                'Hours' AS ConsumedUnit,
                '{{"team": "' || {_list(["web", "data", "ml", "platform"])}[1 + i % 4]
                  || '", "env": "prod"}}' AS Tags
              FROM range({rows}) t(i)
            ) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 122880)
        """)
    return time.perf_counter() - started


def main() -> None:
    """Command line: ``python benchmarks/focus_data.py OUT.parquet --rows N``."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=10_000_000)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    seconds = generate(args.out, args.rows)
    print(f"wrote {args.rows:,} rows to {args.out} in {seconds:.1f}s")


if __name__ == "__main__":
    main()
