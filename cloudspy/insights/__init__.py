"""Insights over the cached costs: compare, forecast, check and alert (pure functions)."""
