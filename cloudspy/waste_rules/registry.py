"""The waste rules (every module of ``waste_rules/rules/``), in catalogue order."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from cloudspy.errors import UsageError
from cloudspy.models.resource import Resource
from cloudspy.waste_rules.base import Finding, RuleMeta, WasteContext

RULES_PACKAGE = "cloudspy.waste_rules.rules"


def rule_modules() -> list[str]:
    """Every module of :data:`RULES_PACKAGE`: each is one rule (adding a file adds it)."""
    package = importlib.import_module(RULES_PACKAGE)
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__))


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
    """Every rule, imported once, in catalogue order (``META.order``, then id)."""
    out = []
    for name in rule_modules():
        module = importlib.import_module(f"{RULES_PACKAGE}.{name}")
        # ``alternatives`` is optional: only rules that price an equivalent define it.
        out.append(
            Rule(module.META, module.evaluate, getattr(module, "alternatives", _no_alternatives))
        )
    return tuple(sorted(out, key=lambda rule: (rule.meta.order, rule.meta.id)))


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
