"""Load Cloud Custodian placebo recordings as the parsed responses boto3 would return.

A recording is ``{"status_code": 200, "data": {...}}``; boto3 datetimes are
objects like ``{"__class__": "datetime", "year": 2016, ...}`` (naive, UTC).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tests import paths

PLACEBO = paths.FIXTURES / "aws" / "placebo"


def _revive(value: dict[str, Any]) -> Any:
    if value.get("__class__") == "datetime":
        fields = {k: v for k, v in value.items() if k != "__class__"}
        return datetime(**fields)
    return value


def load(test: str, name: str) -> dict[str, Any]:
    """The parsed response of ``<test>/<name>.json``; an error recording raises."""
    document = json.loads((PLACEBO / test / f"{name}.json").read_text(), object_hook=_revive)
    if document["status_code"] != 200:
        raise AssertionError(f"{test}/{name} is an error recording")
    return document["data"]
