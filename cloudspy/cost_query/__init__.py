"""The costs query: what ``cloudspy costs`` asks the cache and how it answers.

``dimensions`` parses ``--by`` values (built-in columns, ``tag:KEY``, ``team``);
``query`` checks that the cache can answer a :class:`~cloudspy.cost_query.query.
CostQuery` and assembles the totals, breakdown and trend; ``teams`` says what the
``team`` dimension leaves unallocated. The SQL itself is in ``cloudspy/store/``.
"""
