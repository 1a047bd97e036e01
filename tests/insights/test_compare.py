"""compare over stores with known answers: new/vanished groups, credits, two currencies, partial."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cloudspy import api
from cloudspy.errors import UsageError
from cloudspy.insights.compare import change_pct, compare_groups
from cloudspy.insights.cost_reads import GroupTotal
from cloudspy.insights.period_pairs import period_pair
from tests.insights.conftest import TODAY, cost_row, daily

OCT, NOV, SEP = date(2026, 10, 1), date(2026, 11, 1), date(2026, 9, 1)


@pytest.fixture
def months(store_factory):
    rows = (
        daily(SEP, NOV, "EC2", "10")  # steady: 300 in Sep, 310 in Oct
        + daily(SEP, OCT, "OldDB", "5")  # vanishes in October
        + daily(OCT, TODAY, "Bedrock", "2")  # new in October
        + daily(SEP, NOV, "VMs", "3", currency="EUR", provider="Microsoft")
        + [cost_row(OCT, "EC2", "-100", charge="Credit")]  # a credit on Oct 1
    )
    return store_factory(rows, SEP)


def test_month_compare_known_answers(months):
    result = api.compare(period="month", by=["service"], db=months, today=TODAY)
    assert (result.current.start, result.current.end) == (OCT, NOV)
    assert (result.previous.start, result.previous.end) == (SEP, OCT)
    assert not result.partial
    rows = {(r.group["service"], r.currency): r for r in result.rows}
    ec2 = rows[("EC2", "USD")]
    assert (ec2.current, ec2.previous, ec2.change) == (Decimal(210), Decimal(300), Decimal(-90))
    assert ec2.change_pct == Decimal("-30.00")
    assert rows[("Bedrock", "USD")].status == "new"
    assert rows[("Bedrock", "USD")].change_pct is None
    assert rows[("OldDB", "USD")].status == "vanished"
    assert rows[("OldDB", "USD")].current == 0
    totals = {t.currency: t for t in result.totals}
    assert totals["USD"].current == Decimal(210 + 62)
    assert totals["USD"].previous == Decimal(300 + 150)
    assert totals["EUR"].current == Decimal(93) and totals["EUR"].previous == Decimal(90)
    assert [r.group["service"] for r in result.new_groups] == ["Bedrock"]
    assert [r.group["service"] for r in result.vanished_groups] == ["OldDB"]
    assert [r.group["service"] for r in result.movers_up] == ["VMs", "Bedrock"]
    assert [r.group["service"] for r in result.movers_down] == ["OldDB", "EC2"]


def test_partial_month_compares_the_same_days(months):
    result = api.compare(period="month", partial=True, by=["service"], db=months, today=TODAY)
    assert result.partial and "24 of 30 days" in result.partial_note
    assert (result.previous.start, result.previous.end) == (OCT, date(2026, 10, 25))
    bedrock = next(r for r in result.rows if r.group["service"] == "Bedrock")
    assert (bedrock.current, bedrock.previous) == (Decimal(48), Decimal(48))


def test_negative_baseline_keeps_the_sign():
    assert change_pct(Decimal(-50), Decimal(-100)) == Decimal("50.00")
    assert change_pct(Decimal(-150), Decimal(-100)) == Decimal("-50.00")
    assert change_pct(Decimal(5), Decimal(0)) is None


def test_compare_groups_never_adds_currencies():
    cur = [GroupTotal(("x",), "USD", Decimal(10)), GroupTotal(("x",), "EUR", Decimal(7))]
    totals, rows, _, _ = compare_groups(cur, [], ["service"])
    assert {(t.currency, t.current) for t in totals} == {("USD", Decimal(10)), ("EUR", Decimal(7))}
    assert all(r.status == "new" for r in rows)


def test_week_pair_is_the_last_complete_iso_week():
    pair = period_pair("week", TODAY)
    assert (pair.current.start, pair.current.end) == (date(2026, 11, 16), date(2026, 11, 23))
    assert pair.label == "2026-W47 vs 2026-W46"
    with pytest.raises(UsageError):
        period_pair("week", date(2026, 11, 23), partial=True)  # a Monday: nothing to date


def test_compare_cli_formats(cli, months):
    import json

    out = cli("--db", months, "compare", "--by", "service", "--format", "json", "--offline")
    assert out.exit_code == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["totals"][0] == {
        "currency": "EUR",
        "current": "93",
        "previous": "90",
        "change": "3",
        "change_pct": "3.33",
        "unallocated": None,
        "unallocated_pct": None,
    }
    md = cli("--db", months, "compare", "--format", "markdown", "--offline")
    assert "**New**" in md.stdout and "Bedrock" in md.stdout
    csv = cli("--db", months, "compare", "--format", "csv", "--offline")
    assert (
        csv.stdout.splitlines()[0] == "service,currency,current,previous,change,change_pct,status"
    )
    bad = cli("--db", months, "compare", "--period", "year", "--offline")
    assert bad.exit_code == 2 and "week or month" in bad.stderr
    explicit = cli(
        "--db",
        months,
        "compare",
        "--since",
        "2026-10-01",
        "--until",
        "2026-10-08",
        "--format",
        "json",
        "--offline",
    )
    assert json.loads(explicit.stdout)["previous"] == {"start": "2026-09-24", "end": "2026-10-01"}
