"""``cloudspy check`` as text, JSON, Markdown (also the GitHub step summary) or JUnit."""

from __future__ import annotations

import json

from cloudspy.models.insights import CheckResult
from cloudspy.render.markdown import markdown_table
from cloudspy.render.money import machine


def check_text(result: CheckResult) -> str:
    """One line per item, ``FAIL``/``ok`` first, and a verdict line."""
    lines = [
        f"cloudspy check: {result.metric}, {result.period} to date "
        f"{result.window.start} → {result.window.end} (end exclusive); "
        f"newest cached day {result.newest_day}"
    ]
    for item in result.items:
        lines.append(f"{'FAIL' if item.breached else 'ok  '}  {item.limit}: {item.message}")
    breached = sum(1 for i in result.items if i.breached)
    lines.append(
        f"{breached} of {len(result.items)} checks breached"
        if breached
        else f"all {len(result.items)} checks within limits"
    )
    return "\n".join(lines) + "\n"


def check_json(result: CheckResult) -> str:
    """The documented JSON of ``cloudspy check``."""
    document = {
        "breached": result.breached,
        "period": result.period,
        "window": {"start": str(result.window.start), "end": str(result.window.end)},
        "baseline_window": None
        if result.baseline_window is None
        else {"start": str(result.baseline_window.start), "end": str(result.baseline_window.end)},
        "metric": result.metric,
        "newest_day": None if result.newest_day is None else str(result.newest_day),
        "items": [
            {
                "limit": i.limit,
                "kind": i.kind,
                "group": i.group,
                "currency": i.currency,
                "actual": machine(i.actual),
                "threshold": i.threshold,
                "limit_amount": machine(i.limit_amount),
                "baseline": machine(i.baseline),
                "change": machine(i.change),
                "change_pct": None if i.change_pct is None else str(i.change_pct),
                "breached": i.breached,
                "message": i.message,
            }
            for i in result.items
        ],
        "warnings": result.warnings,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def check_markdown(result: CheckResult) -> str:
    """A Markdown summary for pull requests and ``$GITHUB_STEP_SUMMARY``."""
    breached = sum(1 for i in result.items if i.breached)
    verdict = (
        f"❌ {breached} of {len(result.items)} checks breached"
        if breached
        else f"✅ all {len(result.items)} checks within limits"
    )
    head = (
        f"### CloudSpy cost check: {verdict}\n\n"
        f"{result.metric}, {result.period} to date {result.window.start} → {result.window.end} "
        f"(end exclusive); newest cached day {result.newest_day}.\n\n"
    )
    table = markdown_table(
        ["", "Limit", "Group", "Currency", "Actual", "Threshold", "Detail"],
        [
            [
                "❌" if i.breached else "✅",
                i.limit,
                ", ".join(f"{k}={v}" for k, v in i.group.items()) or "total",
                i.currency,
                machine(i.actual),
                i.threshold,
                i.message,
            ]
            for i in result.items
        ],
        right=(4,),
    )
    notes = "".join(f"\n> {w}\n" for w in result.warnings)
    return head + table + notes
