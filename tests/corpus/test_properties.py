"""Property-based tests (issue #7): period parsing and the FOCUS import.

Periods: any input yields a proper window or a UsageError, never another
exception. FOCUS import: generated rows (amounts of any sign and size the
store holds, written plainly or in exponent notation; unicode and hostile tag
values; several currencies; timestamps with or without T, Z or an offset),
written as CSV and as Parquet, read back with exactly the per-currency sums
of what was written, and every tag intact.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections import defaultdict
from datetime import date, timedelta
from decimal import Context, Decimal, localcontext
from pathlib import Path

import duckdb
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudspy import api
from cloudspy.errors import UsageError
from cloudspy.periods import EARLIEST_DAY, parse_period, resolve_window

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXACT = Context(prec=60)  # the default 28 digits would round 38-digit amounts
TODAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2150, 12, 31))


@SETTINGS
@given(
    n=st.integers(min_value=0, max_value=99_999),
    unit=st.sampled_from("dwmyx"),
    spaces=st.sampled_from(["", " ", "\t"]),
    today=TODAYS,
)
def test_a_relative_period_is_a_window_ending_today_or_a_usage_error(n, unit, spaces, today):
    try:
        window = parse_period(f"{spaces}{n}{unit.upper() if n % 2 else unit}{spaces}", today=today)
    except UsageError:
        return
    assert window.end == today and EARLIEST_DAY <= window.start < window.end
    previous = window.previous()
    assert previous.end <= window.start + timedelta(days=1) and previous.start < previous.end


@SETTINGS
@given(
    last=st.one_of(st.none(), st.text(max_size=12)),
    since=st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)),
    until=st.one_of(st.none(), st.dates().map(str), st.text(max_size=12)),
    today=TODAYS,
)
def test_any_window_options_give_a_window_or_a_usage_error(last, since, until, today):
    try:
        window = resolve_window(last, since, until, today=today)
    except UsageError:
        return
    assert window.start < window.end
    window.previous()  # never overflows


# Amounts the store keeps exactly: DECIMAL(38, 16), |x| < 1e15 (see docs/bad-input.md).
AMOUNTS = st.integers(min_value=0, max_value=16).flatmap(
    lambda places: st.integers(
        min_value=-(10 ** (15 + places)) + 1, max_value=10 ** (15 + places) - 1
    ).map(lambda units: Decimal(units).scaleb(-places, context=EXACT))
)
SPELLINGS = st.sampled_from(["plain", "E", "e"])
TAG_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    min_size=1,
    max_size=12,
)
TAGS = st.dictionaries(TAG_TEXT, TAG_TEXT, max_size=3)
STAMPS = st.sampled_from(
    [
        ("2021-03-01T00:00:00Z", "2021-03-02T00:00:00Z"),
        ("2021-03-01 00:00:00", "2021-03-02 00:00:00"),
        ("2021-03-01T02:00:00+02:00", "2021-03-02T02:00:00+02:00"),
        ("2021-03-01", "2021-03-02"),
    ]
)
ROWS = st.lists(
    st.tuples(AMOUNTS, SPELLINGS, st.sampled_from(["USD", "EUR", "JPY"]), TAGS, STAMPS),
    min_size=1,
    max_size=8,
)
HEADER = [
    "ProviderName",
    "BillingAccountId",
    "BillingCurrency",
    "ChargeCategory",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "ServiceName",
    "ResourceId",
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "Tags",
]


def spell(amount: Decimal, how: str) -> str:
    """The amount as text: plain, or in exponent notation (exact either way)."""
    if how == "plain":
        return f"{amount:f}"
    text = f"{amount:E}"
    return text if how == "E" else text.lower()


def write_csv(path: Path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i, (amount, how, currency, tags, (start, end)) in enumerate(rows):
            text = spell(amount, how)
            writer.writerow(
                [
                    "AWS",
                    "1",
                    currency,
                    "Usage",
                    start,
                    end,
                    "EC2",
                    f"r-{i:03d}",
                    text,
                    text,
                    text,
                    json.dumps(tags, ensure_ascii=False),
                ]
            )


def imported(db: Path) -> tuple[dict, dict]:
    with duckdb.connect(str(db), read_only=True) as conn:
        sums = dict(
            conn.execute("SELECT BillingCurrency, sum(BilledCost) FROM cost GROUP BY 1").fetchall()
        )
        tags = dict(conn.execute("SELECT ResourceId, CAST(Tags AS VARCHAR) FROM cost").fetchall())
    return sums, tags


@SETTINGS
@given(rows=ROWS, as_parquet=st.booleans())
def test_focus_import_sums_exactly_and_keeps_tags(rows, as_parquet):
    expected = defaultdict(Decimal)
    with localcontext(EXACT):
        for amount, _, currency, _, _ in rows:
            expected[currency] += amount
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "focus.csv"
        write_csv(source, rows)
        if as_parquet:
            target = Path(folder) / "focus.parquet"
            with duckdb.connect() as conn:
                conn.execute(
                    f"COPY (SELECT * FROM read_csv('{source}', header = true, all_varchar = true))"
                    f" TO '{target}' (FORMAT parquet)"
                )
            source = target
        db = Path(folder) / "cache.duckdb"
        [result] = api.import_files([source], db=db)
        assert result.rows == len(rows)
        sums, tags = imported(db)
    assert sums == dict(expected)
    for i, (_, _, _, written, _) in enumerate(rows):
        stored = tags[f"r-{i:03d}"]
        assert (json.loads(stored) if stored else {}) == written
