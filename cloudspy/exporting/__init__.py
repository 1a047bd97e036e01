"""``cloudspy export``: cost rows as CSV, JSON, Parquet or FOCUS, and Prometheus metrics.

Every row format is one DuckDB ``COPY (SELECT …) TO`` over the ``cost`` table:
rows stream from the store to the file and never pass through Python. The
file is written beside the target and renamed over it when complete.
"""

from __future__ import annotations

ROW_FORMATS = ("csv", "json", "parquet", "focus")
FORMATS = (*ROW_FORMATS, "prometheus")
