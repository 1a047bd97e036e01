"""`cloudspy prices` on an empty cache and without credentials: clear one-line answers (#14)."""

from __future__ import annotations

import json


def test_an_empty_cache_lists_nothing_and_says_how_to_fill_it(cli, db):
    listed = cli("--db", db, "prices", "--format", "json")
    assert listed.exit_code == 0, listed.stderr
    assert json.loads(listed.stdout)["prices"] == []
    table = cli("--db", db, "prices")
    assert table.exit_code == 0 and "no list price cached yet" in table.stderr


def test_refresh_without_any_account_or_credentials_is_one_line_exit_3(cli, db):
    result = cli("--db", db, "prices", "--refresh")  # no config.toml, no credentials
    assert result.exit_code == 3
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "no cloud account is configured" in result.stderr


def test_an_unknown_provider_is_a_usage_error(cli, db):
    result = cli("--db", db, "prices", "--provider", "nope")
    assert result.exit_code == 2 and "unknown provider 'nope'" in result.stderr


def test_the_python_api_answers_what_the_cli_prints(cli, db):
    from datetime import date, datetime
    from decimal import Decimal

    import cloudspy
    from cloudspy.models import prices as p
    from cloudspy.store.connection import connect
    from cloudspy.store.price_cache import store_prices

    key = p.PriceKey("aws", "vm", "eu-west-1", "m7i.large", "Windows")
    price = p.ListPrice(
        key, p.HOUR, Decimal("0.2124"), "USD", "AWS Price List Query API", date(2025, 6, 1),
        datetime(2026, 11, 25, 12), "per On Demand Windows m7i.large Instance Hour",
    )  # fmt: skip
    with connect(db, read_only=False) as conn:
        store_prices(conn, [price])
    listing = cloudspy.prices(db=db)
    assert [(c.sku, c.variant, c.price) for c in listing.prices] == [
        ("m7i.large", "Windows", Decimal("0.2124"))
    ]
    printed = cli("--db", db, "prices", "--format", "json")
    assert printed.stdout.strip() == listing.model_dump_json(indent=2)
    assert json.loads(printed.stdout)["prices"][0]["price"] == "0.2124"


def test_at_80_columns_a_licensed_vm_shows_its_machine_and_licence_units(cli, db):
    """A licensed VM caches two prices, its machine's (`hour`) and its licence's
    (`licence-hour`): at 80 columns the unit stays, the dates go first."""
    from datetime import date, datetime
    from decimal import Decimal

    from cloudspy.models import prices as p
    from cloudspy.store.connection import connect
    from cloudspy.store.price_cache import store_prices

    key = p.PriceKey("azure", "vm", "westeurope", "Standard_D2s_v5", "RHEL")
    fetched, source = datetime(2026, 11, 25), "Azure Retail Prices API"
    with connect(db, read_only=False) as conn:
        store_prices(conn, [
            p.ListPrice(key, p.HOUR, Decimal("0.096"), "USD", source, date(2024, 1, 1), fetched),
            p.ListPrice(key, p.LICENCE_HOUR, Decimal("0.0435"), "USD", source, None, fetched),
        ])  # fmt: skip
    table = cli("--db", db, "prices", env={"COLUMNS": "80"})
    assert table.exit_code == 0, table.stderr
    lines = [line for line in table.stdout.splitlines() if "westeurope" in line]
    assert all(len(line) <= 80 for line in table.stdout.splitlines())
    assert [("licence-hour" in line, "hour" in line) for line in lines] == [
        (False, True),
        (True, True),
    ]
