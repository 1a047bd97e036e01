"""``cloudspy gcp sync|costs`` and ``cloudspy history`` end to end (issue #3)."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.providers.gcp.conftest import PROJECT, TABLE, fixture, google_error

WINDOW = ("--since", "2026-10-01", "--until", "2026-10-04")


def _sync(cli, db, *extra: str):
    return cli(
        "--db", db, "gcp", "sync", "--project", PROJECT, "--billing-table", TABLE,
        "--label-key", "team", *WINDOW, *extra,
    )  # fmt: skip


def _totals(cli, db) -> dict[str, Decimal]:
    """BilledCost per currency as `cloudspy costs --format json` reports it."""
    out = cli("--db", db, "costs", *WINDOW, "--provider", "gcp", "--format", "json", "--offline")
    assert out.exit_code == 0, out.stderr
    return {t["currency"]: Decimal(t["cost"]) for t in json.loads(out.stdout)["totals"]}


def _stored(db) -> dict[str, Decimal]:
    """BilledCost per currency straight from the store, unrounded."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT BillingCurrency, sum(BilledCost) FROM cost GROUP BY 1"
        ).fetchall()
    return {currency: Decimal(total) for currency, total in rows}


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("cloudspy: error:")]


def _fixture_totals() -> dict[str, Decimal]:
    names = [f["name"] for f in fixture("bigquery/query_page1.json")["schema"]["fields"]]
    totals: dict[str, Decimal] = {}
    for page in ("query_page1", "query_page2"):
        for row in fixture(f"bigquery/{page}.json")["rows"]:
            rec = dict(zip(names, [c["v"] for c in row["f"]], strict=True))
            totals[rec["currency"]] = totals.get(rec["currency"], Decimal(0)) + Decimal(
                rec["billed_cost"]
            )
    return totals


def test_sync_stores_totals_equal_to_the_responses_per_currency(cli, db, bigquery, gcp_env):
    bigquery.standard_pages()
    out = _sync(cli, db)
    assert out.exit_code == 0, out.stderr
    assert out.stdout.startswith(f"gcp:bigquery:{TABLE}: ok, 3 day(s) fetched, 8 row(s), 5 API")

    expected = _fixture_totals()
    assert _stored(db) == expected  # exact in the store
    cents = {"USD": Decimal("22.44"), "EUR": Decimal("23.83")}
    assert {c: v.quantize(Decimal("0.01")) for c, v in expected.items()} == cents
    assert {c: v.quantize(Decimal("0.01")) for c, v in _totals(cli, db).items()} == cents


def test_history_shows_the_bytes_and_their_price(cli, db, bigquery, gcp_env):
    bigquery.standard_pages()
    assert _sync(cli, db).exit_code == 0
    runs = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    run = runs[0]
    assert (run["provider"], run["source"], run["status"]) == ("gcp", "bigquery", "ok")
    assert run["quota_used"]["bigquery_bytes_billed"] == 1073741824
    assert run["quota_used"]["bigquery_bytes_processed"] == 1073741824
    assert Decimal(run["api_cost"]) == Decimal("0.006103515625")
    table = cli("--db", db, "history")
    assert "gcp:bigquery:" in table.stdout and "0.0061" in table.stdout


def test_tags_and_list_cost_are_queryable(cli, db, bigquery, gcp_env):
    bigquery.standard_pages()
    assert _sync(cli, db).exit_code == 0
    out = cli(
        "--db", db, "costs", *WINDOW, "--by", "tag:team", "--metric", "list",
        "--format", "json", "--offline",
    )  # fmt: skip
    assert out.exit_code == 0, out.stderr
    groups = {
        (r["group"]["tag:team"], r["currency"]): r["cost"] for r in json.loads(out.stdout)["rows"]
    }
    assert Decimal(groups[("web", "USD")]) == Decimal("24.5")
    assert Decimal(groups[("data", "EUR")]) == Decimal("22")


def test_server_failure_exits_3_and_keeps_the_cache(cli, db, bigquery, gcp_env, fast_retries):
    bigquery.standard_pages()
    assert _sync(cli, db).exit_code == 0
    before = _totals(cli, db)

    for _ in range(6):
        bigquery.answer(google_error(500, "INTERNAL", "internalError", "Internal error"), 500)
    out = _sync(cli, db, "--refresh")
    assert out.exit_code == 3
    assert len(_errors(out.stderr)) == 1 and "HTTP 500: Internal error" in out.stderr
    assert "Traceback" not in out.stderr
    assert _totals(cli, db) == before
    runs = json.loads(cli("--db", db, "history", "--format", "json").stdout)
    assert runs[0]["status"] == "failed" and runs[0]["api_calls"] == 7


def test_missing_table_is_one_line_exit_3(cli, db, bigquery, gcp_env):
    bigquery.table = google_error(
        404, "NOT_FOUND", "notFound", "Not found: Table finops-billing:billing_export.nope"
    )
    out = cli(
        "--db", db, "gcp", "sync", "--billing-table", "finops-billing.billing_export.nope", *WINDOW
    )
    assert out.exit_code == 3
    assert len(_errors(out.stderr)) == 1
    assert "Not found: Table finops-billing:billing_export.nope" in out.stderr


def test_malformed_table_name_is_refused_before_any_call(cli, db, httpserver, gcp_env):
    out = cli("--db", db, "gcp", "sync", "--billing-table", "proj.ds.t` OR 1=1", *WINDOW)
    assert out.exit_code == 2
    assert out.stderr.count("\n") == 1 and "is not a BigQuery table path" in out.stderr
    assert len(httpserver.log) == 0


def test_no_table_given_or_configured_is_a_usage_error(cli, db, gcp_env):
    out = cli("--db", db, "gcp", "sync", *WINDOW)
    assert out.exit_code == 2
    assert "--billing-table" in out.stderr


def test_configured_tables_sync_through_the_generic_command(
    cli, db, bigquery, endpoint, anonymous_adc, tmp_path
):
    config = tmp_path / "config.toml"
    config.write_text(
        f'[gcp]\nbigquery_endpoint = "{endpoint}"\n\n'
        f'[[gcp.billing_tables]]\nname = "main"\ntable = "{TABLE}"\nproject = "{PROJECT}"\n'
        'location = "US"\n'
    )
    bigquery.answer(fixture("bigquery/query_empty.json"))
    out = cli("--db", db, "--config", config, "sync", "--provider", "gcp", *WINDOW)
    assert out.exit_code == 0, out.stderr
    assert "0 row(s)" in out.stdout
    assert bigquery.query_bodies[0]["location"] == "US"


def test_bad_table_in_config_is_a_config_error(cli, db, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[[gcp.billing_tables]]\ntable = "not a table"\n')
    out = cli("--db", db, "--config", config, "sync", "--provider", "gcp", *WINDOW)
    assert out.exit_code == 2
    assert "gcp.billing_tables.0.table" in out.stderr and "PROJECT.DATASET.TABLE" in out.stderr


def test_missing_adc_exits_3_with_the_gcloud_hint(cli, db, monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "none.json"))
    out = cli("--db", db, "gcp", "sync", "--billing-table", TABLE, *WINDOW)
    assert out.exit_code == 3
    assert "gcloud auth application-default login" in out.stderr


def test_table_options_without_a_table_are_refused(cli, db, gcp_env):
    out = cli("--db", db, "gcp", "sync", "--kind", "focus", *WINDOW)
    assert out.exit_code == 2
    assert "need --billing-table" in out.stderr


def test_the_standard_and_detailed_export_of_one_account_are_not_counted_twice(
    cli, db, bigquery, gcp_env
):
    """#13 item 8: Google writes both tables side by side; syncing both doubled every total."""
    import copy

    bigquery.standard_pages()
    assert _sync(cli, db).exit_code == 0
    once = _totals(cli, db)
    detailed_table = TABLE.replace("gcp_billing_export_v1_", "gcp_billing_export_resource_v1_")
    schema = copy.deepcopy(bigquery.table)
    schema["schema"]["fields"].append({"name": "resource", "type": "RECORD", "fields": [
        {"name": "name", "type": "STRING"}, {"name": "global_name", "type": "STRING"}]})  # fmt: skip
    bigquery.table = schema
    bigquery.standard_pages()
    out = cli(
        "--db", db, "gcp", "sync", "--project", PROJECT, "--billing-table", detailed_table,
        "--label-key", "team", *WINDOW,
    )  # fmt: skip
    assert out.exit_code == 0, out.stderr
    assert _totals(cli, db) == once == _fixture_totals()


def test_a_reset_connection_is_retried_as_bigquerys_own_retry_does(
    cli, db, bigquery, gcp_env, monkeypatch, fast_retries
):
    """#13 item 16: a dropped connection is retried, not reported as a failed sync."""
    from tests.flaky_proxy import FlakyProxy

    proxy = FlakyProxy(gcp_env, drops=2)
    monkeypatch.setenv("CLOUDSPY_GCP_BIGQUERY_ENDPOINT", proxy.url)
    try:
        bigquery.standard_pages()
        out = _sync(cli, db)
    finally:
        proxy.stop()
    assert out.exit_code == 0, out.stderr
    assert proxy.dropped == 2 and proxy.forwarded >= 3
    assert _totals(cli, db) == _fixture_totals()
