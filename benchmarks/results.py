"""One machine-readable line per measurement, which ``benchmarks/run`` collects.

Each benchmark script prints its own human table and, for every target it
checks, one line ``RESULT {json}`` with the measure, its value, the baseline
it is compared with, the target and whether it was met.
"""

from __future__ import annotations

import json


def emit(
    measure: str,
    value: float,
    *,
    baseline: float | None,
    target: str,
    ok: bool,
    unit: str = "s",
) -> None:
    """Print one ``RESULT`` line."""
    record = {
        "measure": measure,
        "value": round(value, 4),
        "baseline": None if baseline is None else round(baseline, 4),
        "unit": unit,
        "target": target,
        "ok": ok,
    }
    print("RESULT " + json.dumps(record, ensure_ascii=False), flush=True)
