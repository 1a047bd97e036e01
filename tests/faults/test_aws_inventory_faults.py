"""AWS inventory under faults: a region throttled, silent, denied, or credentials expiring.

moto's server holds the account (tests/inventory/conftest.py); faults are injected
per region through botocore's ``before-call`` event, where the real client
raises them exactly as it would for a wire answer.
"""

from __future__ import annotations

import botocore.exceptions
import pytest

from cloudspy import api
from cloudspy.cli.inventory_sync import sync_inventory_cli
from cloudspy.cli.state import CliState
from cloudspy.config import Settings
from tests.faults.conftest import ROLE_ARN
from tests.faults.helpers import runs
from tests.inventory.conftest import moto_account  # noqa: F401 (fixture)
from tests.inventory.test_aws_inventory import _session, _settings, _source

EU = "eu-west-1"


def fault_in(session, region: str, operation: str, make_error, times: int | None = None):
    """Raise ``make_error()`` for ``operation`` in ``region`` (``times`` times, else always)."""
    raised = []

    def hook(request_signer, **_):
        if request_signer.region_name == region and (times is None or len(raised) < times):
            raised.append(operation)
            raise make_error()

    session.events.register(f"before-call.ec2.{operation}", hook)
    return raised


def client_error(code: str, message: str = "fault"):
    return lambda: botocore.exceptions.ClientError(
        {"Error": {"Code": code, "Message": message}}, "DescribeVolumes"
    )


def read_timeout():
    return botocore.exceptions.ReadTimeoutError(endpoint_url="http://127.0.0.1:9/")


def regions_of(db) -> set[str]:
    return {r.region for r in api.resources(db=db, settings=Settings()).rows}


def run_cli(db, source, capsys) -> tuple[int, str]:
    """The inventory half of ``cloudspy sync`` on ``source``: (exit code, stderr)."""
    state = CliState(db=db)
    state._settings = _settings()
    code = sync_inventory_cli(state, sources=[source], required=True)
    return int(code), capsys.readouterr().err


def test_a_throttled_region_is_retried_and_stored(db, moto_account, sleeps):  # noqa: F811
    session = _session()
    raised = fault_in(session, EU, "DescribeVolumes", client_error("RequestLimitExceeded"), 3)
    (result,) = api.sync_resources(sources=[_source(session)], db=db, settings=_settings())
    assert result.status == "ok"
    assert len(raised) == 3 and len(sleeps) == 3
    assert regions_of(db) == {EU, "us-east-1"}


def test_a_storm_in_one_region_skips_it_keeps_its_snapshot_and_stores_the_rest(
    db,
    moto_account,  # noqa: F811
    sleeps,
    capsys,
):
    """Bug (issue #7): throttling beyond the retry budget escaped as a raw botocore
    ClientError, aborting the whole inventory sync with "unexpected ClientError"."""
    api.sync_resources(sources=[_source()], db=db, settings=_settings())
    session = _session()
    fault_in(session, EU, "DescribeVolumes", client_error("RequestLimitExceeded"))
    code, err = run_cli(db, _source(session), capsys)
    assert code == 0  # partial: a warning, not a failure
    assert f"skipped {EU}" in err
    assert len(sleeps) == 5
    latest = runs(db)[0]
    assert latest.status == "partial"
    assert EU in latest.error and "kept failing" in latest.error
    assert regions_of(db) == {EU, "us-east-1"}  # eu-west-1's earlier snapshot is kept
    listing = api.resources(db=db, settings=Settings())
    assert listing.snapshot.denied_regions == [f"aws:inventory:123456789012 {EU}"]


def test_a_silent_region_times_out_is_retried_then_skipped(
    db,
    moto_account,  # noqa: F811
    sleeps,
):
    session = _session()
    raised = fault_in(session, EU, "DescribeInstances", read_timeout)
    (result,) = api.sync_resources(sources=[_source(session)], db=db, settings=_settings())
    assert result.status == "partial"
    assert len(raised) == 6  # retried like throttling
    outcome = {o.region: o for o in result.regions}
    assert outcome[EU].status == "failed" and "timed out" in outcome[EU].error
    assert outcome["us-east-1"].status == "ok"


def test_every_region_failing_fails_the_source_with_exit_3(
    db,
    moto_account,  # noqa: F811
    sleeps,
    capsys,
):
    session = _session()
    for region in ("us-east-1", EU):
        fault_in(session, region, "DescribeInstances", client_error("UnauthorizedOperation"))
    code, err = run_cli(db, _source(session), capsys)
    assert code == 3
    assert "1 of 1 inventory source(s) failed" in err
    assert runs(db)[0].status == "failed"


def test_denied_region_listing_is_one_clear_failure_exit_3(
    db,
    moto_account,  # noqa: F811
    capsys,
):
    session = _session()
    fault_in(session, "us-east-1", "DescribeRegions", client_error("UnauthorizedOperation"))
    code, _ = run_cli(db, _source(session), capsys)
    assert code == 3
    [result] = api.history(db=db)
    assert result.status == "failed" and "listing the enabled regions" in result.error


def test_expired_role_credentials_mid_inventory_are_refreshed(
    db,
    moto_account,  # noqa: F811
):
    source = _source(session=None, role_arn=ROLE_ARN)
    source.session = None
    session = source._session()  # STS AssumeRole against moto
    raised = fault_in(session, EU, "DescribeVolumes", client_error("ExpiredTokenException"), 1)
    (result,) = api.sync_resources(sources=[source], db=db, settings=_settings())
    assert raised == ["DescribeVolumes"]
    assert result.status == "ok", result


@pytest.mark.parametrize("code", ["ExpiredTokenException", "ExpiredToken"])
def test_expired_static_credentials_fail_the_region_with_the_credentials_hint(
    db,
    moto_account,  # noqa: F811
    code,
):
    session = _session()
    fault_in(session, EU, "DescribeVolumes", client_error(code))
    (result,) = api.sync_resources(sources=[_source(session)], db=db, settings=_settings())
    outcome = {o.region: o for o in result.regions}
    assert outcome[EU].status == "failed"
    assert "refused the credentials" in outcome[EU].error
