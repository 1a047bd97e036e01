"""`cloudspy export --format prometheus`: parsed back with prometheus_client (#6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from prometheus_client.parser import text_string_to_metric_families

from cloudspy import api
from tests.exporting.hostile import HOSTILE_REGION, HOSTILE_SERVICE, store_totals

TODAY = date(2026, 11, 25)


def _families(path: Path) -> dict[str, list]:
    return {f.name: f.samples for f in text_string_to_metric_families(path.read_text())}


def test_metrics_parse_and_match_the_store(hostile_db: Path, tmp_path: Path, monkeypatch) -> None:
    from tests.reporting.conftest import unavailable

    monkeypatch.setattr(api, "waste", unavailable("waste findings"))
    out = tmp_path / "cloudspy.prom"
    result = api.export("prometheus", out, db=hostile_db, today=TODAY)
    families = _families(out)
    assert set(families) >= {
        "cloudspy_cost_last_day",
        "cloudspy_cost_month_to_date",
        "cloudspy_last_sync_timestamp_seconds",
        "cloudspy_last_sync_success",
        "cloudspy_last_sync_status",
    }
    assert "cloudspy_waste_monthly_savings" not in families
    assert "# cloudspy_waste_monthly_savings: no data:" in out.read_text()
    assert result.notes and result.rows > 0
    mtd = store_totals(hostile_db, "2026-11-01", "2026-11-25")
    for currency, (total, _) in mtd.items():
        got = sum(
            Decimal(str(s.value))
            for s in families["cloudspy_cost_month_to_date"]
            if s.labels["currency"] == currency
        )
        assert abs(got - total) < Decimal("0.01")
    day = store_totals(hostile_db, "2026-11-24", "2026-11-25")
    assert {s.labels["currency"] for s in families["cloudspy_cost_last_day"]} == set(day)
    sync = families["cloudspy_last_sync_success"]
    assert [s.labels["scope"] for s in sync] == ["demo:sample"] and sync[0].value == 1


def test_hostile_label_values_are_escaped(hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "cloudspy.prom"
    api.export("prometheus", out, db=hostile_db, today=date(2026, 11, 21))
    samples = _families(out)["cloudspy_cost_last_day"]
    services = {s.labels["service"] for s in samples}
    assert HOSTILE_SERVICE in services  # round-trips exactly through the text format


def test_quotes_backslashes_and_newlines_round_trip() -> None:
    from cloudspy.exporting.prometheus import Sample, family

    text = "\n".join(family("x_cost", "help", [Sample({"region": HOSTILE_REGION}, 1)])) + "\n"
    (parsed,) = text_string_to_metric_families(text)
    assert parsed.samples[0].labels["region"] == HOSTILE_REGION
    assert len(text.splitlines()) == 3


def test_waste_savings_per_rule(hostile_db: Path, tmp_path: Path, monkeypatch) -> None:
    def waste(*, db=None, settings=None, provider=()):
        finding = SimpleNamespace(
            rule="unattached-disk",
            title="Unattached disk",
            provider="AWS",
            account="1",
            region="us-east-1",
            resource_id="vol-1",
            name=None,
            monthly_savings=Decimal("8.00"),
            currency="USD",
            upper_bound=False,
        )
        return SimpleNamespace(findings=[finding, finding])

    monkeypatch.setattr(api, "waste", waste, raising=False)
    out = tmp_path / "cloudspy.prom"
    api.export("prometheus", out, db=hostile_db, today=TODAY)
    (sample,) = _families(out)["cloudspy_waste_monthly_savings"]
    assert sample.labels == {"provider": "AWS", "rule": "unattached-disk", "currency": "USD"}
    assert sample.value == pytest.approx(16.0)


def test_cli_writes_the_textfile_atomically(cli, hostile_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "cloudspy.prom"
    out.write_text("old\n")
    result = cli("--db", hostile_db, "export", "--format", "prometheus", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert out.read_text().startswith("# HELP ")
    assert [p.name for p in tmp_path.iterdir()] == ["cloudspy.prom"]
