"""Billing export files (FOCUS, later CUR 2.0 and Azure exports), read by DuckDB SQL."""
