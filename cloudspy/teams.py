"""Teams: a ``team`` dimension computed from ``[teams.NAME]`` in config.toml.

A team owns accounts (AWS accounts, GCP projects, Azure subscriptions — matched
on id or name) and/or tag values. The first team in config order that matches
a cost row gets it; rows no team claims are ``unallocated``. The dimension is a
SQL ``CASE`` whose every value is a bound parameter, never pasted into SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from cloudspy.dimensions import Dimension, tag_json_path
from cloudspy.errors import UsageError
from cloudspy.insights.settings import Team

UNALLOCATED = "unallocated"
TEAM = "team"


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def team_dimension(teams: Mapping[str, Team] | None) -> Dimension:
    """The ``team`` dimension for the configured teams (a usage error when there are none)."""
    if not teams:
        raise UsageError(
            "--by team needs teams in the config",
            hint="add [teams.NAME] with accounts = [...] and/or tags = {KEY = [...]} "
            "to config.toml (see docs/insights.md)",
        )
    whens: list[str] = []
    params: list[Any] = []
    uses_tags = False
    for name, team in teams.items():
        conditions: list[str] = []
        if team.accounts:
            accounts = list(team.accounts)
            conditions.append(
                f"(SubAccountId IN ({_marks(accounts)}) OR SubAccountName IN ({_marks(accounts)})"
                f" OR BillingAccountId IN ({_marks(accounts)}))"
            )
            params += accounts * 3
        for key, values in team.tags.items():
            if not values:
                continue
            uses_tags = True
            conditions.append(f"json_extract_string(Tags, ?) IN ({_marks(values)})")
            params += [tag_json_path(key), *values]
        if not conditions:
            raise UsageError(f"team {name!r} has neither accounts nor tags in config.toml")
        whens.append(f"WHEN {' OR '.join(conditions)} THEN ?")
        params.append(name)
    sql = f"CASE {' '.join(whens)} ELSE ? END"
    params.append(UNALLOCATED)
    return Dimension(
        TEAM,
        sql,
        coverage_name="tag" if uses_tags else "account",
        params=tuple(params),
        rollup=not uses_tags,
    )


def unallocated_share(
    rows: list[tuple[str, str, Decimal]],
) -> dict[str, tuple[Decimal, Decimal | None]]:
    """Per currency: the unallocated amount and its share in percent of the total.

    ``rows`` are (team, currency, cost); currencies are kept apart.
    """
    totals: dict[str, Decimal] = {}
    unallocated: dict[str, Decimal] = {}
    for team, currency, cost in rows:
        totals[currency] = totals.get(currency, Decimal(0)) + cost
        if team == UNALLOCATED:
            unallocated[currency] = unallocated.get(currency, Decimal(0)) + cost
    out = {}
    for currency, total in sorted(totals.items()):
        amount = unallocated.get(currency, Decimal(0))
        share = (amount * 100 / total).quantize(Decimal("0.01")) if total else None
        out[currency] = (amount, share)
    return out


def unallocated_notes(rows: list[tuple[str, str, Decimal]]) -> list[str]:
    """One line per currency saying how much no team claims (empty when all is allocated)."""
    notes = []
    for currency, (amount, share) in unallocated_share(rows).items():
        if amount:
            pct = f" ({share}% of {currency} spend)" if share is not None else ""
            notes.append(f"{amount.quantize(Decimal('0.01'))} {currency} is unallocated{pct}")
    return notes
