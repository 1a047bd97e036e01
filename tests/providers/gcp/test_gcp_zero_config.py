"""GCP with no config (#12): Application Default Credentials, and the export tables they see.

The credential is a real service-account key file named by
GOOGLE_APPLICATION_CREDENTIALS whose ``token_uri`` is the local server: google-auth
signs a JWT with the key and exchanges it there (the real sign-in flow), then the
real BigQuery client lists projects, datasets and tables and runs the export query
with that token. Only the billing export tables are used, one per billing account.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from cloudspy.providers.gcp.discovery import ExportTable, export_table, one_per_account
from tests.providers.gcp.conftest import PROJECT, TABLE

DATASET = "billing_export"


def service_account_key(path: Any, token_uri: str) -> None:
    """A freshly generated service-account key file (the JSON layout Google issues)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": PROJECT,
                "private_key_id": "0123456789abcdef",
                "private_key": pem,
                "client_email": f"cloudspy@{PROJECT}.iam.gserviceaccount.com",
                "client_id": "100000000000000000001",
                "token_uri": token_uri,
            }
        )
    )


@pytest.fixture
def adc_key(httpserver: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """GOOGLE_APPLICATION_CREDENTIALS with a key whose token endpoint is the local server."""
    exchanges: list[Any] = []

    def token(request: Any) -> Any:
        from werkzeug import Response

        exchanges.append(request.form.to_dict())
        body = {"access_token": "ya29.local-token", "expires_in": 3600, "token_type": "Bearer"}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/token", method="POST").respond_with_handler(token)
    key = tmp_path / "key.json"
    service_account_key(key, httpserver.url_for("/token"))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))
    monkeypatch.setenv("CLOUDSPY_GCP_BIGQUERY_ENDPOINT", httpserver.url_for("/").rstrip("/"))
    return exchanges


def _list_tables(bigquery: Any, *names: str) -> None:
    base = "/bigquery/v2/projects"
    bigquery.listing[base] = {
        "kind": "bigquery#projectList",
        "projects": [
            {
                "kind": "bigquery#project",
                "id": PROJECT,
                "numericId": "123456789012",
                "projectReference": {"projectId": PROJECT},
                "friendlyName": "FinOps billing",
            }
        ],
        "totalItems": 1,
    }
    bigquery.listing[f"{base}/{PROJECT}/datasets"] = {
        "kind": "bigquery#datasetList",
        "datasets": [
            {
                "kind": "bigquery#dataset",
                "id": f"{PROJECT}:{DATASET}",
                "datasetReference": {"datasetId": DATASET, "projectId": PROJECT},
                "location": "US",
            }
        ],
    }
    bigquery.listing[f"{base}/{PROJECT}/datasets/{DATASET}/tables"] = {
        "kind": "bigquery#tableList",
        "tables": [
            {
                "kind": "bigquery#table",
                "id": f"{PROJECT}:{DATASET}.{name}",
                "tableReference": {"projectId": PROJECT, "datasetId": DATASET, "tableId": name},
                "type": "TABLE",
            }
            for name in names
        ],
        "totalItems": len(names),
    }


def test_sync_with_no_config_signs_in_with_the_key_and_finds_the_export(cli, db, bigquery, adc_key):
    table = TABLE.rsplit(".", 1)[1]
    _list_tables(bigquery, "daily_summary", table, "gcp_billing_export_v1_not_an_account")
    bigquery.standard_pages()
    result = cli(
        "--db", db, "sync", "--no-resources", "--since", "2026-10-01", "--until", "2026-10-04"
    )
    assert result.exit_code == 0, result.stderr
    assert "no config: using GCP credentials cloudspy@finops-billing" in result.stderr
    assert f"gcp:bigquery:{TABLE}: ok, 3 day(s) fetched" in result.stdout
    # The real JWT-bearer exchange happened, and BigQuery saw its token.
    assert adc_key and adc_key[0]["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    assert bigquery.query_bodies and "`" + TABLE + "`" in bigquery.query_bodies[0]["query"]


def test_no_export_table_in_sight_names_billing_table(cli, db, bigquery, adc_key):
    _list_tables(bigquery, "daily_summary")
    result = cli("--db", db, "sync", "--provider", "gcp", "--no-resources", "--last", "3d")
    assert result.exit_code == 2
    assert "no GCP billing export table" in result.stderr and "--billing-table" in result.stderr


def test_the_detailed_export_is_kept_over_the_standard_one_of_the_same_account():
    standard = export_table("p", "d", "gcp_billing_export_v1_0123AB_4567CD_89EF01")
    detailed = export_table("p", "d", "gcp_billing_export_resource_v1_0123AB_4567CD_89EF01")
    other = export_table("q", "d", "gcp_billing_export_v1_AAAAAA_BBBBBB_CCCCCC")
    assert export_table("p", "d", "gcp_billing_export_v1_x") is None
    assert one_per_account([standard, other, detailed]) == [
        detailed,
        ExportTable(
            "q.d.gcp_billing_export_v1_AAAAAA_BBBBBB_CCCCCC", "AAAAAA-BBBBBB-CCCCCC", False
        ),
    ]
