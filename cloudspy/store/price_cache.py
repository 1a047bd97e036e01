"""The cached list prices (``price_list``, #14): read by key, replaced by key."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from cloudspy.models.prices import ListPrice, PriceKey
from cloudspy.store.engine import register_arrow

if TYPE_CHECKING:
    import duckdb

_COLUMNS = (
    "provider, kind, region, sku, variant, unit, tier_start, price, currency, source,"
    " effective, fetched_at, detail"
)


def _row(values: tuple) -> ListPrice:
    provider, kind, region, sku, variant, unit, tier, price, currency, source, eff, at, detail = (
        values
    )
    return ListPrice(
        key=PriceKey(provider, kind, region, sku, variant),
        unit=unit,
        price=price,
        currency=currency,
        source=source,
        effective=eff,
        fetched_at=at,
        detail=detail or "",
        tier_start=Decimal(tier),
    )


def cached_prices(
    conn: duckdb.DuckDBPyConnection, providers: Iterable[str] | None = None
) -> dict[PriceKey, list[ListPrice]]:
    """Every cached price (of ``providers``), by key, cheapest tier first."""
    where, params = "", []
    wanted = sorted(set(providers or ()))
    if wanted:
        where, params = "WHERE list_contains(?, provider)", [wanted]
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM price_list {where}"
        " ORDER BY provider, kind, region, sku, variant, unit, tier_start",
        params,
    ).fetchall()
    out: dict[PriceKey, list[ListPrice]] = {}
    for values in rows:
        price = _row(values)
        out.setdefault(price.key, []).append(price)
    return out


def store_prices(conn: duckdb.DuckDBPyConnection, prices: Sequence[ListPrice]) -> int:
    """Replace the cached prices of every key in ``prices`` with them; return the rows."""
    import pyarrow as pa

    if not prices:
        return 0
    table = pa.Table.from_pylist(
        [
            {
                "provider": x.key.provider,
                "kind": x.key.kind,
                "region": x.key.region,
                "sku": x.key.sku,
                "variant": x.key.variant,
                "unit": x.unit,
                "tier_start": str(x.tier_start),
                "price": None if x.price is None else str(x.price),
                "currency": x.currency,
                "source": x.source,
                "effective": x.effective,
                "fetched_at": x.fetched_at.replace(tzinfo=None),
                "detail": x.detail,
            }
            for x in prices
        ]
    )
    register_arrow(conn, "incoming_prices", table)
    try:
        conn.execute("BEGIN")
        conn.execute(
            "DELETE FROM price_list USING incoming_prices AS i WHERE price_list.provider ="
            " i.provider AND price_list.kind = i.kind AND price_list.region = i.region"
            " AND price_list.sku = i.sku AND price_list.variant = i.variant"
        )
        conn.execute(
            f"INSERT INTO price_list ({_COLUMNS}) SELECT provider, kind, region, sku, variant,"
            " unit, CAST(tier_start AS DECIMAL(38, 16)), CAST(price AS DECIMAL(38, 16)),"
            " currency, source, effective, fetched_at, detail FROM incoming_prices"
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    finally:
        conn.unregister("incoming_prices")
    return len(prices)


def fresh(price: ListPrice, since: datetime) -> bool:
    """Whether ``price`` was fetched at or after ``since``."""
    return price.fetched_at.replace(tzinfo=None) >= since.replace(tzinfo=None)
