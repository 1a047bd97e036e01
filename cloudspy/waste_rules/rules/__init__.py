"""The waste rules: one module each, found by :mod:`cloudspy.waste_rules.registry`.

A module here defines ``META`` (a :class:`~cloudspy.waste_rules.base.RuleMeta`) and
a pure ``evaluate(resource, context)``; a rule that prices a cheaper equivalent also
defines ``alternatives(resource)``. Adding a file here adds the rule.
"""
