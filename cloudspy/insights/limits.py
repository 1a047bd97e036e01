"""Turn ``--budget``/``--max-increase`` flags and ``[[check.limits]]`` into :class:`Limit` s."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from cloudspy.cost_query.dimensions import parse_dimension
from cloudspy.errors import UsageError
from cloudspy.insights.check import Limit
from cloudspy.models.insight_settings import CheckLimit, Team, parse_amount, parse_increase
from cloudspy.store.dimension import Dimension


def _amount(text: str, option: str) -> tuple[Decimal, str | None]:
    try:
        amount, currency = parse_amount(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
    if amount <= 0:
        raise UsageError(f"{option} must be more than zero")
    return amount, currency


def _increase(text: str, option: str) -> tuple[Decimal, bool, str | None]:
    try:
        return parse_increase(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def build_limits(
    *,
    budget: str | None,
    max_increase: str | None,
    by: list[str],
    min_amount: str | None,
    configured: list[CheckLimit],
    teams: Mapping[str, Team],
    period: str,
) -> list[Limit]:
    """The flags' limits (one per ``--by``, or the total) followed by the config's."""
    if len(by) > 1:
        raise UsageError("check takes one --by at a time", hint="add limits to [check] for more")
    floor = _amount(min_amount, "--min-amount")[0] if min_amount else None
    limits: list[Limit] = []
    if budget or max_increase:
        dim = parse_dimension(by[0], teams) if by else None
        limits.append(_flag_limit(budget, max_increase, dim, floor, period))
    elif by or min_amount:
        raise UsageError(
            "--by and --min-amount need --budget or --max-increase",
            hint="e.g. cloudspy check --max-increase 10% --by service",
        )
    limits += [
        _config_limit(index, item, teams, floor) for index, item in enumerate(configured, start=1)
    ]
    if not limits:
        raise UsageError(
            "no limit to check",
            hint="pass --budget and/or --max-increase, or add [[check.limits]] to config.toml",
        )
    return limits


def _flag_limit(
    budget: str | None,
    max_increase: str | None,
    dim: Dimension | None,
    floor: Decimal | None,
    period: str,
) -> Limit:
    """The limit ``--budget`` / ``--max-increase`` (``--by``, ``--min-amount``) describe."""
    names = []
    if budget:
        names.append(f"budget {budget}/{period}")
    if max_increase:
        names.append(f"max increase {max_increase}")
    return Limit(
        name=", ".join(names) + (f" per {dim.name}" if dim else ""),
        by=dim,
        budget=_amount(budget, "--budget") if budget else None,
        increase=_increase(max_increase, "--max-increase") if max_increase else None,
        min_amount=floor,
    )


def _config_limit(
    index: int, item: CheckLimit, teams: Mapping[str, Team], floor: Decimal | None
) -> Limit:
    """One ``[[check.limits]]`` entry (``index`` counts from 1, as people do)."""
    if not (item.budget or item.max_increase):
        raise UsageError(f"[[check.limits]] #{index} has neither budget nor max_increase")
    dim = parse_dimension(item.by, teams) if item.by else None
    if item.group is not None and dim is None:
        raise UsageError(f"[[check.limits]] #{index} names a group but no `by`")
    return Limit(
        name=item.name or f"config limit #{index}",
        by=dim,
        group=item.group,
        budget=_amount(item.budget, "budget") if item.budget else None,
        increase=_increase(item.max_increase, "max_increase") if item.max_increase else None,
        min_amount=_amount(item.min_amount, "min_amount")[0] if item.min_amount else floor,
    )
