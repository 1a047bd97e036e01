"""Whether boto3's default credential chain would find AWS credentials, without importing boto3.

``cloudspy costs`` with no config uses the credentials a user already has (#12).
Deciding that must cost nothing on a warm cache, and must never wait for the
instance metadata service on a laptop, so this module reads only environment
variables and small files, in the order botocore's chain tries them:

1. ``AWS_ACCESS_KEY_ID`` + ``AWS_SECRET_ACCESS_KEY`` (environment keys);
2. the profile named by ``AWS_PROFILE``/``AWS_DEFAULT_PROFILE`` (else ``default``)
   in ``~/.aws/credentials`` or ``~/.aws/config``: static keys, ``role_arn`` with
   ``source_profile``, SSO, ``credential_process``, web identity;
3. ``AWS_WEB_IDENTITY_TOKEN_FILE`` + ``AWS_ROLE_ARN`` (EKS, CI OIDC);
4. a container role (``AWS_CONTAINER_CREDENTIALS_RELATIVE_URI``/``_FULL_URI``);
5. an EC2 instance role, but only on a machine whose firmware says it is EC2
   (``/sys/devices/virtual/dmi/id``), so nothing probes 169.254.169.254 elsewhere.

The result's ``key`` changes whenever the identity source could map to another
account (other keys, another profile or its settings) and carries no secret:
the cache remembers which account a key resolved to, so a warm ``costs`` needs
no STS call (:mod:`cloudspy.store.identities`).
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path

from cloudspy.providers.base import Ambient, fingerprint

DMI = Path("/sys/devices/virtual/dmi/id")
_PROFILE_KEYS = (
    "aws_access_key_id",
    "role_arn",
    "source_profile",
    "credential_source",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "sso_start_url",
    "credential_process",
    "web_identity_token_file",
)

SETUP_HINT = (
    "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run `aws configure` or "
    "`aws sso login`"
)


def _home_file(environ: Mapping[str, str], variable: str, default: str) -> Path:
    value = environ.get(variable)
    return Path(value).expanduser() if value else Path.home() / ".aws" / default


def _read(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error, UnicodeDecodeError):
        return configparser.RawConfigParser()
    return parser


def _profile_settings(environ: Mapping[str, str], profile: str) -> dict[str, str]:
    """The credential-bearing settings of ``profile`` in the credentials and config files."""
    found: dict[str, str] = {}
    credentials = _read(_home_file(environ, "AWS_SHARED_CREDENTIALS_FILE", "credentials"))
    if credentials.has_section(profile):
        found.update(credentials.items(profile))
    config = _read(_home_file(environ, "AWS_CONFIG_FILE", "config"))
    section = profile if profile == "default" else f"profile {profile}"
    for name in (section, profile):
        if config.has_section(name):
            found.update(config.items(name))
            break
    return {k: v for k, v in found.items() if k in _PROFILE_KEYS and v.strip()}


def on_ec2() -> bool:
    """Whether the firmware says this machine is an EC2 instance (no network involved)."""
    for name, test in (
        ("sys_vendor", lambda v: v == "Amazon EC2"),
        ("board_asset_tag", lambda v: v.startswith("i-")),
    ):
        try:
            if test((DMI / name).read_text(encoding="utf-8").strip()):
                return True
        except OSError:
            continue
    return False


def detect(environ: Mapping[str, str] | None = None) -> Ambient | None:
    """The AWS identity source boto3 would use, or None when there is none to find."""
    env = os.environ if environ is None else environ
    key_id = env.get("AWS_ACCESS_KEY_ID", "").strip()
    if key_id and env.get("AWS_SECRET_ACCESS_KEY", "").strip():
        return Ambient("aws", f"aws:env:{fingerprint(key_id)}", "AWS keys from AWS_ACCESS_KEY_ID")
    profile = (env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "").strip()
    settings = _profile_settings(env, profile or "default")
    if settings:
        name = profile or "default"
        described = ", ".join(sorted(k for k in settings if k != "aws_access_key_id"))
        what = f"AWS profile {name!r}" + (f" ({described})" if described else "")
        digest = fingerprint(name, *(f"{k}={v}" for k, v in sorted(settings.items())))
        return Ambient("aws", f"aws:profile:{digest}", what)
    if profile:
        # A named profile that does not exist: boto3 would refuse it; say so on use.
        return Ambient("aws", f"aws:profile:{fingerprint(profile)}", f"AWS profile {profile!r}")
    token_file = env.get("AWS_WEB_IDENTITY_TOKEN_FILE", "").strip()
    role = env.get("AWS_ROLE_ARN", "").strip()
    if token_file and role:
        return Ambient("aws", f"aws:web-identity:{fingerprint(role)}", f"AWS web identity {role}")
    for variable in (
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ):
        uri = env.get(variable, "").strip()
        if uri:
            return Ambient("aws", f"aws:container:{fingerprint(uri)}", "the AWS container role")
    if env.get("AWS_EC2_METADATA_DISABLED", "").strip().lower() != "true" and on_ec2():
        return Ambient("aws", "aws:instance", "the EC2 instance role")
    return None


def config_section(ambient: Ambient) -> dict[str, object]:
    """The ``[aws]`` section these credentials stand for: one Cost Explorer scope, whose
    payer sees its linked accounts, and the inventory of every enabled region."""
    return {"accounts": [{"name": ambient.description}]}
