"""The embedded demo: a realistic, deterministic multi-cloud sample in its own store.

``cost_rows`` turns ``line_items.csv`` into six months of daily FOCUS rows;
``resources`` dates ``resources.json`` and draws 30 days of hourly utilization.
``cloudspy demo`` loads both into the demo store (:func:`load_demo`).
"""

from __future__ import annotations

from cloudspy.demo.cost_rows import DEMO_DAYS, demo_rows, load_demo

__all__ = ["DEMO_DAYS", "demo_rows", "load_demo"]
