"""Meta-tests over the rule registry: metadata complete, documented, permissions declared."""

from __future__ import annotations

from pathlib import Path

import pytest

from cloudspy.errors import UsageError
from cloudspy.models.resource import KINDS
from cloudspy.providers.aws.permissions import declared
from cloudspy.providers.registry import PROVIDERS
from cloudspy.waste_rules.base import SEVERITIES
from cloudspy.waste_rules.catalogue import render_catalogue
from cloudspy.waste_rules.registry import all_rules, select_rules
from tests import paths

DOC = paths.DOCS / "waste-rules.md"


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.meta.id)
def test_every_rule_has_complete_metadata(rule):
    meta = rule.meta
    assert meta.id and meta.title and meta.why and meta.fix and meta.reads
    assert meta.kind in KINDS
    assert meta.severity in SEVERITIES
    assert meta.providers and set(meta.providers) <= set(PROVIDERS)
    for provider in meta.providers:
        assert meta.permissions.get(provider), f"{meta.id} declares no {provider} permission"


def test_rule_ids_are_unique():
    ids = [r.meta.id for r in all_rules()]
    assert len(ids) == len(set(ids))


def test_aws_permissions_of_rules_are_declared_by_the_aws_connector():
    for rule in all_rules():
        assert set(rule.meta.permissions.get("aws", ())) <= set(declared()), rule.meta.id


def test_the_catalogue_in_docs_matches_the_metadata():
    assert DOC.read_text(encoding="utf-8") == render_catalogue(), (
        "docs/waste-rules.md is stale: run `python -m cloudspy.waste_rules.catalogue > docs/waste-rules.md`"
    )


def test_rule_selection():
    assert [r.meta.id for r in select_rules(["old-snapshot"])] == ["old-snapshot"]
    assert len(select_rules([])) == len(all_rules())
    with pytest.raises(UsageError, match="unknown rule 'nope'"):
        select_rules(["nope"])


def test_rules_do_not_branch_on_provider_names():
    """A rule names providers in its metadata only (#16: this globbed a folder that no
    longer existed, so it checked nothing)."""
    import importlib

    paths = {Path(importlib.import_module(r.evaluate.__module__).__file__) for r in all_rules()}
    assert len(paths) == len(all_rules()) >= 6  # one module per rule, each read
    for path in paths:
        text = path.read_text()
        body = text.split("META = RuleMeta(")[-1].split("\n)\n", 1)[-1] if "META" in text else text
        for name in ('"aws"', '"gcp"', '"azure"', "'aws'", "'gcp'", "'azure'"):
            assert name not in body, f"{path.name} branches on {name} outside its metadata"


def test_every_module_of_the_rules_package_is_a_rule():
    """A new rule is one file in `waste_rules/rules/` (#16 "done when"): the registry
    finds every module there, with nothing else to register."""
    import cloudspy.waste_rules.rules as package

    files = sorted(
        p.stem for p in Path(package.__file__).parent.glob("*.py") if p.stem != "__init__"
    )
    modules = sorted(r.evaluate.__module__.rsplit(".", 1)[-1] for r in all_rules())
    assert modules == files
    orders = [(r.meta.order, r.meta.id) for r in all_rules()]
    assert orders == sorted(orders)
