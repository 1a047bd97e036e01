"""Azure Cost Management Query through the real SDK against replayed responses (issue #3)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from cloudspy.config import Settings
from cloudspy.errors import CredentialsError, ProviderError
from cloudspy.periods import Window
from cloudspy.providers.azure.costs import chunks, fetch_costs, region_of
from cloudspy.providers.azure.query import QueryGate
from cloudspy.providers.azure.settings import AzureSettings
from tests.providers.azure.conftest import (
    FIXTURES,
    QPU_HEADERS,
    QUERY_PATH,
    SCOPE,
    SUBSCRIPTION,
    cassette_query_body,
    respond,
    spec_example,
    totals_by_currency,
)

TODAY = date(2026, 11, 25)


def _fetch(connector: Any, window: Window, groupings: tuple[str, ...], **kwargs: Any) -> Any:
    return fetch_costs(
        connector.cost_client(),
        SCOPE,
        [window],
        lambda _m: None,
        groupings=groupings,
        cost_column="PreTaxCost",
        gate=QueryGate(4, sleep=kwargs.pop("gate_sleep", None)),
        parallel=2,
        today=TODAY,
        **kwargs,
    )


def _sum(rows: list[dict[str, Any]], metric: str) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for row in rows:
        out[row["BillingCurrency"]] = out.get(row["BillingCurrency"], Decimal(0)) + row[metric]
    return out


def test_published_daily_example_parses_exactly_through_the_sdk(replay: Any, connector: Any):
    text = json.dumps(spec_example("cost-management_2025-03-01_SubscriptionQuery.json"))
    replay.answer = lambda path, body, req: respond(raw=text, headers=QPU_HEADERS)
    fetched = _fetch(
        connector, Window(date(2018, 3, 31), date(2018, 4, 30)), ("ResourceGroupName",)
    )
    assert _sum(fetched.rows, "BilledCost") == totals_by_currency([text])
    assert _sum(fetched.rows, "EffectiveCost") == totals_by_currency([text])
    assert {r["x_ResourceGroupName"] for r in fetched.rows} == {
        "screensharingtest-peer",
        "ict_stratandplan_goldsprova_prod",
        "ssbciotelement01",
    }
    assert Decimal("2.10333307059661") in {r["BilledCost"] for r in fetched.rows}
    assert fetched.api_calls == 2 and fetched.api_cost == 0
    assert fetched.quota["qpu_consumed"] == "2"
    assert fetched.quota["qpu_remaining"] == "QueryResource=11"
    assert {r[0] for r in replay.requests} == {"POST"}
    assert all(r[1].startswith(QUERY_PATH) for r in replay.requests)
    assert all(r[3]["Authorization"] == "Bearer test-token" for r in replay.requests)
    types = sorted(q["type"] for q in replay.queries())
    assert types == ["ActualCost", "AmortizedCost"]
    query = replay.queries()[0]
    assert query["dataset"]["granularity"] == "Daily"
    assert query["timePeriod"] == {"from": "2018-03-31T00:00:00Z", "to": "2018-04-29T23:59:59Z"}
    assert query["dataset"]["grouping"] == [{"type": "Dimension", "name": "ResourceGroupName"}]


def test_real_recording_without_usage_date_fills_a_one_day_window(replay: Any, connector: Any):
    text = json.dumps(cassette_query_body("CostFilterTest.test_cost_resource_group.json"))
    replay.answer = lambda path, body, req: respond(raw=text)
    fetched = _fetch(
        connector, Window(date(2019, 7, 22), date(2019, 7, 23)), ("ResourceGroupName",)
    )
    assert len(fetched.rows) == 14
    assert _sum(fetched.rows, "BilledCost") == totals_by_currency([text])
    assert {r["ChargePeriodStart"].date() for r in fetched.rows} == {date(2019, 7, 22)}
    # The recording's empty resource group ("") is costs outside any group.
    assert any(r["x_ResourceGroupName"] is None for r in fetched.rows)
    assert Decimal("0.00006") in {r["BilledCost"] for r in fetched.rows}


def test_real_recording_without_usage_date_is_refused_for_several_days(replay: Any, connector: Any):
    text = json.dumps(cassette_query_body("CostFilterTest.test_cost_resource.json"))
    replay.answer = lambda path, body, req: respond(raw=text)
    with pytest.raises(ProviderError, match="no UsageDate column"):
        _fetch(connector, Window(date(2019, 7, 1), date(2019, 7, 3)), ("ResourceGroupName",))


def test_next_link_is_followed_with_the_same_body(replay: Any, connector: Any, httpserver: Any):
    body = spec_example("cost-management_2025-03-01_SubscriptionQuery.json")
    rows = body["properties"]["rows"]
    link = httpserver.url_for(QUERY_PATH) + "?api-version=2025-03-01&$skiptoken=page2"
    page1 = json.loads(json.dumps(body))
    page1["properties"].update(rows=rows[:2], nextLink=link)
    page2 = json.loads(json.dumps(body))
    page2["properties"].update(rows=rows[2:], nextLink=None)
    texts = [json.dumps(page1), json.dumps(page2)]

    def answer(path: str, query: Any, request: Any) -> Any:
        return respond(raw=texts[1] if "skiptoken" in request.full_path else texts[0])

    replay.answer = answer
    fetched = _fetch(
        connector, Window(date(2018, 3, 31), date(2018, 4, 30)), ("ResourceGroupName",)
    )
    assert _sum(fetched.rows, "BilledCost") == totals_by_currency(texts)
    assert len(fetched.rows) == 4
    assert fetched.api_calls == 4
    skip = [r for r in replay.requests if "skiptoken=page2" in r[1]]
    assert len(skip) == 2 and all(r[0] == "POST" for r in skip)
    assert {json.dumps(r[2], sort_keys=True) for r in skip} <= {
        json.dumps(q, sort_keys=True) for q in replay.queries()
    }
    assert all(r[3]["Authorization"] == "Bearer test-token" for r in skip)


def test_next_link_to_another_host_is_refused(replay: Any, connector: Any):
    body = spec_example("cost-management_2025-03-01_SubscriptionQuery.json")
    body["properties"]["nextLink"] = "https://attacker.example/query?$skiptoken=x"
    replay.answer = lambda path, query, req: respond(body)
    with pytest.raises(ProviderError, match="another host"):
        _fetch(connector, Window(date(2018, 3, 31), date(2018, 4, 30)), ("ResourceGroupName",))


def test_throttling_waits_what_the_qpu_header_says(replay: Any, connector: Any, sleeps: list):
    text = json.dumps(spec_example("cost-management_2025-03-01_SubscriptionQuery.json"))
    seen = {"n": 0}

    def answer(path: str, query: Any, request: Any) -> Any:
        seen["n"] += 1
        if seen["n"] == 1:
            headers = {"x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "7"}
            error = {"error": {"code": "429", "message": "Too many requests. Please retry."}}
            return respond(error, status=429, headers=headers)
        return respond(raw=text, headers=QPU_HEADERS)

    replay.answer = answer
    fetched = fetch_costs(
        connector.cost_client(),
        SCOPE,
        [Window(date(2018, 3, 31), date(2018, 4, 30))],
        lambda _m: None,
        groupings=("ResourceGroupName",),
        cost_column="PreTaxCost",
        gate=QueryGate(1),
        parallel=1,
        today=TODAY,
    )
    assert fetched.quota["throttled"] == 1
    assert fetched.api_calls == 3
    assert any(7 <= s <= 7 * 1.25 for s in sleeps)
    assert _sum(fetched.rows, "BilledCost") == totals_by_currency([text])


def test_retry_after_header_is_used_when_no_qpu_header(replay: Any, connector: Any, sleeps: list):
    seen = {"n": 0}

    def answer(path: str, query: Any, request: Any) -> Any:
        seen["n"] += 1
        if seen["n"] == 1:
            return respond({"error": {"code": "429"}}, status=429, headers={"Retry-After": "3"})
        return respond(status=204)

    replay.answer = answer
    fetched = _fetch(connector, Window(date(2018, 3, 31), date(2018, 4, 1)), ("ServiceName",))
    assert fetched.rows == [] and fetched.quota["throttled"] == 1
    assert any(3 <= s <= 3.75 for s in sleeps)


def test_server_errors_are_retried_then_fail(replay: Any, connector: Any, sleeps: list):
    replay.answer = lambda path, query, req: respond(
        {"error": {"code": "ServiceUnavailable", "message": "try later"}}, status=503
    )
    with pytest.raises(ProviderError, match=r"HTTP 503|ServiceUnavailable") as info:
        _fetch(connector, Window(date(2018, 3, 31), date(2018, 4, 1)), ("ServiceName",))
    assert "after 5 tries" in info.value.one_line()
    assert info.value.api_calls >= 5
    assert "\n" not in info.value.one_line()


@pytest.mark.parametrize("status", [200, 204])
def test_empty_results_store_zero_rows_but_cover_the_days(replay: Any, connector: Any, status: int):
    empty = spec_example("cost-management_2025-03-01_SubscriptionQuery.json")
    empty["properties"]["rows"] = []
    replay.answer = lambda path, query, req: respond(empty if status == 200 else None, status)
    fetched = _fetch(connector, Window(date(2018, 3, 1), date(2018, 3, 11)), ("ServiceName",))
    assert fetched.rows == []
    assert len(fetched.days) == 10


@pytest.mark.parametrize(
    "raw",
    [
        "{not json",
        '{"properties": {"columns": [], "rows": [[1, 2]]}}',
        '{"properties": {"columns": [{"name": "PreTaxCost"}, {"name": "UsageDate"},'
        ' {"name": "Currency"}], "rows": [["abc", 20180301, "USD"]]}}',
        '{"rows": []}',
    ],
)
def test_malformed_bodies_fail_with_one_line(replay: Any, connector: Any, raw: str):
    replay.answer = lambda path, query, req: respond(raw=raw)
    with pytest.raises(ProviderError, match="malformed") as info:
        _fetch(connector, Window(date(2018, 3, 1), date(2018, 3, 3)), ("ServiceName",))
    assert "\n" not in info.value.one_line()


def test_forbidden_subscription_is_a_credentials_error_naming_the_scope(
    replay: Any, connector: Any
):
    replay.answer = lambda path, query, req: respond(
        {"error": {"code": "AuthorizationFailed", "message": "no access"}}, status=403
    )
    with pytest.raises(CredentialsError) as info:
        _fetch(connector, Window(date(2018, 3, 1), date(2018, 3, 3)), ("ServiceName",))
    line = info.value.one_line()
    assert (
        SUBSCRIPTION in line and "AuthorizationFailed" in line and "Cost Management Reader" in line
    )


def test_unknown_scope_is_a_provider_error(replay: Any, connector: Any):
    replay.answer = lambda path, query, req: respond(
        {"error": {"code": "SubscriptionNotFound", "message": "not found"}}, status=404
    )
    with pytest.raises(ProviderError, match="SubscriptionNotFound"):
        _fetch(connector, Window(date(2018, 3, 1), date(2018, 3, 3)), ("ServiceName",))


def test_ninety_days_are_queried_in_chunks_of_at_most_31_days(replay: Any, connector: Any):
    replay.answer = lambda path, query, req: respond(status=204)
    window = Window(date(2026, 7, 1), date(2026, 9, 29))
    _fetch(connector, window, ("ServiceName", "ResourceLocation"))
    queries = replay.queries()
    assert len(queries) == 6
    spans = sorted({(q["timePeriod"]["from"][:10], q["timePeriod"]["to"][:10]) for q in queries})
    assert [(c.start.isoformat(), (c.end - c.start).days) for c in chunks(window)] == [
        ("2026-07-01", 31),
        ("2026-08-01", 31),
        ("2026-09-01", 28),
    ]
    assert spans == [
        ("2026-07-01", "2026-07-31"),
        ("2026-08-01", "2026-08-31"),
        ("2026-09-01", "2026-09-28"),
    ]
    assert sorted(q["type"] for q in queries) == ["ActualCost"] * 3 + ["AmortizedCost"] * 3


def test_actual_and_amortized_rows_are_merged_per_day_group_and_currency(
    replay: Any, connector: Any
):
    body = json.loads((FIXTURES / "query-daily-service-location.json").read_text())
    amortized = json.loads(json.dumps(body))
    amortized["properties"]["rows"][0][0] = 1.5  # a reservation spread differently

    def answer(path: str, query: Any, request: Any) -> Any:
        return respond(body if query["type"] == "ActualCost" else amortized)

    replay.answer = answer
    fetched = _fetch(
        connector, Window(date(2018, 3, 31), date(2018, 4, 30)), ("ServiceName", "ResourceLocation")
    )
    assert len(fetched.rows) == 5
    first = next(
        r
        for r in fetched.rows
        if r["ServiceName"] == "Virtual Machines" and r["ChargePeriodStart"].day == 31
    )
    assert (first["BilledCost"], first["EffectiveCost"]) == (
        Decimal("2.10333307059661"),
        Decimal("1.5"),
    )
    assert first["RegionId"] == "eastus" and first["RegionName"] == "East US"
    assert _sum(fetched.rows, "BilledCost")["EUR"] == Decimal("0.00006")
    assert set(_sum(fetched.rows, "BilledCost")) == {"USD", "EUR"}
    assert fetched.dimensions == ["provider", "billing_account", "account", "service", "region"]


def test_region_names_are_normalized():
    assert region_of("US East") == ("eastus", "East US")
    assert region_of("EU West") == ("westeurope", "West Europe")
    assert region_of("Unassigned") == ("global", "Global")
    assert region_of("Mars North") == ("marsnorth", "Mars North")
    assert region_of("") == (None, None)


def test_settings_scopes_and_breakdown_validation():
    from pydantic import ValidationError

    azure = AzureSettings(
        subscriptions=[SUBSCRIPTION],
        scopes=["providers/Microsoft.Management/managementGroups/finance"],
    )
    assert azure.all_scopes() == [
        SCOPE,
        "/providers/Microsoft.Management/managementGroups/finance",
    ]
    assert Settings(azure=azure).configured_providers() == ["azure"]
    with pytest.raises(ValidationError):
        AzureSettings(breakdown=("ServiceName", "MeterId"))
    with pytest.raises(ValidationError):
        AzureSettings(breakdown=("ServiceName", "ResourceLocation", "ResourceGroupName"))


def test_sovereign_cloud_endpoints_and_env_overrides(monkeypatch: pytest.MonkeyPatch):
    from cloudspy.errors import UsageError
    from cloudspy.providers.azure.session import resolve_endpoints

    china = resolve_endpoints("china")
    assert china.arm == "https://management.chinacloudapi.cn"
    assert china.authority == "https://login.chinacloudapi.cn"
    gov = resolve_endpoints("usgov")
    assert gov.arm == "https://management.usgovcloudapi.net"
    assert gov.token_scope == "https://management.core.usgovcloudapi.net/.default"
    monkeypatch.setenv("CLOUDSPY_AZURE_CLOUD", "usgov")
    monkeypatch.setenv("CLOUDSPY_AZURE_ARM_ENDPOINT", "https://arm.example.test/")
    custom = resolve_endpoints("public")
    assert custom.arm == "https://arm.example.test"
    assert custom.authority == "https://login.microsoftonline.us"
    assert custom.token_scope == "https://arm.example.test/.default"
    monkeypatch.setenv("CLOUDSPY_AZURE_CLOUD", "mars")
    with pytest.raises(UsageError, match="unknown Azure cloud"):
        resolve_endpoints()


def _charge_answer(path: str, body: Any, req: Any) -> Any:
    """A Query API answer grouped by ChargeType, in the published columns-and-rows shape."""
    amortized = body["type"] == "AmortizedCost"
    rows = [
        [Decimal("40.5"), 20261101, "Usage", "USD"],
        [Decimal("-12.25"), 20261101, "Refund", "USD"],
        [Decimal("0") if amortized else Decimal("300"), 20261101, "Purchase", "USD"],
        [Decimal("9.75") if amortized else Decimal("0"), 20261101, "UnusedReservation", "USD"],
    ]
    page = {
        "properties": {
            "nextLink": None,
            "columns": [
                {"name": "PreTaxCost", "type": "Number"},
                {"name": "UsageDate", "type": "Number"},
                {"name": "ChargeType", "type": "String"},
                {"name": "Currency", "type": "String"},
            ],
            "rows": [[float(r[0]), r[1], r[2], r[3]] for r in rows],  # JSON numbers, as sent
        }
    }
    return respond(page, headers=QPU_HEADERS)


def test_charge_type_grouping_takes_the_category_from_the_data(replay: Any, connector: Any):
    """#13 item 6: a reservation purchase was shown as Usage and refunds vanished into usage."""
    replay.answer = _charge_answer
    fetched = _fetch(connector, Window(date(2026, 11, 1), date(2026, 11, 2)), ("ChargeType",))
    by_category = {r["ChargeCategory"]: r["BilledCost"] for r in fetched.rows if r["BilledCost"]}
    assert by_category == {
        "Usage": Decimal("40.5"),
        "Credit": Decimal("-12.25"),
        "Purchase": Decimal("300"),
    }
    assert "charge" in fetched.dimensions


def test_without_charge_type_the_charge_dimension_is_not_claimed(replay: Any, azure_cli: Any):
    text = (FIXTURES / "query-daily-service-location.json").read_text()
    replay.answer = lambda path, body, req: respond(raw=text, headers=QPU_HEADERS)
    config = f'[azure]\nsubscriptions = ["{SUBSCRIPTION}"]\n'
    window = ("--since", "2018-03-31", "--until", "2018-04-30")
    assert azure_cli("azure", "sync", "--no-resources", *window, config=config).exit_code == 0
    result = azure_cli("costs", *window, "--by", "charge", "--offline")
    assert result.exit_code == 3
    assert "no 'charge' breakdown" in result.stderr
