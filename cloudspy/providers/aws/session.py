"""boto3 sessions from the standard chain, a profile, or an assumed role.

boto3's own conventions keep working (``AWS_PROFILE``, ``AWS_ENDPOINT_URL``,
``AWS_CONFIG_FILE``, SSO). An assumed role's credentials refresh themselves
before they expire, so a long sync does not die halfway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cloudspy.errors import CredentialsError, ProviderError, UsageError

if TYPE_CHECKING:
    import boto3

SESSION_NAME = "cloudspy"
CREDENTIALS_HINT = (
    "set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, run `aws configure` or "
    "`aws sso login`, or pass --profile / --role-arn"
)
# The permissions each operation needs, for `cloudspy permissions` and its test.
PERMISSIONS = {
    "sts:GetCallerIdentity": "find the account whose costs are read",
    "sts:AssumeRole": "only with --role-arn",
    "ce:GetCostAndUsage": "daily costs by linked account, service and region",
    "ce:GetCostForecast": "AWS's own forecast, shown beside CloudSpy's (`cloudspy forecast`)",
}


def client_config() -> Any:
    """botocore settings: CloudSpy retries throttling itself, so it can count calls."""
    from botocore.config import Config

    from cloudspy.providers.base import http_timeout

    read = http_timeout(60)
    return Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=min(10, read),
        read_timeout=read,
        user_agent_extra="cloudspy",
    )


def make_session(
    profile: str | None = None,
    role_arn: str | None = None,
    external_id: str | None = None,
    region: str = "us-east-1",
) -> boto3.Session:
    """A session for the profile (or default chain), assuming ``role_arn`` if given."""
    import boto3
    import botocore.exceptions as bce

    try:
        base = boto3.Session(profile_name=profile, region_name=region)
    except bce.ProfileNotFound as exc:
        raise UsageError(f"AWS profile {profile!r} is not configured ({exc})") from None
    if not role_arn:
        return base
    return _assumed_session(base, role_arn, external_id, region)


def _assumed_session(
    base: boto3.Session, role_arn: str, external_id: str | None, region: str
) -> boto3.Session:
    import boto3
    import botocore.session
    from botocore.credentials import RefreshableCredentials

    sts = base.client("sts", config=client_config())

    def fetch() -> dict[str, str]:
        params: dict[str, Any] = {"RoleArn": role_arn, "RoleSessionName": SESSION_NAME}
        if external_id:
            params["ExternalId"] = external_id
        creds = call_aws(lambda: sts.assume_role(**params), what=f"assume role {role_arn}")
        creds = creds["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=fetch(), refresh_using=fetch, method="sts-assume-role"
    )
    core = botocore.session.get_session()
    core._credentials = credentials  # the documented recipe for refreshable role sessions
    return boto3.Session(botocore_session=core, region_name=region)


# Errors that a caller retries itself: passed through untranslated.
RETRYABLE_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "LimitExceededException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "RequestThrottled",
        "ServiceUnavailable",
        "InternalError",
        "InternalFailure",
    }
)


EXPIRED_CODES = frozenset({"ExpiredToken", "ExpiredTokenException", "RequestExpired"})
# botocore's standard retry mode treats these as transient besides throttling (#13):
# error codes, and HTTP statuses with any (or no) parseable error body.
TRANSIENT_CODES = frozenset(
    {
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "IDPCommunicationError",
    }
)
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` is worth retrying, classified as botocore's standard mode does:
    throttling, 5xx, timeouts, and the connection failing (reset, refused, TLS)."""
    import botocore.exceptions as bce

    if isinstance(exc, AwsTimeoutError | bce.ConnectionError | bce.HTTPClientError):
        return True
    if not isinstance(exc, bce.ClientError):
        return False
    response = exc.response or {}
    code = (response.get("Error") or {}).get("Code")
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    return code in RETRYABLE_CODES or code in TRANSIENT_CODES or status in TRANSIENT_STATUS


def is_throttled(exc: BaseException) -> bool:
    """Whether AWS said "slow down" (for counting throttled calls)."""
    response = getattr(exc, "response", None) or {}
    return (response.get("Error") or {}).get("Code") in RETRYABLE_CODES


def retry_hint(exc: Exception) -> float | None:
    """For :func:`~cloudspy.providers.base.with_retries`: back off on transient errors."""
    return 0 if is_transient(exc) else None


def final_error(exc: Exception, what: str) -> ProviderError:
    """The CloudSpy error for ``exc`` once retries are spent (or it was never transient)."""
    import botocore.exceptions as bce

    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, bce.ConnectionError | bce.HTTPClientError):
        return ProviderError(f"cannot reach AWS to {what}: {type(exc).__name__}: {exc}")
    response = getattr(exc, "response", None) or {}
    error = response.get("Error") or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
    code = error.get("Code") or (f"HTTP {status}" if status else type(exc).__name__)
    return ProviderError(f"AWS failed to {what}: {code}: {error.get('Message') or exc}")


def credentials_refresher(session: Any) -> Any:
    """A callable that makes refreshable credentials (an assumed role, SSO) refresh
    before the next request and returns True; None for static keys.

    botocore refreshes such credentials only by their local expiry time; AWS can
    declare them expired earlier (clock skew, a revoked session), and a sync
    hours long must not die of that when a refresh would cure it.
    """
    from datetime import UTC, datetime, timedelta

    from botocore.credentials import RefreshableCredentials

    credentials = session.get_credentials()
    if not isinstance(credentials, RefreshableCredentials):
        return None

    def refresh() -> bool:
        # botocore has no public "refresh now": an expiry in the past forces it.
        credentials._expiry_time = datetime.now(UTC) - timedelta(seconds=1)
        return True

    return refresh


class AwsTimeoutError(ProviderError):
    """An AWS request got no answer in time; readers retry it like throttling."""


def call_aws(call: Any, *, what: str, refresh: Any = None) -> Any:
    """Run one AWS call, turning every failure but a retryable one into a CloudSpy error.

    ``refresh`` (from :func:`credentials_refresher`) is used once when AWS says
    the credentials expired: they are refreshed and the call is made again.
    """
    import botocore.exceptions as bce

    try:
        return call()
    except Exception as exc:
        response = getattr(exc, "response", None) or {}
        expired = isinstance(exc, bce.ClientError) and (
            response.get("Error", {}).get("Code") in EXPIRED_CODES
        )
        if not (expired and refresh is not None and refresh()):
            _raise_translated(exc, what)
    return call_aws(call, what=what)


def _raise_translated(exc: Exception, what: str) -> None:
    """Raise the CloudSpy error for ``exc``; what is retryable or unknown is raised as it is."""
    import botocore.exceptions as bce

    try:
        raise exc
    except bce.ParamValidationError as exc:
        text = " ".join(str(exc).split())
        raise UsageError(f"AWS rejected the request to {what}: {text}") from None
    except bce.NoCredentialsError:
        raise CredentialsError("AWS credentials were not found", hint=CREDENTIALS_HINT) from None
    except (bce.SSOTokenLoadError, bce.UnauthorizedSSOTokenError, bce.TokenRetrievalError):
        raise CredentialsError(
            "the AWS SSO session has expired", hint="run `aws sso login`"
        ) from None
    except (bce.ConnectTimeoutError, bce.ReadTimeoutError) as exc:
        raise AwsTimeoutError(f"AWS timed out while trying to {what}: {exc}") from None
    except (bce.ConnectionError, bce.HTTPClientError):
        raise  # transient (reset, refused): the caller retries it, then reports it
    except bce.ClientError as exc:
        error = exc.response.get("Error", {})
        code = error.get("Code", "")
        message = error.get("Message", "")
        if code in {
            "ExpiredToken",
            "ExpiredTokenException",
            "InvalidClientTokenId",
            "UnrecognizedClientException",
            "SignatureDoesNotMatch",
            "AuthFailure",
        }:
            raise CredentialsError(
                f"AWS refused the credentials while trying to {what}: {code}: {message}",
                hint=CREDENTIALS_HINT,
            ) from None
        if code in {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}:
            raise CredentialsError(
                f"AWS denied access to {what}: {message or code}",
                hint="grant the permissions in `cloudspy permissions --provider aws`",
            ) from None
        if is_transient(exc):
            raise
        raise ProviderError(f"AWS failed to {what}: {code}: {message}") from None
