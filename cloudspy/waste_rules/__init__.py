"""Waste rules: one module per rule, each with metadata and a pure ``evaluate()``."""
