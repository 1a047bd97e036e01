"""The dimensions costs can be grouped and filtered by: what ``--by`` accepts.

A dimension name is what users type after ``--by`` and what ``cost_coverage``
records per cached day, so the cache can tell which questions it can answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cloudspy.errors import UsageError
from cloudspy.service_categories import category_sql
from cloudspy.store.dimension import Dimension, tag_json_path

_TAG_KEY = re.compile(r"^[^\x00-\x1f]{1,128}$")


BUILTIN: dict[str, Dimension] = {
    "provider": Dimension("provider", "ProviderName"),
    "billing-account": Dimension(
        "billing-account", "BillingAccountId", "BillingAccountName", "billing_account"
    ),
    "account": Dimension("account", "coalesce(SubAccountId, BillingAccountId)", "SubAccountName"),
    "service": Dimension("service", "ServiceName"),
    # A source's own ServiceCategory (FOCUS files), else the category of its ServiceName.
    "category": Dimension(
        "category",
        f"coalesce(ServiceCategory, {category_sql('ServiceName')})",
        coverage_name="service",
        rollup=False,
    ),
    "region": Dimension("region", "RegionId"),
    "resource": Dimension("resource", "ResourceId", "ResourceName", rollup=False),
    "resource-group": Dimension(
        "resource-group", "x_ResourceGroupName", None, "resource_group", rollup=False
    ),
    # Only sources that read the charge type answer it (#13): Cost Explorer's and Azure's
    # query groups net usage and credits together, so a sign would only be a guess.
    "charge": Dimension("charge", "ChargeCategory", coverage_name="charge", rollup=False),
    "currency": Dimension("currency", "BillingCurrency", coverage_name="provider"),
}
TEAM = "team"
UNALLOCATED = "unallocated"
DIMENSION_HELP = ", ".join([*BUILTIN, "team", "tag:KEY"])


def _marks(values: list[Any]) -> str:
    return ", ".join("?" for _ in values)


def team_dimension(teams: Mapping[str, Any] | None) -> Dimension:
    """The ``team`` dimension for the configured teams (a usage error when there are none).

    A team owns accounts (AWS accounts, GCP projects, Azure subscriptions — matched
    on id or name) and/or tag values. The first team in config order that matches
    a cost row gets it; rows no team claims are ``unallocated``. The dimension is a
    SQL ``CASE`` whose every value is a bound parameter, never pasted into SQL.
    """
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


def parse_dimension(text: str, teams: Mapping[str, Any] | None = None) -> Dimension:
    """Resolve a ``--by`` value (``service``, ``tag:team``, ``team`` …) or raise a usage error.

    ``team`` is built from ``teams`` (the ``[teams]`` of config.toml).
    """
    value = text.strip()
    if value.lower() == "team":
        return team_dimension(teams)
    if value.lower().startswith("tag:"):
        key = value[4:]
        if not key or not _TAG_KEY.match(key):
            raise UsageError(f"--by {text!r} names no tag key", hint="write it as tag:KEY")
        # The key is bound as a parameter (see :func:`dimension_params`), never pasted.
        return Dimension(
            f"tag:{key}",
            "json_extract_string(Tags, ?)",
            tag_key=key,
            coverage_name="tag",
            rollup=False,
        )
    found = BUILTIN.get(value.lower())
    if found is None:
        raise UsageError(f"unknown --by {text!r}", hint=f"use one of {DIMENSION_HELP}")
    return found
