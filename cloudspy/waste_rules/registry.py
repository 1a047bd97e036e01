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
    "rightsizing",
)


def _no_alternatives(_: Resource) -> list[Resource]:
    return []


@dataclass(frozen=True)
class Rule:
    """A rule's metadata, its evaluate function, and the products it compares against."""

    meta: RuleMeta
    evaluate: Callable[[Resource, WasteContext], Finding | None]
    alternatives: Callable[[Resource], list[Resource]] = _no_alternatives


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, imported once."""
    out = []
    for name in RULE_MODULES:
        module = importlib.import_module(f"cloudspy.waste_rules.{name}")
        # ``alternatives`` is optional: only rules that price an equivalent define it.
        out.append(
            Rule(module.META, module.evaluate, getattr(module, "alternatives", _no_alternatives))
        )
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


def alternatives_of(resource: Resource) -> list[Resource]:
    """Every product some rule will price ``resource`` against (its gp3 equivalent, its
    current-generation type …), so a sync fetches their list prices with its own."""
    return [alt for rule in all_rules() for alt in rule.alternatives(resource)]
