"""`cloudspy serve`'s JSON API, /metrics and safety, through the ASGI test client (#17)."""

from __future__ import annotations

import json

import pytest

from tests import paths

WINDOW = {"since": "2026-10-26", "until": "2026-11-25"}


@pytest.mark.parametrize(
    ("endpoint", "params", "cli_args"),
    [
        ("costs", {**WINDOW, "by": ["provider", "service"]},
         ["costs", "--since", "2026-10-26", "--until", "2026-11-25", "--by", "provider", "--by",
          "service", "--offline"]),
        ("costs", {**WINDOW, "provider": "aws", "metric": "effective", "top": "3"},
         ["costs", "--since", "2026-10-26", "--until", "2026-11-25", "--provider", "aws",
          "--metric", "effective", "--top", "3", "--offline"]),
        ("compare", {"by": "service"}, ["compare", "--by", "service", "--offline"]),
        ("forecast", {}, ["forecast", "--offline"]),
        ("resources", {"kind": "disk"}, ["resources", "--kind", "disk"]),
        ("waste", {}, ["waste"]),
        ("history", {}, ["history"]),
    ],
)  # fmt: skip
def test_the_api_answers_exactly_the_clis_json(client, cli, demo_db, endpoint, params, cli_args):
    response = client.get(f"/api/v1/{endpoint}", params=params)
    assert response.status_code == 200, response.text
    shown = cli("--db", demo_db, *cli_args, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    web, terminal = response.json(), json.loads(shown.stdout)
    if endpoint == "costs":
        for document in (web, terminal):
            for source in document["sources"]:
                source.pop("fetched_at")
    assert web == terminal


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/api/v1/costs?last=banana", "unknown period 'banana'"),
        ("/api/v1/costs?by=nonsense", "nonsense"),
        ("/api/v1/costs?top=x", "--top must be a whole number"),
        ("/api/v1/costs?provider=ibm", "unknown provider 'ibm'"),
    ],
)
def test_bad_parameters_are_400_with_the_clis_one_line(client, cli, demo_db, query, message):
    response = client.get(query)
    assert response.status_code == 400
    error = response.json()["error"]
    assert message in error and "\n" not in error


def test_the_openapi_document_lists_every_endpoint(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {f"/api/v1/{n}" for n in
                                  ("costs", "compare", "forecast", "resources", "waste", "history")}  # fmt: skip
    names = {p["name"] for p in spec["paths"]["/api/v1/costs"]["get"]["parameters"]}
    assert {"last", "since", "until", "by", "provider", "metric", "top"} <= names


def test_metrics_are_the_prometheus_export(client, demo_db, tmp_path):
    from prometheus_client.parser import text_string_to_metric_families

    from cloudspy import api

    served = client.get("/metrics")
    assert served.status_code == 200 and served.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(served.text)}
    assert "cloudspy_cost_month_to_date" in families
    out = tmp_path / "cloudspy.prom"
    api.export("prometheus", out, db=demo_db)
    assert served.text == out.read_text()
    assert client.get("/healthz").json() == {"status": "ok", "cache": True, "demo": True}


def test_every_answer_is_read_only_and_carries_a_strict_csp(client):
    page = client.get("/")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'self'" in csp and "unsafe" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/api/v1/costs").status_code == 405


def test_a_foreign_host_header_is_refused(client):
    """DNS rebinding: a page on evil.example resolving to 127.0.0.1 must not read costs."""
    response = client.get("/api/v1/costs", headers={"Host": "evil.example:8765"})
    assert response.status_code == 400


def test_no_secret_is_ever_served(demo_db, monkeypatch):
    from starlette.testclient import TestClient

    from cloudspy import api
    from cloudspy.config import load_settings
    from cloudspy.web.app import ServeConfig, create_app
    from cloudspy.web.security import Guard

    secret = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"
    monkeypatch.setenv("CLOUDSPY_SLACK_WEBHOOK_URL", secret)
    config = ServeConfig(
        demo_db, load_settings(), Guard("127.0.0.1", 8765, None), answers=api, demo=True
    )
    with TestClient(create_app(config), base_url="http://127.0.0.1:8765") as c:
        for path in ("/", "/costs", "/resources", "/waste", "/forecast", "/history", "/metrics",
                     "/healthz", "/api/v1/openapi.json", "/api/v1/history"):  # fmt: skip
            assert "hooks.slack.com" not in c.get(path).text


def test_a_non_loopback_bind_needs_the_token_on_every_request(demo_db):
    from starlette.testclient import TestClient

    from cloudspy.web.app import create_app
    from tests.web.conftest import make_config

    app = create_app(make_config(demo_db, host="0.0.0.0", token="s3cret-token"))
    with TestClient(app, base_url="http://192.0.2.10:8765") as c:
        assert c.get("/api/v1/costs").status_code == 401
        assert c.get("/", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = c.get("/api/v1/waste", headers={"Authorization": "Bearer s3cret-token"})
        assert ok.status_code == 200
        assert c.get("/login?token=wrong", follow_redirects=False).status_code == 401
        link = c.get("/login?token=s3cret-token", follow_redirects=False)
        assert link.status_code == 303 and "httponly" in link.headers["set-cookie"].lower()
        assert c.get("/waste").status_code == 200  # the cookie from the one-time link


def test_serving_beyond_loopback_without_a_token_exits_2(cli, demo_db):
    result = cli("--db", demo_db, "serve", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert "needs a token" in result.stderr and "--token" in result.stderr


def test_the_grafana_dashboard_queries_what_metrics_serves(client):
    """examples/grafana: every metric and label its panels use exists in /metrics."""
    import re

    from prometheus_client.parser import text_string_to_metric_families

    board = json.loads((paths.EXAMPLES / "grafana" / "cloudspy-dashboard.json").read_text())
    exprs = [t["expr"] for p in board["panels"] for t in p.get("targets", [])]
    exprs += [v["query"] for v in board["templating"]["list"]]
    served = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
    labels = {k for f in served.values() for s in f.samples for k in s.labels}
    for expr in exprs:
        for name in re.findall(r"cloudspy_[a-z_]+", expr):
            assert name in served, (name, expr)
        for label in re.findall(r"\b(currency|provider|service|rule|account)\b", expr):
            assert label in labels, (label, expr)
