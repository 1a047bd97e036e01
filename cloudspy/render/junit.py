"""JUnit XML for CI systems: one test case per checked limit and group, failures for breaches."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from cloudspy.models.insights import CheckResult


def check_junit(result: CheckResult) -> str:
    """A ``<testsuites>`` document; a breached item is a ``<failure>``."""
    suites = ET.Element("testsuites", name="cloudspy check")
    failures = sum(1 for i in result.items if i.breached)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=f"cloudspy check ({result.period})",
        tests=str(len(result.items)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for item in result.items:
        where = ", ".join(f"{k}={v}" for k, v in item.group.items()) or "total"
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"cloudspy.check.{item.kind}",
            name=f"{item.limit} [{where}, {item.currency}]",
        )
        if item.breached:
            failure = ET.SubElement(case, "failure", message=item.message, type="LimitBreached")
            failure.text = item.message
        else:
            ET.SubElement(case, "system-out").text = item.message
    if result.warnings:
        ET.SubElement(suite, "system-err").text = "\n".join(result.warnings)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
