"""A baseline file: JSON written earlier by ``cloudspy costs --format json``.

Only the documented fields are read (window, metric, group_by, totals, rows);
money is parsed as Decimal, never through a float.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cloudspy.errors import UsageError
from cloudspy.insights.cost_reads import GroupTotal
from cloudspy.periods import Window


@dataclass(frozen=True)
class BaselineFile:
    """The costs a check compares against, as recorded in the file."""

    path: Path
    window: Window
    metric: str
    group_by: list[str]
    totals: list[GroupTotal]
    rows: list[GroupTotal]


def load_baseline(path: Path) -> BaselineFile:
    """Read and validate a baseline file; a malformed one is a usage error naming the field."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except OSError as exc:
        raise UsageError(f"cannot read the baseline file {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"the baseline file {path} is not JSON ({exc})") from None
    hint = "write it with `cloudspy costs --format json > baseline.json`"
    try:
        window = Window(
            date.fromisoformat(doc["window"]["start"]), date.fromisoformat(doc["window"]["end"])
        )
        group_by = [str(g) for g in doc.get("group_by", [])]
        totals = [
            GroupTotal((), str(t["currency"]), Decimal(str(t["cost"]))) for t in doc["totals"]
        ]
        rows = [
            GroupTotal(
                tuple(str(r["group"][g]) for g in group_by),
                str(r["currency"]),
                Decimal(str(r["cost"])),
            )
            for r in doc.get("rows", [])
        ]
        metric = str(doc["metric"])
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise UsageError(
            f"the baseline file {path} is not `cloudspy costs` JSON ({type(exc).__name__}: {exc})",
            hint=hint,
        ) from None
    if window.days == 0:
        raise UsageError(f"the baseline file {path} has an empty window", hint=hint)
    return BaselineFile(path, window, metric, group_by, totals, rows)
