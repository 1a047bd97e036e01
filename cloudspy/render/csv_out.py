"""CSV writing with spreadsheet formula injection neutralized.

Resource names and tag values are user-controlled; a cell starting with ``=``,
``+``, ``-``, ``@``, tab or carriage return would run as a formula in a
spreadsheet, so such a cell is prefixed with a single quote. Numbers that we
produce ourselves (``-12.5000``) are left as they are.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from typing import Any

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def neutralize(value: Any) -> str:
    """The cell text, made inert when a spreadsheet would evaluate it."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_DANGEROUS) and not _NUMBER.match(text):
        return "'" + text
    return text


def json_bool(value: bool) -> str:
    """A flag as JSON writes it (``true``/``false``), so CSV and JSON read alike."""
    return "true" if value else "false"


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A whole CSV document (header first) as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralize(h) for h in header])
    for row in rows:
        writer.writerow([neutralize(v) for v in row])
    return buffer.getvalue()
