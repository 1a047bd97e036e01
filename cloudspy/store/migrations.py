"""Ordered, recorded schema migrations.

Each migration is appended to :data:`MIGRATIONS` with the next number and is
never edited after release; :func:`apply_migrations` runs the ones not yet in
``_migrations``, each in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cloudspy.store import rollup
from cloudspy.store.alert_schema import ALERT_TABLES
from cloudspy.store.inventory_schema import INVENTORY_TABLES

if TYPE_CHECKING:
    import duckdb

# 16 decimals keep every published amount exact (Azure sends up to 14, FOCUS 11);
# 22 integer digits are far beyond any bill.
MONEY = "DECIMAL(38, 16)"


@dataclass(frozen=True)
class Migration:
    """One numbered schema step."""

    version: int
    name: str
    sql: str


_COST_TABLE = f"""
CREATE TABLE cost (
    ProviderName        VARCHAR NOT NULL,
    PublisherName       VARCHAR,
    InvoiceIssuerName   VARCHAR,
    BillingAccountId    VARCHAR NOT NULL,
    BillingAccountName  VARCHAR,
    SubAccountId        VARCHAR,
    SubAccountName      VARCHAR,
    ServiceName         VARCHAR,
    ServiceCategory     VARCHAR,
    RegionId            VARCHAR,
    RegionName          VARCHAR,
    AvailabilityZone    VARCHAR,
    ResourceId          VARCHAR,
    ResourceName        VARCHAR,
    ResourceType        VARCHAR,
    SkuId               VARCHAR,
    SkuPriceId          VARCHAR,
    ChargeCategory      VARCHAR NOT NULL,
    ChargeClass         VARCHAR,
    ChargeDescription   VARCHAR,
    ChargeFrequency     VARCHAR,
    PricingCategory     VARCHAR,
    ChargePeriodStart   TIMESTAMP NOT NULL,
    ChargePeriodEnd     TIMESTAMP NOT NULL,
    BillingPeriodStart  TIMESTAMP,
    BillingPeriodEnd    TIMESTAMP,
    BilledCost          {MONEY} NOT NULL,
    EffectiveCost       {MONEY},
    ListCost            {MONEY},
    ContractedCost      {MONEY},
    BillingCurrency     VARCHAR NOT NULL,
    PricingQuantity     {MONEY},
    PricingUnit         VARCHAR,
    ConsumedQuantity    {MONEY},
    ConsumedUnit        VARCHAR,
    CommitmentDiscountCategory VARCHAR,
    CommitmentDiscountId       VARCHAR,
    CommitmentDiscountName     VARCHAR,
    CommitmentDiscountStatus   VARCHAR,
    CommitmentDiscountType     VARCHAR,
    Tags                JSON,
    x_source            VARCHAR NOT NULL,
    x_scope             VARCHAR NOT NULL,
    x_sync_id           VARCHAR,
    x_estimated         BOOLEAN NOT NULL DEFAULT false
);

-- Which days each scope has cached, at which grain. A day fetched with no
-- spend has a row here and none in `cost`: "zero" is not "unknown".
CREATE TABLE cost_coverage (
    x_scope           VARCHAR NOT NULL,
    x_source          VARCHAR NOT NULL,
    ProviderName      VARCHAR NOT NULL,
    BillingAccountId  VARCHAR NOT NULL,
    day               DATE NOT NULL,
    dimensions        VARCHAR[] NOT NULL,
    metrics           VARCHAR[] NOT NULL,
    estimated         BOOLEAN NOT NULL,
    priority          INTEGER NOT NULL,
    x_sync_id         VARCHAR,
    fetched_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (x_scope, ProviderName, BillingAccountId, day)
);

CREATE TABLE sync_run (
    id                VARCHAR PRIMARY KEY,
    provider          VARCHAR NOT NULL,
    source            VARCHAR NOT NULL,
    scope             VARCHAR NOT NULL,
    what              VARCHAR NOT NULL,
    window_start      DATE,
    window_end        DATE,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    status            VARCHAR NOT NULL,
    rows_written      BIGINT,
    api_calls         INTEGER,
    api_cost          {MONEY},
    api_cost_currency VARCHAR,
    quota_used        JSON,
    error             VARCHAR,
    pid               INTEGER,
    command           VARCHAR
);
"""

# Every row of a scope's day comes from the run that wrote that day (a write replaces
# whole days), so the source and run id are facts of the day, which `cost_coverage`
# already records. Stamping them on each row cost ~0.3 s per column per 10 M rows of
# an import (DuckDB appends and compresses a constant string row by row, #2/#3);
# `cost_with_provenance` joins them back for exports.
_PROVENANCE_PER_DAY = """
ALTER TABLE cost DROP COLUMN x_source;
ALTER TABLE cost DROP COLUMN x_sync_id;
CREATE VIEW cost_with_provenance AS
SELECT cost.*, provenance.x_source, provenance.x_sync_id
FROM cost
LEFT JOIN (
    SELECT x_scope, day, any_value(x_source) AS x_source, any_value(x_sync_id) AS x_sync_id
    FROM cost_coverage GROUP BY x_scope, day
) AS provenance
    ON provenance.x_scope = cost.x_scope
    AND provenance.day = CAST(cost.ChargePeriodStart AS DATE);
"""

# Which cache scopes an identity (ambient credentials, or a config file's accounts) was
# found to cover, so a warm `costs` decides freshness from the store alone: no SDK
# import, no STS call (#12). `key` is a digest that carries no secret.
_SOURCE_SCOPES = """
CREATE TABLE source_scope (
    key           VARCHAR PRIMARY KEY,
    scopes        VARCHAR[] NOT NULL,
    max_age_hours DOUBLE NOT NULL,
    description   VARCHAR,
    recorded_at   TIMESTAMP NOT NULL
);
"""

# `--by charge` was answered for every source, guessed from the sign where the source has
# no charge type (Cost Explorer, Azure's query): now a dimension in `cost_coverage`
# (#13). Days cached by sources that read the charge type get it; the others do not.
_CHARGE = """
UPDATE cost_coverage SET dimensions = list_append(dimensions, 'charge')
WHERE x_source IN ('focus-file', 'cur2-file', 'athena', 'bigquery', 'demo')
AND NOT list_contains(dimensions, 'charge');
"""

# List prices fetched from the providers' price lists (#14), one row per billed unit
# (and tier) of a product in a region; a product the list does not have is one row
# with unit 'none' and no price, so it is not asked for again until the row is old.
_PRICE_LIST = f"""
CREATE TABLE price_list (
    provider    VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL,
    region      VARCHAR NOT NULL,
    sku         VARCHAR NOT NULL,
    variant     VARCHAR NOT NULL,
    unit        VARCHAR NOT NULL,
    tier_start  {MONEY} NOT NULL,
    price       {MONEY},
    currency    VARCHAR NOT NULL,
    source      VARCHAR NOT NULL,
    effective   DATE,
    fetched_at  TIMESTAMP NOT NULL,
    detail      VARCHAR,
    PRIMARY KEY (provider, kind, region, sku, variant, unit, tier_start)
);
"""

# What a resource is billed by besides its type: a VM's operating system and licence,
# a disk's provisioned IOPS and throughput (#14). Older rows stay NULL until the next
# inventory sync rewrites their region.
_RESOURCE_BILLING = """
ALTER TABLE resource ADD COLUMN platform VARCHAR;
ALTER TABLE resource ADD COLUMN iops INTEGER;
ALTER TABLE resource ADD COLUMN throughput_mibps INTEGER;
"""

# The 95th percentile of each day's hourly samples (#14, rightsizing). The largest
# daily p95 over a window bounds the window's own p95 from above (no more than 5 % of
# any day's samples lie above it), so a rule reading it never undersizes.
_DAILY_P95 = """
ALTER TABLE metric_daily ADD COLUMN p95_value DOUBLE;
UPDATE metric_daily SET p95_value = daily.p95
FROM (
    SELECT scope, region, resource_id, metric, CAST(ts AS DATE) AS day,
           quantile_cont(value, 0.95) AS p95
    FROM metric GROUP BY ALL
) AS daily
WHERE metric_daily.scope = daily.scope AND metric_daily.region = daily.region
  AND metric_daily.resource_id = daily.resource_id AND metric_daily.metric = daily.metric
  AND metric_daily.day = daily.day;
"""

# GCP RHEL licences were priced once per VM; they bill per vCPU (#14). The cached
# prices are dropped, so the next sync or `prices --refresh` asks again, and the
# stored RHEL VMs say why they have no figure until then, rather than keep a wrong one.
_GCP_RHEL_PER_VCPU = """
DELETE FROM price_list WHERE provider = 'gcp' AND kind = 'vm' AND variant LIKE '%RHEL%';
UPDATE resource SET monthly_cost = NULL, currency = NULL,
    price_basis = 'unpriced: GCP RHEL licences bill per vCPU; repriced at the next'
        || ' inventory sync or `cloudspy prices --refresh`'
WHERE provider = 'gcp' AND kind = 'vm' AND platform LIKE '%RHEL%';
"""

# Archive snapshots bill an archive rate (and early deletion), 2 to 3 times below the
# standard one they were priced at; unpriced until a sync or refresh says why (#14).
_GCP_ARCHIVE_SNAPSHOTS = """
UPDATE resource SET monthly_cost = NULL, currency = NULL,
    price_basis = 'unpriced: an archive snapshot bills the archive rate, and early'
        || ' deletion, which CloudSpy does not look up yet'
WHERE provider = 'gcp' AND kind = 'snapshot'
    AND json_extract_string(raw, '$.snapshotType') = 'ARCHIVE';
"""

MIGRATIONS: list[Migration] = [
    Migration(1, "cost, cost_coverage and sync_run tables", _COST_TABLE),
    Migration(2, "resource, inventory_coverage, metric and metric_daily", INVENTORY_TABLES),
    Migration(3, "alert and alert_delivery tables", ALERT_TABLES),
    # Azure's resource group, named as in Microsoft's FOCUS export (x_ResourceGroupName).
    Migration(
        4, "cost.x_ResourceGroupName", "ALTER TABLE cost ADD COLUMN x_ResourceGroupName VARCHAR"
    ),
    Migration(5, "cost_daily rollup, backfilled from cost", rollup.create_sql(MONEY)),
    Migration(6, "cost provenance kept per scope and day only", _PROVENANCE_PER_DAY),
    Migration(7, "source_scope: the scopes each identity covers", _SOURCE_SCOPES),
    Migration(8, "charge is a dimension only sources reading the charge type claim", _CHARGE),
    Migration(9, "price_list: list prices fetched from the providers", _PRICE_LIST),
    Migration(10, "resource platform, iops and throughput_mibps (#14)", _RESOURCE_BILLING),
    Migration(11, "metric_daily.p95_value, backfilled from metric", _DAILY_P95),
    Migration(12, "GCP RHEL prices dropped: they bill per vCPU (#14)", _GCP_RHEL_PER_VCPU),
    Migration(
        13, "GCP archive snapshots unpriced: not the standard rate (#14)", _GCP_ARCHIVE_SNAPSHOTS
    ),
]


def main_relations(conn: duckdb.DuckDBPyConnection) -> set[str]:
    """The names of the tables and views in the file's ``main`` schema."""
    # The catalog functions, not information_schema: same names, a quarter of the
    # time on the first query of a process (`costs` start-up, #2).
    rows = conn.execute(
        "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
        " AND database_name = current_database()"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE schema_name = 'main'"
        " AND NOT internal AND database_name = current_database()"
    ).fetchall()
    return {row[0] for row in rows}


def applied_versions(
    conn: duckdb.DuckDBPyConnection, relations: set[str] | None = None
) -> set[int]:
    """The migration numbers recorded in ``_migrations`` (empty for a new file).

    ``relations``: the :func:`main_relations` already read, to skip asking again.
    """
    if "_migrations" not in (main_relations(conn) if relations is None else relations):
        return set()
    return {row[0] for row in conn.execute("SELECT version FROM _migrations").fetchall()}


def all_versions() -> set[int]:
    """Every migration number this CloudSpy knows (a cache must have them all)."""
    return {m.version for m in MIGRATIONS}


def apply_migrations(conn: duckdb.DuckDBPyConnection) -> list[int]:
    """Run the migrations not yet applied, in order; return the versions applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS _migrations "
        "(version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = applied_versions(conn)
    ran: list[int] = []
    for migration in sorted(MIGRATIONS, key=lambda m: m.version):
        if migration.version in done:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            conn.execute(migration.sql)
            conn.execute(
                "INSERT INTO _migrations VALUES (?, ?, now()::TIMESTAMP)",
                [migration.version, migration.name],
            )
            conn.execute("COMMIT")
        except Exception:
            conn.execute("ROLLBACK")
            raise
        ran.append(migration.version)
    return ran
