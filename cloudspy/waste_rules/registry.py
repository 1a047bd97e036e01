"""The registered waste rules, in catalogue order."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from cloudspy.errors import UsageError
from cloudspy.models.resource import Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

RULE_MODULES = (
    "idle_vm",
    "stopped_vm",
    "unattached_disk",
    "unassociated_ip",
    "old_snapshot",
    "idle_load_balancer",
    "gp2_to_gp3",
    "previous_generation",
)


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and its evaluate function."""

    meta: RuleMeta
    evaluate: Callable[[Resource, WasteContext], Finding | None]


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, imported once."""
    out = []
    for name in RULE_MODULES:
        module = importlib.import_module(f"cloudspy.waste_rules.{name}")
        out.append(Rule(module.META, module.evaluate))
    return tuple(out)


def select_rules(ids: list[str] | None = None) -> list[Rule]:
    """The rules named in ``ids`` (all when empty); an unknown id is a usage error."""
    rules = list(all_rules())
    if not ids:
        return rules
    known = {r.meta.id: r for r in rules}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise UsageError(
            f"unknown rule {unknown[0]!r}", hint=f"use one of {', '.join(sorted(known))}"
        )
    return [known[i] for i in ids]
