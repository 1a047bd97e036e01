"""Money on screen in each currency's minor unit; unknown codes imported with a warning (#13 item 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cloudspy.currencies import amount_text, is_iso_4217, minor_unit
from cloudspy.money import human


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("123456.00", "JPY", "¥123,456"),
        ("123456.50", "JPY", "¥123,456"),  # half-even, as everywhere
        ("1000.7", "KRW", "1,001 KRW"),
        ("1.2345", "KWD", "1.234 KWD"),
        ("12.3456", "BHD", "12.346 BHD"),
        ("1234.565", "USD", "$1,234.56"),
        ("-2.5", "EUR", "-€2.50"),
        ("5", "MC", "5.00 MC"),  # not ISO 4217: two decimals, its code beside it
    ],
)
def test_human_money_uses_the_minor_unit(amount, currency, shown):
    assert human(Decimal(amount), currency) == shown


def test_message_amounts_and_the_code_list():
    assert amount_text(Decimal("1234.5678"), "JPY") == "1235 JPY"
    assert amount_text(Decimal("1"), "KWD") == "1.000 KWD"
    assert minor_unit("clf") == 4 and minor_unit("USD") == 2
    assert is_iso_4217("usd") and not is_iso_4217("MC")


def test_table_shows_yen_without_decimals(cli, tmp_path):
    from datetime import date, timedelta

    from tests.insights.conftest import cost_row, write_store

    day = date(2026, 11, 20)
    db = write_store(
        tmp_path / "jpy.duckdb",
        [cost_row(day, "EC2", "123456.00", currency="JPY"), cost_row(day, "S3", "7.5")],
        day,
        day + timedelta(days=1),
    )
    result = cli("--db", db, "costs", "--since", "2026-11-20", "--until", "2026-11-21")
    assert result.exit_code == 0, result.stderr
    assert "¥123,456" in result.stdout and "¥123,456.00" not in result.stdout
    assert "$7.50" in result.stdout


def test_an_unknown_currency_imports_with_a_warning_naming_it(cli, db, tmp_path):
    path = tmp_path / "mc.csv"
    path.write_text(
        "BillingAccountId,ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,"
        "BillingCurrency,ProviderName,ChargeCategory,ServiceName\n"
        "A,2025-04-01,2025-04-02,1.5,1.5,1.5,MC,Microsoft,Usage,VM\n",
        encoding="utf-8",
    )
    result = cli("--db", db, "import", path)
    assert result.exit_code == 0, result.stderr
    assert "BillingCurrency 'MC' is not an ISO 4217 code" in result.stderr
