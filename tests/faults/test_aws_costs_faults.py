"""AWS Cost Explorer under faults, through boto3 against a loopback STS + CE (issue #7, part 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.faults.conftest import (
    ACCOUNT,
    BROKEN_BODIES,
    ROLE_ARN,
    body,
    ce_error,
    ce_page,
    closed_days,
)
from tests.faults.helpers import assert_money, cost_state, last_run, one_line_error
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result

START, END = closed_days(2)
DAYS = [START, START + timedelta(days=1)]


def good_pages(amount: str = "2.5") -> list:
    """The two answers of a healthy sync: linked accounts, then one account's breakdown."""
    return [
        ce_page(accounts_page(DAYS, {ACCOUNT: "payer"})),
        ce_page(
            breakdown_page(
                [day_result(d, [(["AWS Lambda", "us-east-1"], amount, amount)]) for d in DAYS]
            )
        ),
    ]


def aws_sync(cli, db, *extra: str):
    return cli(
        "--db",
        str(db),
        "aws",
        "sync",
        "--no-resources",
        "--since",
        START.isoformat(),
        "--until",
        END.isoformat(),
        *extra,
    )


@pytest.fixture
def seeded(cli, db, fake_aws):
    """A cache holding two final days (5.00 USD) from a healthy sync."""
    fake_aws.ce.answers = good_pages()
    assert aws_sync(cli, db).exit_code == 0
    before = cost_state(db)
    assert_money(before, "USD", "5.0")
    fake_aws.ce.served.clear()
    return before


THROTTLED = ce_error("ThrottlingException", "Rate exceeded")


def test_throttling_storm_is_retried_with_growing_backoff_and_counted(cli, db, fake_aws, sleeps):
    fake_aws.ce.answers = [THROTTLED] * 4 + good_pages()
    result = aws_sync(cli, db)
    assert result.exit_code == 0, result.stderr
    assert len(fake_aws.ce.served) == 6
    assert len(sleeps) == 4
    assert sleeps == sorted(sleeps) and sleeps[-1] > 2 * sleeps[0]  # exponential, jittered
    run = last_run(db)
    assert run.status == "ok"
    assert run.quota_used == {"ce_requests": 2, "throttled": 4}
    assert run.api_calls == 2  # throttled requests are not billed
    assert_money(cost_state(db), "USD", "5.0")


def test_storm_longer_than_the_retry_budget_fails_one_line_and_keeps_the_cache(
    cli, db, fake_aws, seeded, sleeps
):
    fake_aws.ce.answers = [THROTTLED]
    result = aws_sync(cli, db, "--refresh")
    one_line_error(result, "ThrottlingException")
    assert len(fake_aws.ce.served) == 6  # with_retries' budget: 6 attempts, 5 backoffs
    assert len(sleeps) == 5
    assert cost_state(db) == seeded
    run = last_run(db)
    assert run.status == "failed" and "ThrottlingException" in run.error


def test_a_silent_endpoint_times_out_is_retried_then_fails_one_line(
    cli, db, fake_aws, seeded, sleeps, black_hole, short_timeout, monkeypatch
):
    monkeypatch.setenv("AWS_ENDPOINT_URL_COST_EXPLORER", black_hole)
    started = datetime.now(UTC)
    result = aws_sync(cli, db, "--refresh")
    line = one_line_error(result, "timed out")
    assert "Cost Explorer" in line or "read" in line
    assert len(sleeps) == 5  # a timeout is retried like throttling
    assert datetime.now(UTC) - started < timedelta(seconds=15)
    assert cost_state(db) == seeded
    assert last_run(db).status == "failed"


def test_bad_http_timeout_setting_is_a_usage_error(cli, db, fake_aws, monkeypatch):
    monkeypatch.setenv("CLOUDSPY_HTTP_TIMEOUT", "soon")
    result = aws_sync(cli, db)
    assert result.exit_code == 2
    assert "CLOUDSPY_HTTP_TIMEOUT" in result.stderr


def test_expired_token_mid_sync_refreshes_the_assumed_role_and_retries(cli, db, fake_aws, sleeps):
    """Bug (issue #7): an ExpiredTokenException mid-sync failed the run although the
    assumed role's credentials refresh themselves; now they are refreshed and the call
    retried once."""
    accounts, breakdown = good_pages()
    fake_aws.ce.answers = [
        accounts,
        ce_error("ExpiredTokenException", "The security token included in the request is expired"),
        breakdown,
    ]
    result = aws_sync(cli, db, "--role-arn", ROLE_ARN)
    assert result.exit_code == 0, result.stderr
    assert fake_aws.assume_calls == 2
    assert fake_aws.ce_keys == ["ASIAFAKE1", "ASIAFAKE1", "ASIAFAKE2"]
    assert_money(cost_state(db), "USD", "5.0")
    assert last_run(db).status == "ok"


def test_expired_token_that_a_refresh_does_not_cure_fails_one_line(cli, db, fake_aws, sleeps):
    fake_aws.ce.answers = [ce_error("ExpiredTokenException", "The security token is expired")]
    result = aws_sync(cli, db, "--role-arn", ROLE_ARN)
    one_line_error(result, "ExpiredTokenException", "credentials")
    assert fake_aws.assume_calls == 2  # one refresh, then the error is final
    assert last_run(db).status == "failed"


def test_expired_static_credentials_are_a_one_line_credentials_error(cli, db, fake_aws, seeded):
    fake_aws.ce.answers = [ce_error("ExpiredTokenException", "The security token is expired")]
    result = aws_sync(cli, db, "--refresh")
    one_line_error(result, "refused the credentials", "AWS_PROFILE")
    assert len(fake_aws.ce.served) == 1  # nothing to refresh: no retry
    assert cost_state(db) == seeded


def test_role_credentials_expiring_during_the_sync_are_refreshed_before_use(cli, db, fake_aws):
    # The first AssumeRole answer expires within botocore's mandatory refresh window.
    fake_aws.expirations = [
        datetime.now(UTC) + timedelta(minutes=2),
        datetime.now(UTC) + timedelta(hours=1),
    ]
    fake_aws.ce.answers = good_pages()
    result = aws_sync(cli, db, "--role-arn", ROLE_ARN)
    assert result.exit_code == 0, result.stderr
    assert fake_aws.assume_calls == 2
    assert set(fake_aws.ce_keys) == {"ASIAFAKE2"}


@pytest.mark.parametrize("name", sorted(BROKEN_BODIES))
def test_broken_bodies_fail_one_line_and_keep_the_cache(cli, db, fake_aws, seeded, sleeps, name):
    """Bug (issue #7): botocore parses a 200 that is not JSON (a proxy's HTML page) as
    an empty answer, so a --refresh replaced the cached days with nothing and exited 0."""
    text, content_type = BROKEN_BODIES[name]
    fake_aws.ce.answers = [body(text, content_type=content_type)]
    result = aws_sync(cli, db, "--refresh")
    one_line_error(result, "Cost Explorer")
    assert cost_state(db) == seeded
    run = last_run(db)
    assert run.status == "failed" and run.error


def test_a_page_missing_its_keys_fails_one_line_and_keeps_the_cache(cli, db, fake_aws, seeded):
    """Bug (issue #7): a result without TimePeriod escaped as "unexpected KeyError"."""
    accounts, _ = good_pages()
    broken = {"ResultsByTime": [{"Groups": [{"Keys": ["AWS Lambda", "us-east-1"]}]}]}
    fake_aws.ce.answers = [accounts, ce_page(broken)]
    result = aws_sync(cli, db, "--refresh")
    one_line_error(result, "Cost Explorer")
    assert cost_state(db) == seeded
    assert last_run(db).status == "failed"
