"""``cloudspy prices``: the cached list prices and their dates; ``--refresh`` fetches them again."""

from __future__ import annotations

from typing import Annotated

import typer

from cloudspy.cli.options import Format, Provider, Wide, check_format
from cloudspy.cli.rows import print_rows
from cloudspy.cli.state import state_of
from cloudspy.render.fit import Column


def prices(
    ctx: typer.Context,
    provider: Provider = None,
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh",
            help="Fetch every price the stored inventory needs again and reprice it.",
        ),
    ] = False,
    output: Format = "table",
    wide: Wide = False,
) -> None:
    """List prices cached from the providers' price lists, with their dates."""
    from cloudspy import api
    from cloudspy.money import machine

    state = state_of(ctx)
    check_format(output, ("table", "json", "csv"))
    listing = api.prices(
        provider=provider or [],
        refresh=refresh,
        db=state.db_path(),
        settings=state.settings(),
        progress=state.progress,
    )
    if refresh:
        asked = sum(listing.requests.values())
        state.progress(
            f"{asked} price list request(s); {listing.repriced} stored resource(s) repriced"
        )
        for name, error in sorted(listing.errors.items()):
            state.warn(f"{name} prices not refreshed, cached ones kept: {error}")
    if output == "json":
        typer.echo(listing.model_dump_json(indent=2))
        return
    columns = [
        Column("provider", "fixed", drop=3),
        Column("region", "fixed"),
        Column("product", "id", minimum=12),
        # Kept before the dates: the unit tells a key's rows apart (tiers, and a
        # licensed VM's machine `hour` and `licence-hour` prices).
        Column("unit", "fixed", drop=2),
        Column("price", "money"),
        Column("effective", "fixed", drop=4),
        Column("fetched", "fixed", drop=5),
        Column("source", "text", drop=1, minimum=12),
    ]
    lines = [
        [
            p.provider,
            p.region,
            f"{p.kind} {p.sku} {p.variant}".strip(),
            p.unit + (f" from {machine(p.tier_start)}" if p.tier_start else ""),
            f"{machine(p.price)} {p.currency}" if p.price is not None else "none",
            p.effective.isoformat() if p.effective else "",
            p.fetched_at.date().isoformat(),
            p.source if p.price is not None else f"{p.source}: {p.detail}",
        ]
        for p in listing.prices
    ]
    print_rows(
        state,
        output,
        "Cached list prices",
        columns,
        lines,
        wide=wide,
        empty_warning="no list price cached yet: `cloudspy sync` prices what the inventory holds",
    )


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("prices")(prices)
