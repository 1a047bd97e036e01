"""The export layouts and the pushed-down query, without a server (issue #3)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from cloudspy.errors import ProviderError, UsageError
from cloudspy.providers.gcp.costs import is_estimated
from cloudspy.providers.gcp.export_query import (
    FOCUS_COLUMNS,
    STANDARD_COLUMNS,
    build_query,
    detect_layout,
    query_parameters,
    quoted_table,
    table_name_account,
)
from tests import paths

TABLE = "finops-billing.billing_export.gcp_billing_export_resource_v1_0123AB_4567CD_89EF01"
FOCUS_VIEW = "finops-billing.billing_export.focus_v1"


def test_layouts_are_detected_from_the_schema():
    detailed = detect_layout(
        TABLE, "auto", set(STANDARD_COLUMNS | {"resource", "labels"}), (True, None)
    )
    assert (detailed.kind, detailed.has_list_cost, detailed.partition_column) == (
        "detailed",
        False,
        "_PARTITIONTIME",
    )
    focus = detect_layout(FOCUS_VIEW, "auto", set(FOCUS_COLUMNS | {"ListCost"}), (False, None))
    assert (focus.kind, focus.has_list_cost, focus.partition_column) == ("focus", True, None)
    by_export_time = detect_layout(TABLE, "standard", set(STANDARD_COLUMNS), (True, "export_time"))
    assert by_export_time.partition_column == "export_time"
    # A partition column CloudSpy does not know is not used to prune.
    other = detect_layout(TABLE, "standard", set(STANDARD_COLUMNS), (True, "usage_start_time"))
    assert other.partition_column is None


def test_a_declared_kind_must_match_the_columns():
    with pytest.raises(ProviderError, match="is not a detailed billing export: it lacks resource"):
        detect_layout(TABLE, "detailed", set(STANDARD_COLUMNS), (True, None))


def test_detailed_query_groups_by_resource_and_sums_numeric():
    layout = detect_layout(
        TABLE, "auto", set(STANDARD_COLUMNS | {"resource", "cost_at_list"}), (True, None)
    )
    sql = build_query(TABLE, layout, resources=True)
    assert "resource.global_name AS resource_id" in sql
    keys = "usage_day, billing_account_id, project_id, service, region, charge_type, currency"
    assert f"GROUP BY {keys}, resource_id\n" in sql
    assert "CAST(cost AS NUMERIC)" in sql and "SUM(list_cost)" in sql
    assert "DATE(usage_start_time) AS usage_day" in sql
    assert sql.count("`") == 2


def test_focus_query_reads_focus_columns_without_pruning():
    layout = detect_layout(FOCUS_VIEW, "focus", set(FOCUS_COLUMNS), (False, None))
    sql = build_query(FOCUS_VIEW, layout, resources=True)
    assert "ChargePeriodStart >= @start" in sql and "_PARTITIONTIME" not in sql
    assert "ResourceId AS resource_id" in sql and "list_cost" not in sql
    params = query_parameters(date(2026, 10, 1), date(2026, 10, 2), layout, [])
    assert [p[0] for p in params] == ["start", "end"]
    with pytest.raises(UsageError, match="no labels column"):
        build_query(FOCUS_VIEW, layout, label_keys=True)


def test_table_path_is_checked_again_before_quoting():
    with pytest.raises(UsageError, match="is not a BigQuery table path"):
        quoted_table("a.b.c`; DELETE")
    assert quoted_table(FOCUS_VIEW) == f"`{FOCUS_VIEW}`"


def test_billing_account_is_read_from_the_export_table_name():
    assert table_name_account(TABLE) == "0123AB-4567CD-89EF01"
    assert table_name_account(FOCUS_VIEW) is None


@pytest.mark.parametrize(
    ("day", "estimated"),
    [
        (date(2026, 10, 27), False),  # closed month, more than 3 days back
        (date(2026, 10, 30), True),  # within the last 3 days, previous month
        (date(2026, 11, 1), True),  # the open month
    ],
)
def test_open_month_and_last_days_are_estimated(day, estimated):
    assert is_estimated(day, today=date(2026, 11, 2)) is estimated


def test_help_imports_no_google_sdk():
    code = (
        "import sys; from cloudspy.cli.main import main; "
        "main(['gcp', '--help']); "
        "print(sorted(m for m in sys.modules if m.startswith('google')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_retry_hints_follow_status_reason_and_retry_after():
    from google.api_core import exceptions as gexc

    from cloudspy.providers.gcp.session import retry_hint

    assert retry_hint(gexc.Forbidden("quota", errors=[{"reason": "rateLimitExceeded"}])) == 0
    assert retry_hint(gexc.Forbidden("no", errors=[{"reason": "accessDenied"}])) is None
    assert retry_hint(gexc.ServiceUnavailable("busy")) == 0
    assert retry_hint(gexc.BadRequest("bad query")) is None
    assert retry_hint(ValueError("not google")) is None


def test_every_permission_used_is_documented():

    from cloudspy.providers.gcp.session import PERMISSIONS

    docs = (paths.DOCS / "gcp.md").read_text()
    assert [p for p in PERMISSIONS if f"`{p}`" not in docs] == []
