"""Cost Explorer responses in the published shape, and moto's queue for them.

The shape follows the AWS CLI example in tests/fixtures/aws/ (amounts as
strings, ``Total`` empty when grouped, ``Tag$`` for untagged) at DAILY
granularity; the numbers are made up for the test.
"""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta
from decimal import Decimal


def day_result(
    day: date,
    groups: list[tuple[list[str], str, str]],
    *,
    estimated: bool = False,
    currency: str = "USD",
) -> dict:
    """One ``ResultsByTime`` entry: groups of (keys, unblended, amortized)."""
    return {
        "TimePeriod": {"Start": day.isoformat(), "End": (day + timedelta(days=1)).isoformat()},
        "Total": {},
        "Groups": [
            {
                "Keys": keys,
                "Metrics": {
                    "UnblendedCost": {"Amount": unblended, "Unit": currency},
                    "AmortizedCost": {"Amount": amortized, "Unit": currency},
                },
            }
            for keys, unblended, amortized in groups
        ],
        "Estimated": estimated,
    }


def accounts_page(days: list[date], accounts: dict[str, str], *, estimated: bool = False) -> dict:
    """The LINKED_ACCOUNT request's answer, with account names as attributes."""
    return {
        "GroupDefinitions": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}],
        "ResultsByTime": [
            day_result(d, [([a], "1", "1") for a in accounts], estimated=estimated) for d in days
        ],
        "DimensionValueAttributes": [
            {"Value": a, "Attributes": {"description": name}} for a, name in accounts.items()
        ],
    }


def breakdown_page(results: list[dict], token: str | None = None) -> dict:
    """A SERVICE × REGION page, optionally with a NextPageToken."""
    page = {
        "GroupDefinitions": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "REGION"},
        ],
        "ResultsByTime": results,
        "DimensionValueAttributes": [],
    }
    if token:
        page["NextPageToken"] = token
    return page


def queue(moto_url: str, pages: list[dict], account_id: str = "123456789012") -> None:
    """Queue responses in moto: each distinct request body takes the next one."""
    body = json.dumps({"results": pages, "account_id": account_id}).encode()
    request = urllib.request.Request(
        f"{moto_url}/moto-api/static/ce/cost-and-usage-results",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    assert urllib.request.urlopen(request).status == 201


def totals(pages: list[dict]) -> dict[str, list[Decimal]]:
    """Independent sums of the breakdown pages per currency: [unblended, amortized]."""
    out: dict[str, list[Decimal]] = {}
    for page in pages:
        if page["GroupDefinitions"][0]["Key"] == "LINKED_ACCOUNT":
            continue
        for result in page["ResultsByTime"]:
            for group in result["Groups"]:
                unit = group["Metrics"]["UnblendedCost"]["Unit"]
                sums = out.setdefault(unit, [Decimal(0), Decimal(0)])
                sums[0] += Decimal(group["Metrics"]["UnblendedCost"]["Amount"])
                sums[1] += Decimal(group["Metrics"]["AmortizedCost"]["Amount"])
    return out
