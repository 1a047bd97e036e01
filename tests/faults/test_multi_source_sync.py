"""``cloudspy sync`` over AWS + GCP + Azure at once: one provider failing loses nothing else."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.faults.helpers import runs
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result, queue
from tests.providers.azure.conftest import SUBSCRIPTION, azure_cli, connector, replay, respond  # noqa: F401
from tests.providers.gcp.conftest import PROJECT, TABLE, anonymous_adc, bigquery, endpoint, gcp_env  # noqa: F401

DAYS = [date(2026, 10, 1) + timedelta(days=i) for i in range(3)]
CONFIG = f"""
[[aws.accounts]]
name = "payer"

[[gcp.billing_tables]]
table = "{TABLE}"
project = "{PROJECT}"

[azure]
subscriptions = ["{SUBSCRIPTION}"]
"""


@pytest.fixture
def three_clouds(aws_env, bigquery, gcp_env, replay):  # noqa: F811
    """AWS on moto, GCP's BigQuery on the loopback server, Azure failing there with 500s."""
    queue(
        aws_env,
        [
            accounts_page(DAYS, {"123456789012": "payer"}),
            breakdown_page(
                [day_result(d, [(["AWS Lambda", "us-east-1"], "1", "1")]) for d in DAYS]
            ),
        ],
    )
    bigquery.standard_pages()
    replay.answer = lambda path, body, req: respond({"error": {"code": "InternalError"}}, 500)


def test_one_failing_provider_is_reported_the_others_stored_exit_3(
    three_clouds,
    azure_cli,  # noqa: F811
    sleeps,
):
    result = azure_cli(
        "sync", "--no-resources", "--since", "2026-10-01", "--until", "2026-10-04", config=CONFIG
    )
    assert result.exit_code == 3, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("aws:ce:123456789012: ok") for line in lines), lines
    assert any(line.startswith(f"gcp:bigquery:{TABLE}: ok") for line in lines), lines
    [failed] = [line for line in lines if "FAILED" in line]
    assert SUBSCRIPTION in failed and "InternalError" in failed
    assert "1 of 3 source(s) failed; the others were stored" in result.stderr
    assert "Traceback" not in result.stderr
    by_provider = {run.provider: run for run in runs(azure_cli.db)}
    assert by_provider["aws"].status == "ok" and by_provider["gcp"].status == "ok"
    assert by_provider["azure"].status == "failed" and "InternalError" in by_provider["azure"].error
    costs = azure_cli(
        "costs", "--since", "2026-10-01", "--until", "2026-10-04", "--by", "provider",
        "--format", "json", "--offline",
    )  # fmt: skip
    assert costs.exit_code == 0, costs.stderr
    assert '"AWS"' in costs.stdout and '"Google Cloud"' in costs.stdout
