"""BigQuery billing export costs through the real google-cloud-bigquery client (issue #3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from google.auth.credentials import AnonymousCredentials

from cloudspy.errors import CredentialsError, ProviderError, UsageError
from cloudspy.periods import Window
from cloudspy.providers.gcp.provider import BigQueryExportSource, GcpProvider
from cloudspy.providers.gcp.settings import GcpBillingTable, GcpSettings
from tests.providers.gcp.conftest import PROJECT, TABLE, fixture, google_error

WINDOW = [Window(date(2026, 10, 1), date(2026, 10, 4))]


def _source(endpoint: str, sleeps: list[float], **table: object) -> BigQueryExportSource:
    options = {"table": TABLE, "project": PROJECT, "label_keys": ["team"], **table}
    return BigQueryExportSource(
        GcpBillingTable(**options),
        GcpSettings(bigquery_endpoint=endpoint),
        credentials=AnonymousCredentials(),
        sleep=sleeps.append,
    )


def _expected_totals() -> dict[str, dict[str, Decimal]]:
    """Independent sums straight from the fixture JSON, per currency."""
    names = [f["name"] for f in fixture("bigquery/query_page1.json")["schema"]["fields"]]
    totals: dict[str, dict[str, Decimal]] = {}
    for page in ("query_page1", "query_page2"):
        for row in fixture(f"bigquery/{page}.json")["rows"]:
            rec = dict(zip(names, [c["v"] for c in row["f"]], strict=True))
            cur = totals.setdefault(
                rec["currency"], {"billed": Decimal(0), "effective": Decimal(0)}
            )
            cur["billed"] += Decimal(rec["billed_cost"])
            cur["effective"] += Decimal(rec["effective_cost"])
    return totals


def test_fetch_reconciles_per_currency_across_pages(bigquery, endpoint, no_sleep):
    bigquery.standard_pages()
    fetched = _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)

    totals: dict[str, dict[str, Decimal]] = {}
    for row in fetched.rows:
        cur = totals.setdefault(
            row["BillingCurrency"], {"billed": Decimal(0), "effective": Decimal(0)}
        )
        cur["billed"] += row["BilledCost"]
        cur["effective"] += row["EffectiveCost"]
    assert totals == _expected_totals()
    assert set(totals) == {"USD", "EUR"}
    assert totals["USD"]["billed"] == Decimal("22.441357")
    assert len(fetched.rows) == 8  # both pages


def test_rows_are_focus_named_and_mapped(bigquery, endpoint, no_sleep):
    bigquery.standard_pages()
    rows = _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None).rows
    first = rows[0]
    assert first["ProviderName"] == "Google Cloud"
    assert first["BillingAccountId"] == "0123AB-4567CD-89EF01"
    assert (first["SubAccountId"], first["SubAccountName"]) == ("shop-prod", "Shop Prod")
    assert first["RegionId"] == "us-central1"
    assert first["Tags"] == '{"team": "web"}'
    assert first["ListCost"] == Decimal("12")
    categories = {r["ChargeCategory"] for r in rows}
    assert categories == {"Usage", "Tax", "Adjustment"}
    storage = rows[1]
    assert storage["RegionId"] is None and storage["Tags"] is None
    tax = rows[2]
    assert tax["SubAccountId"] is None and tax["ListCost"] == tax["BilledCost"]
    assert not any(r["x_estimated"] for r in rows)  # October 2026 is closed


def test_query_is_parameterized_and_bytes_are_recorded(bigquery, endpoint, no_sleep):
    bigquery.standard_pages()
    fetched = _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)

    body = bigquery.query_bodies[0]
    sql = body["query"]
    assert f"FROM `{TABLE}`" in sql
    assert "2026" not in sql and "team" not in sql  # values travel as parameters only
    params = {p["name"]: p for p in body["queryParameters"]}
    assert params["start"]["parameterValue"]["value"].startswith("2026-10-01 00:00:00")
    assert params["end"]["parameterValue"]["value"].startswith("2026-10-04 00:00:00")
    assert params["prune_from"]["parameterValue"]["value"].startswith("2026-09-29")
    assert params["label_keys"]["parameterValue"]["arrayValues"] == [{"value": "team"}]
    assert "_PARTITIONTIME >= @prune_from" in sql  # ingestion-time partitions pruned
    assert fetched.quota["bigquery_bytes_processed"] == 1073741824
    assert fetched.quota["bigquery_bytes_billed"] == 1073741824
    assert fetched.api_cost == Decimal("0.006103515625")  # 1 GiB at USD 6.25 per TiB
    # tables.get, jobs.query, jobs.get (client, for paging), getQueryResults, jobs.get (stats)
    assert fetched.api_calls == 5
    assert fetched.metrics == ["billed", "effective", "list"]
    assert "tag:team" in fetched.dimensions


def test_throttled_query_is_retried_after_the_servers_delay(bigquery, endpoint, no_sleep):
    throttled = google_error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Exceeded rate limits")
    bigquery.answer(throttled, 429, {"Retry-After": "7"})
    bigquery.answer(fixture("bigquery/query_empty.json"))
    fetched = _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)
    assert len(no_sleep) == 1 and 7 <= no_sleep[0] <= 7 * 1.25
    assert fetched.rows == []
    assert fetched.quota["http_requests"] == 4  # tables.get, 429, query, jobs.get


def test_empty_result_covers_the_days_with_no_rows(bigquery, endpoint, no_sleep):
    bigquery.answer(fixture("bigquery/query_empty.json"))
    fetched = _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)
    assert fetched.rows == []
    assert sorted(fetched.days) == WINDOW[0].each_day()
    assert {acct for acct, _ in fetched.days.values()} == {"0123AB-4567CD-89EF01"}


def test_server_errors_fail_after_retries_with_the_calls_counted(bigquery, endpoint, no_sleep):
    for _ in range(6):
        bigquery.answer(google_error(503, "UNAVAILABLE", "backendError", "Backend error"), 503)
    with pytest.raises(ProviderError, match="HTTP 503") as caught:
        _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)
    assert len(no_sleep) == 5
    assert caught.value.api_calls == 7  # tables.get + 6 attempts


def test_malformed_body_is_a_provider_error(bigquery, endpoint, no_sleep):
    bigquery.answer("<html>502 proxy</html>", 200)
    with pytest.raises(ProviderError, match="malformed response"):
        _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)


def test_rows_of_the_wrong_shape_are_a_provider_error(bigquery, endpoint, no_sleep):
    page = fixture("bigquery/query_empty.json")
    page["totalRows"] = "1"
    page["rows"] = [{"no-f": []}]
    bigquery.answer(page)
    with pytest.raises(ProviderError, match="malformed response"):
        _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)


def test_missing_table_is_one_clear_error(bigquery, endpoint, no_sleep):
    bigquery.table = google_error(
        404, "NOT_FOUND", "notFound", f"Not found: Table {TABLE.replace('.', ':', 1)}"
    )
    with pytest.raises(ProviderError) as caught:
        _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)
    assert caught.value.one_line().startswith(
        f"cannot read BigQuery table {TABLE}: Not found: Table finops-billing:billing_export."
    )
    assert "check the table path" in caught.value.one_line()
    assert "\n" not in caught.value.one_line()
    assert bigquery.query_bodies == []  # no billed query ran


def test_table_that_is_no_billing_export_is_refused_before_querying(bigquery, endpoint, no_sleep):
    bigquery.table = {**bigquery.table, "schema": {"fields": [{"name": "x", "type": "STRING"}]}}
    with pytest.raises(ProviderError, match="does not look like a Cloud Billing export"):
        _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)
    assert bigquery.query_bodies == []


def test_resources_need_the_detailed_export(bigquery, endpoint, no_sleep):
    with pytest.raises(UsageError, match="standard export and has no resources"):
        _source(endpoint, no_sleep, resources=True).fetch(WINDOW, lambda _: None)


def test_denied_access_is_a_credentials_error(bigquery, endpoint, no_sleep):
    bigquery.answer(
        google_error(403, "PERMISSION_DENIED", "accessDenied", "User does not have permission"),
        403,
    )
    with pytest.raises(CredentialsError, match="denied access"):
        _source(endpoint, no_sleep).fetch(WINDOW, lambda _: None)


@pytest.mark.parametrize(
    "table",
    ["billing.export", "my-proj.ds.t`; DROP TABLE x; --", "My_Proj.ds.t", "p.ds.t"],
)
def test_malformed_table_names_are_usage_errors(table):
    with pytest.raises(UsageError, match=r"--table: .* is not a BigQuery table path"):
        GcpProvider.source_from_options(table)


def test_adc_missing_is_a_credentials_error_with_the_gcloud_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    source = GcpProvider.source_from_options(TABLE)
    with pytest.raises(CredentialsError) as caught:
        source.fetch(WINDOW, lambda _: None)
    assert "gcloud auth application-default login" in caught.value.one_line()
