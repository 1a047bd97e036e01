"""``cloudspy azure subscriptions|sync|costs`` end to end against the loopback server (#3)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tests.providers.azure.conftest import (
    FIXTURES,
    QPU_HEADERS,
    SUBSCRIPTION,
    respond,
    totals_by_currency,
)

CONFIG = f'[azure]\nsubscriptions = ["{SUBSCRIPTION}"]\n'
WINDOW = ("--since", "2018-03-31", "--until", "2018-04-30")
DAILY = (FIXTURES / "query-daily-service-location.json").read_text()


def _serve_daily(replay: Any) -> None:
    replay.answer = lambda path, body, req: respond(raw=DAILY, headers=QPU_HEADERS)


def _stored(db: Any) -> dict[str, tuple[Decimal, Decimal]]:
    """Exact per-currency sums of BilledCost and EffectiveCost in the store."""
    from cloudspy.store.connection import connect

    with connect(db, read_only=True, timeout=5) as conn:
        rows = conn.execute(
            "SELECT BillingCurrency, sum(BilledCost), sum(EffectiveCost) FROM cost GROUP BY 1"
        ).fetchall()
    return {r[0]: (r[1].normalize(), r[2].normalize()) for r in rows}


def _totals(azure_cli: Any) -> dict[str, Decimal]:
    result = azure_cli("costs", *WINDOW, "--by", "region", "--format", "json", "--offline")
    assert result.exit_code == 0, result.stderr
    return {t["currency"]: Decimal(t["cost"]) for t in json.loads(result.stdout)["totals"]}


def test_sync_reconciles_per_currency_and_history_shows_qpu(replay: Any, azure_cli: Any):
    _serve_daily(replay)
    result = azure_cli("azure", "sync", "--no-resources", *WINDOW, config=CONFIG)
    assert result.exit_code == 0, result.stderr
    assert f"azure:query:/subscriptions/{SUBSCRIPTION}: ok" in result.stdout
    assert "2 API call(s) costing 0 USD" in result.stdout
    expected = totals_by_currency([DAILY])
    shown = _totals(azure_cli)
    assert set(shown) == {"USD", "EUR"}
    # The JSON shows 4 decimals: within half a unit of that, far below a cent.
    assert all(abs(shown[c] - expected[c]) <= Decimal("0.00005") for c in expected)
    # DECIMAL(38, 16) keeps 16 decimals; Azure's floats carry up to 18 (0.009865586851323632).
    stored = _stored(azure_cli.db)
    assert set(stored) == set(expected)
    for currency, (billed, effective) in stored.items():
        assert abs(billed - expected[currency]) < Decimal("1e-14")
        assert billed == effective
    history = azure_cli("history", "--format", "json")
    run = json.loads(history.stdout)[0]
    assert run["provider"] == "azure" and run["source"] == "azure-query"
    assert run["api_calls"] == 2
    assert run["quota_used"]["qpu_consumed"] == "2"
    # The default breakdown (service × region) cannot answer by resource group.
    by_rg = azure_cli("costs", *WINDOW, "--by", "resource-group", "--offline")
    assert by_rg.exit_code == 3 and "no 'resource-group' breakdown" in by_rg.stderr


def test_resource_group_breakdown_is_cached_and_shown(replay: Any, azure_cli: Any):
    body = json.loads((FIXTURES / "cost-management_2025-03-01_SubscriptionQuery.json").read_text())
    text = json.dumps(body["responses"]["200"]["body"])
    replay.answer = lambda path, query, req: respond(raw=text)
    config = CONFIG + 'breakdown = ["ResourceGroupName"]\n'
    assert azure_cli("azure", "sync", "--no-resources", *WINDOW, config=config).exit_code == 0
    result = azure_cli(
        "costs", *WINDOW, "--by", "resource-group", "--format", "json", "--offline", config=config
    )
    assert result.exit_code == 0, result.stderr
    groups = {row["group"]["resource-group"] for row in json.loads(result.stdout)["rows"]}
    assert "ict_stratandplan_goldsprova_prod" in groups


def test_server_failure_exits_3_and_keeps_the_cache(replay: Any, azure_cli: Any, sleeps: list):
    _serve_daily(replay)
    assert azure_cli("azure", "sync", "--no-resources", *WINDOW, config=CONFIG).exit_code == 0
    before = _totals(azure_cli)
    replay.answer = lambda path, body, req: respond({"error": {"code": "InternalError"}}, 500)
    result = azure_cli("azure", "sync", "--no-resources", *WINDOW, "--refresh", config=CONFIG)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "InternalError" in result.stderr
    assert _totals(azure_cli) == before
    runs = json.loads(azure_cli("history", "--format", "json").stdout)
    assert runs[0]["status"] == "failed" and runs[0]["api_calls"] >= 5


def test_unreadable_subscription_is_one_line_exit_3(replay: Any, azure_cli: Any):
    _serve_daily(replay)
    assert azure_cli("azure", "sync", "--no-resources", *WINDOW, config=CONFIG).exit_code == 0
    before = _totals(azure_cli)
    replay.answer = lambda path, body, req: respond(
        {"error": {"code": "AuthorizationFailed", "message": "The client does not have access"}},
        403,
    )
    result = azure_cli("azure", "sync", "--no-resources", *WINDOW, "--refresh", config=CONFIG)
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1
    assert SUBSCRIPTION in result.stderr and "Cost Management Reader" in result.stderr
    assert "Traceback" not in result.stderr
    assert _totals(azure_cli) == before


def test_sync_without_any_scope_is_a_usage_error(azure_cli: Any):
    result = azure_cli("azure", "sync", "--last", "7d")
    assert result.exit_code == 2
    assert "no Azure subscription" in result.stderr


def test_subscriptions_are_listed(replay: Any, azure_cli: Any):
    listing = (FIXTURES / "subscriptions-list.json").read_text()
    replay.answer = lambda path, body, req: respond(raw=listing)
    result = azure_cli("azure", "subscriptions", "--format", "json")
    assert result.exit_code == 0, result.stderr
    subs = json.loads(result.stdout)
    assert [s["name"] for s in subs] == ["Dev and Test", "Production"]
    assert subs[0]["state"] == "Disabled"
    assert subs[1]["tenant_id"] == "11111111-2222-3333-4444-555555555555"
    assert replay.requests[0][1].startswith("/subscriptions?api-version=")
    table = azure_cli("azure", "subscriptions")
    assert "ea42f556-5106-4743-99b0-c129bfa71a47" in table.stdout


def test_subscriptions_with_refused_credentials(replay: Any, azure_cli: Any):
    replay.answer = lambda path, body, req: respond(
        {"error": {"code": "InvalidAuthenticationToken", "message": "expired"}}, 401
    )
    result = azure_cli("azure", "subscriptions")
    assert result.exit_code == 3
    assert "az login" in result.stderr and result.stderr.count("\n") == 1
