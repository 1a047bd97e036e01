"""Finding each SDK's own credentials from env and files only (#12): what counts, and keys.

No SDK is imported and no network is used; the keys that identify an identity
source change with it and carry no secret.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from cloudspy.providers.aws import ambient as aws
from cloudspy.providers.azure import ambient as azure
from cloudspy.providers.gcp import ambient as gcp


def test_nothing_found_on_a_bare_machine(tmp_path: Path):
    env = {"HOME": str(tmp_path), "AWS_CONFIG_FILE": str(tmp_path / "none")}
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none2")
    env["AZURE_CONFIG_DIR"] = str(tmp_path / "az")
    env["CLOUDSDK_CONFIG"] = str(tmp_path / "gcloud")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    assert aws.detect(env) is None
    assert azure.detect(env) is None
    assert gcp.detect(env) is None


def test_aws_env_keys_win_and_their_key_hides_the_key_id():
    found = aws.detect({"AWS_ACCESS_KEY_ID": "AKIA123", "AWS_SECRET_ACCESS_KEY": "s"})
    assert found is not None and found.provider == "aws"
    assert "AKIA123" not in found.key and found.key.startswith("aws:env:")
    other = aws.detect({"AWS_ACCESS_KEY_ID": "AKIA456", "AWS_SECRET_ACCESS_KEY": "s"})
    assert other is not None and other.key != found.key
    assert aws.detect({"AWS_ACCESS_KEY_ID": "AKIA123"}) is None  # no secret: not a credential


def test_aws_profiles_from_both_files(tmp_path: Path):
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text(
        "[profile sso]\nsso_session = corp\nsso_account_id = 111111111111\n"
        "sso_role_name = ReadOnly\n[profile tool]\ncredential_process = /bin/creds\n"
        "[profile empty]\nregion = eu-west-1\n"
    )
    credentials.write_text("[default]\naws_access_key_id = AKIA\naws_secret_access_key = x\n")
    env = {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(credentials)}
    default = aws.detect(env)
    assert default is not None and default.description == "AWS profile 'default'"
    sso = aws.detect({**env, "AWS_PROFILE": "sso"})
    assert sso is not None and "sso_session" in sso.description
    tool = aws.detect({**env, "AWS_PROFILE": "tool"})
    assert tool is not None and "credential_process" in tool.description
    # A named profile is what boto3 would use, even one without credentials of its own.
    empty = aws.detect({**env, "AWS_PROFILE": "empty"})
    assert empty is not None and empty.key not in {default.key, sso.key, tool.key}
    # Editing the profile's credential settings changes the identity key.
    config.write_text(config.read_text().replace("ReadOnly", "Admin"))
    assert aws.detect({**env, "AWS_PROFILE": "sso"}).key != sso.key


def test_aws_web_identity_and_container_roles():
    web = aws.detect({"AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"})
    assert web is not None and web.key.startswith("aws:web-identity:")
    container = aws.detect({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"})
    assert container is not None and container.description == "the AWS container role"


def test_the_instance_role_only_where_the_firmware_says_ec2(tmp_path: Path, monkeypatch):
    dmi = tmp_path / "dmi"
    dmi.mkdir()
    monkeypatch.setattr(aws, "DMI", dmi)
    env = {
        "AWS_CONFIG_FILE": str(tmp_path / "x"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "y"),
    }
    assert aws.detect(env) is None
    (dmi / "sys_vendor").write_text("Amazon EC2\n")
    assert aws.detect(env).key == "aws:instance"
    assert aws.detect({**env, "AWS_EC2_METADATA_DISABLED": "true"}) is None


def test_azure_service_principal_cli_login_and_managed_identity(tmp_path: Path):
    principal = azure.detect(
        {"AZURE_CLIENT_ID": "c", "AZURE_TENANT_ID": "t", "AZURE_CLIENT_SECRET": "s"}
    )
    assert principal is not None and principal.key.startswith("azure:env:")
    assert azure.detect({"AZURE_CLIENT_ID": "c", "AZURE_TENANT_ID": "t"}) is None
    msi = azure.detect({"IDENTITY_ENDPOINT": "http://localhost:42356/msi/token"})
    assert msi is not None and msi.description == "the Azure managed identity"
    profile = tmp_path / "azureProfile.json"
    profile.write_text(
        "\ufeff"  # the Azure CLI writes a byte-order mark
        + json.dumps(
            {
                "subscriptions": [
                    {"id": "s1", "isDefault": True, "tenantId": "t1", "user": {"name": "a@b.c"}}
                ]
            }
        ),
        encoding="utf-8",
    )
    login = azure.detect({"AZURE_CONFIG_DIR": str(tmp_path)})
    assert login is not None and login.description == "Azure CLI login a@b.c"


def test_gcp_adc_file_and_named_key(tmp_path: Path):
    adc = tmp_path / "application_default_credentials.json"
    adc.write_text(
        json.dumps({"type": "authorized_user", "client_id": "123.apps", "refresh_token": "r"})
    )
    found = gcp.detect({"CLOUDSDK_CONFIG": str(tmp_path)})
    assert found is not None and "123.apps" in found.description
    key = tmp_path / "key.json"
    key.write_text(json.dumps({"type": "service_account", "client_email": "sa@p.iam"}))
    named = gcp.detect({"GOOGLE_APPLICATION_CREDENTIALS": str(key)})
    assert named is not None and "sa@p.iam" in named.description
    assert gcp.detect({"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "missing.json")}) is None


@pytest.mark.parametrize("module", ["boto3", "botocore", "google.auth", "azure.identity"])
def test_detection_imports_no_sdk(module: str):
    import subprocess

    probe = (
        "import sys\nfrom cloudspy.providers.registry import detect_all\ndetect_all()\n"
        f"print({module!r} in sys.modules or {module.split('.')[0]!r} in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
