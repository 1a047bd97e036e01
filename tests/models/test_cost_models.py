"""The costs results: dataclasses that serialize and validate as pydantic models do."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pydantic

from cloudspy.models.costs import (
    CostGroup,
    CostReport,
    CurrencyTotal,
    SeriesPoint,
    SourceFreshness,
    WindowModel,
)
from cloudspy.render.costs_render import costs_table


def _report(group: str = "Amazon EC2") -> CostReport:
    return CostReport(
        window=WindowModel(start=date(2026, 11, 1), end=date(2026, 11, 3)),
        previous_window=WindowModel(start=date(2026, 10, 30), end=date(2026, 11, 1)),
        metric="BilledCost",
        group_by=["service"],
        granularity="day",
        totals=[CurrencyTotal(currency="USD", cost=Decimal("0.30"))],
        rows=[
            CostGroup(
                group={"service": group},
                currency="USD",
                cost=Decimal("0.30"),
                share_pct=Decimal("100.00"),
                series=[
                    SeriesPoint(start=date(2026, 11, 1), cost=Decimal("0.1")),
                    SeriesPoint(start=date(2026, 11, 2), cost=Decimal("0.2")),
                ],
            )
        ],
        sources=[
            SourceFreshness(
                scope="aws:1",
                source="aws-ce",
                provider="AWS",
                days=2,
                estimated_days=0,
                fetched_at=None,
            )
        ],
    )


def test_json_is_what_pydantic_writes_money_as_exact_strings():
    report = _report()
    text = report.model_dump_json()
    assert '"cost":"0.3"' in text and '"start":"2026-11-01"' in text
    again = CostReport.model_validate_json(text)
    assert again == report
    assert again.rows[0].series[1].cost == Decimal("0.2")


def test_model_dump_and_validate_round_trip():
    report = _report()
    dumped = report.model_dump()
    assert dumped["totals"][0]["cost"] == Decimal("0.30")
    assert report.model_dump(mode="json")["window"] == {"start": "2026-11-01", "end": "2026-11-03"}
    assert CostReport.model_validate(dumped) == report
    assert "rows" in CostReport.model_json_schema()["properties"]


def test_validation_refuses_a_wrong_type():
    dumped = _report().model_dump()
    dumped["totals"][0]["cost"] = "not money"
    try:
        CostReport.model_validate(dumped)
    except pydantic.ValidationError as exc:
        assert "totals" in str(exc)
    else:
        raise AssertionError("an invalid amount was accepted")


def test_pydantic_models_embed_them():
    """Other results (export, compare …) hold WindowModel and CurrencyTotal as fields."""
    from cloudspy.models.reporting import ExportResult

    result = ExportResult(
        path="x.csv",
        format="csv",
        rows=1,
        bytes=10,
        window=WindowModel(start=date(2026, 11, 1), end=date(2026, 11, 2)),
        totals=[CurrencyTotal(currency="EUR", cost=Decimal("1.50"))],
    )
    assert result.window.end == date(2026, 11, 2)
    assert '"totals":[{"currency":"EUR","cost":"1.5"' in result.model_dump_json()
    assert ExportResult.model_validate_json(result.model_dump_json()) == result


def test_a_group_name_in_brackets_is_shown_as_written():
    """Cells are plain text: a tag value like "[prod]" is not taken for rich markup."""
    from rich.console import Console

    console = Console(width=160, record=True, color_system=None)
    console.print(costs_table(_report("[prod] [bold]x")))
    assert "[prod] [bold]x" in console.export_text()
