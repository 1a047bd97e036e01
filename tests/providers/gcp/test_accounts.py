"""``cloudspy gcp accounts`` through the real Cloud Billing REST client (issue #3)."""

from __future__ import annotations

import json

from google.auth.credentials import AnonymousCredentials

from cloudspy.providers.gcp.provider import GcpProvider
from cloudspy.providers.gcp.settings import GcpSettings


def test_billing_accounts_with_linked_projects(billing, endpoint):
    accounts = GcpProvider.billing_accounts(
        GcpSettings(billing_endpoint=endpoint), credentials=AnonymousCredentials()
    )
    assert [a.id for a in accounts] == ["CU570D-1A4CU5-70D1A4"]
    account = accounts[0]
    assert (account.display_name, account.open, account.master_billing_account) == (
        "Custodian",
        True,
        None,
    )
    assert [(p.project_id, p.billing_enabled) for p in account.projects] == [
        ("old-sandbox", False),
        ("shop-prod", True),
    ]


def test_accounts_command_table_and_json(cli, billing, gcp_env):
    table = cli("gcp", "accounts")
    assert table.exit_code == 0, table.stderr
    assert "CU570D-1A4CU5-70D1A4" in table.stdout and "shop-prod" in table.stdout
    assert "old-sandbox" in table.stdout

    out = cli("gcp", "accounts", "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == [
        {
            "id": "CU570D-1A4CU5-70D1A4",
            "display_name": "Custodian",
            "open": True,
            "master_billing_account": None,
            "projects": [
                {"project_id": "old-sandbox", "billing_enabled": False},
                {"project_id": "shop-prod", "billing_enabled": True},
            ],
        }
    ]


def test_accounts_throttled_then_answered(cli, httpserver, gcp_env, fast_retries):
    from tests.providers.gcp.conftest import google_error

    httpserver.expect_ordered_request("/v1/billingAccounts").respond_with_json(
        google_error(429, "RESOURCE_EXHAUSTED", "rateLimitExceeded", "Quota exceeded"),
        status=429,
        headers={"Retry-After": "3"},
    )
    httpserver.expect_ordered_request("/v1/billingAccounts").respond_with_json(
        {"billingAccounts": []}
    )
    out = cli("gcp", "accounts", "--format", "json")
    assert out.exit_code == 0, out.stderr
    assert json.loads(out.stdout) == []
    assert len(fast_retries) == 1 and fast_retries[0] >= 3
