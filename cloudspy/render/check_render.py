"""``cloudspy check`` as text, JSON, Markdown (also the GitHub step summary) or JUnit."""

from __future__ import annotations

import json

from cloudspy.models.insights import CheckResult
from cloudspy.money import machine
from cloudspy.render.markdown import markdown_table


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
    """The JSON of ``cloudspy check``: the model's own JSON (``result.model_dump_json``),
    with ``breached`` computed by the model (one contract, #13)."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


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
