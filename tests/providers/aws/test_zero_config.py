"""Zero-config (#12): with no config file, `costs` and `sync` use the credentials boto3 finds.

Each case runs the real CLI and boto3 against moto's server: environment keys, a
profile in a temporary ~/.aws/config, a role profile with `source_profile` (a real
STS AssumeRole), and no credentials at all. The warm run is checked in a fresh
process: it answers from the store without importing boto3 or the config models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from tests.conftest import DEMO_TODAY, PINNED_NOW
from tests.providers.aws.ce_results import accounts_page, breakdown_page, day_result, queue

DAYS = [DEMO_TODAY - timedelta(days=i) for i in range(6, 0, -1)]  # previous 3 + current 3
GROUPS = [(["AWS Lambda", "us-east-1"], "1.5", "1.25")]


def queue_six_days(moto: str) -> None:
    queue(
        moto,
        [
            accounts_page(DAYS, {"123456789012": "payer"}),
            breakdown_page([day_result(d, GROUPS) for d in DAYS]),
        ],
    )


def runs(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as conn:
        return conn.execute("SELECT count(*) FROM sync_run").fetchall()[0][0]


def warm_costs_in_a_fresh_process(db: Path, env: dict[str, str]) -> tuple[int, str, set[str]]:
    """`cloudspy costs --last 3d` (no --offline) in a new interpreter: exit, stdout, and
    which heavy packages it imported.

    The `duckdb` package counts as heavy: the store opens through DuckDB's compiled
    engine alone (60 ms less, #12). The store file must be opened once, not once
    for the freshness check and again for the answer.
    """
    probe = (
        "import sys\n"
        "import cloudspy.store.connection as connection\n"
        "opens = []\n"
        "real_open = connection._open\n"
        "connection._open = lambda *a, **k: opens.append(a) or real_open(*a, **k)\n"
        f"sys.argv = ['cloudspy', '--db', {str(db)!r}, 'costs', '--last', '3d',"
        " '--format', 'json']\n"
        "from cloudspy.cli.main import run\n"
        "code = 0\ntry:\n    run()\nexcept SystemExit as exc:\n    code = exc.code or 0\n"
        "heavy = {'boto3', 'botocore', 'pydantic', 'google', 'azure', 'starlette', 'uvicorn',"
        " 'duckdb'}\n"
        "print('LOADED:' + ','.join(sorted({m.split('.')[0] for m in sys.modules} & heavy)))\n"
        "print('OPENS:' + str(len(opens)))\n"
        "print('EXIT:' + str(code))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env
    )
    lines = out.stdout.strip().splitlines()
    loaded = {m for m in lines[-3].removeprefix("LOADED:").split(",") if m}
    assert lines[-2] == "OPENS:1", f"a warm costs opened the store {lines[-2]} time(s)"
    return int(lines[-1].removeprefix("EXIT:")), "\n".join(lines[:-3]), loaded


def test_env_keys_and_no_config_sync_first_then_answer_warm_without_the_sdk(
    aws_env, cli, db, monkeypatch
):
    queue_six_days(aws_env)
    first = cli("--db", db, "costs", "--last", "3d", "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert "no config: using AWS keys from AWS_ACCESS_KEY_ID" in first.stderr
    assert "123456789012" in first.stderr  # which account it read
    assert "$0.01" in first.stderr  # and what the requests cost
    document = json.loads(first.stdout)
    assert document["totals"][0]["cost"] == "4.5"
    assert runs(db) == 1

    env = {**os.environ, "CLOUDSPY_NOW": PINNED_NOW}
    code, stdout, loaded = warm_costs_in_a_fresh_process(db, env)
    assert code == 0
    assert json.loads(stdout)["totals"][0]["cost"] == "4.5"
    assert loaded == set(), f"a warm costs imported {loaded}"
    assert runs(db) == 1  # no second sync, no API call


def test_new_credentials_are_a_new_identity_and_fetch_again(aws_env, cli, db, monkeypatch):
    queue_six_days(aws_env)
    assert cli("--db", db, "costs", "--last", "3d").exit_code == 0
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAOTHERKEY")
    queue_six_days(aws_env)
    again = cli("--db", db, "costs", "--last", "3d")
    assert again.exit_code == 0, again.stderr
    # Same account behind the new keys: the cache already holds its days, so nothing is
    # fetched; the new identity is remembered after one STS call.
    assert runs(db) == 1
    with duckdb.connect(str(db), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM source_scope").fetchall()[0][0] == 2


def _profile_files(home: Path, config: str, credentials: str, monkeypatch) -> None:
    (home / "aws-config").write_text(config, encoding="utf-8")
    (home / "aws-credentials").write_text(credentials, encoding="utf-8")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)


def test_a_profile_in_aws_config_is_used_with_no_cloudspy_config(
    aws_env, cli, db, tmp_path, monkeypatch
):
    _profile_files(
        tmp_path,
        "[profile dev]\nregion = us-east-1\n",
        "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\n",
        monkeypatch,
    )
    monkeypatch.setenv("AWS_PROFILE", "dev")
    queue_six_days(aws_env)
    result = cli("--db", db, "costs", "--last", "3d", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "AWS profile 'dev'" in result.stderr
    assert json.loads(result.stdout)["totals"][0]["cost"] == "4.5"


def test_a_role_profile_with_source_profile_assumes_the_role(
    aws_env, cli, db, tmp_path, monkeypatch
):
    _profile_files(
        tmp_path,
        "[default]\nregion = us-east-1\n"
        "[profile reader]\nrole_arn = arn:aws:iam::123456789012:role/CloudSpyRead\n"
        "source_profile = default\n",
        "[default]\naws_access_key_id = AKIABASE\naws_secret_access_key = basesecret\n",
        monkeypatch,
    )
    monkeypatch.setenv("AWS_PROFILE", "reader")
    queue_six_days(aws_env)
    result = cli("--db", db, "sync", "--since", "2026-11-19", "--until", "2026-11-25")
    assert result.exit_code == 0, result.stderr
    assert "AWS profile 'reader' (role_arn, source_profile)" in result.stderr
    assert "ok, 6 day(s) fetched" in result.stdout


def test_no_credentials_at_all_is_one_line_exit_3_that_says_what_to_do(cli, db, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for command in (["costs", "--last", "30d"], ["sync"]):
        result = cli("--db", db, *command)
        assert result.exit_code == 3, (command, result.stdout, result.stderr)
        lines = result.stderr.strip().splitlines()
        assert len(lines) <= 2 and "no AWS, GCP or Azure credentials were found" in lines[0]
        assert "aws sso login" not in lines[0] and "az login" in result.stderr
    assert not db.exists()  # nothing was created


def test_a_provider_named_without_credentials_says_how_to_set_them_up(cli, db, monkeypatch):
    result = cli("--db", db, "sync", "--provider", "gcp")
    assert result.exit_code == 3
    assert "no Google Cloud account is configured and no Google Cloud credentials" in (
        result.stderr
    )
    assert "gcloud auth application-default login" in result.stderr


def test_a_config_that_names_an_account_wins_over_detection(aws_env, cli, db, tmp_path):
    queue_six_days(aws_env)
    config = tmp_path / "config.toml"
    config.write_text('[[aws.accounts]]\nname = "main"\n', encoding="utf-8")
    result = cli("--db", db, "--config", config, "costs", "--last", "3d")
    assert result.exit_code == 0, result.stderr
    assert "no config" not in result.stderr and "AWS main" in result.stderr


@pytest.mark.parametrize("output", ["json"])
def test_a_warm_costs_with_a_config_imports_neither_sdk_nor_config_models(
    aws_env, cli, db, tmp_path, output
):
    queue_six_days(aws_env)
    config = tmp_path / "config.toml"
    config.write_text('[[aws.accounts]]\nname = "main"\n', encoding="utf-8")
    assert cli("--db", db, "--config", config, "costs", "--last", "3d").exit_code == 0
    env = {**os.environ, "CLOUDSPY_NOW": PINNED_NOW, "CLOUDSPY_CONFIG": str(config)}
    code, stdout, loaded = warm_costs_in_a_fresh_process(db, env)
    assert code == 0 and json.loads(stdout)["totals"][0]["cost"] == "4.5"
    assert loaded == set(), f"a warm costs with a config imported {loaded}"
    assert runs(db) == 1


def test_init_writes_a_commented_config_that_loads(aws_env, cli, tmp_path):
    from cloudspy.config import load_settings

    target = tmp_path / "conf" / "config.toml"
    dry = cli("--config", target, "init", "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert not target.exists()  # --dry-run writes nothing
    assert "# AWS: AWS keys from AWS_ACCESS_KEY_ID reach account 123456789012." in dry.stdout
    assert "# Microsoft Azure: no credentials found; run `az login`" in dry.stdout

    written = cli("--config", target, "init")
    assert written.exit_code == 0, written.stderr
    assert f"wrote {target}: aws" in written.stderr
    assert target.read_text() == dry.stdout
    settings = load_settings(target)
    assert [a.name for a in settings.aws.accounts] == ["123456789012"]
    assert settings.detected == ()  # the file names an account: no detection

    target.write_text("# mine\n")
    refused = cli("--config", target, "init")
    assert refused.exit_code == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert target.read_text() == "# mine\n"
    forced = cli("--config", target, "init", "--force")
    assert forced.exit_code == 0 and target.read_text() == dry.stdout
