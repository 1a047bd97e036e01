"""Application Default Credentials, endpoints, and Google API errors as CloudSpy errors.

Credentials come from ADC (``GOOGLE_APPLICATION_CREDENTIALS``, ``gcloud auth
application-default login``, workload identity, the metadata server) and are
looked up only when GCP is configured or asked for. CloudSpy retries throttling
and server errors itself (:func:`retry_hint`), so the clients' own retries are
switched off and every call can be counted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from cloudspy.errors import CredentialsError, ProviderError

if TYPE_CHECKING:
    from cloudspy.providers.gcp.settings import GcpSettings

T = TypeVar("T")
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
CREDENTIALS_HINT = (
    "run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS "
    "to a service account key file"
)
IAM_HINT = "grant the roles listed in docs/gcp.md (BigQuery Job User, Data Viewer, Billing Viewer)"
ENDPOINT_ENV = {
    "bigquery": "CLOUDSPY_GCP_BIGQUERY_ENDPOINT",
    "billing": "CLOUDSPY_GCP_BILLING_ENDPOINT",
    # The Cloud Billing Catalog (list prices); falls back to the billing endpoint.
    "catalog": "CLOUDSPY_GCP_CATALOG_ENDPOINT",
    "compute": "CLOUDSPY_GCP_COMPUTE_ENDPOINT",
    "monitoring": "CLOUDSPY_GCP_MONITORING_ENDPOINT",
}
# The permissions each operation needs, for `cloudspy permissions` and docs/gcp.md.
PERMISSIONS = {
    "bigquery.tables.get": "read the export table's schema (kind, partitioning)",
    "bigquery.jobs.create": "run the daily aggregation query (in the billed project)",
    "bigquery.tables.getData": "read the billing export table or view",
    "billing.accounts.list": "`cloudspy gcp accounts`: list billing accounts",
    "billing.resourceAssociations.list": "`cloudspy gcp accounts`: projects of an account",
}
_RETRY_REASONS = {"rateLimitExceeded", "backendError", "internalError", "jobRateLimitExceeded"}
_RETRY_STATUS = {429, 500, 502, 503, 504}


def pause(seconds: float) -> None:
    """Sleep between retries (a seam tests replace to run fast)."""
    time.sleep(seconds)


def endpoint(service: str, settings: GcpSettings | None) -> str | None:
    """The API endpoint for ``service`` (a key of ``ENDPOINT_ENV``): env, then config,
    else None for Google's default. The one lookup for every GCP client (#16)."""
    env = os.environ.get(ENDPOINT_ENV[service])
    if env:
        return env.rstrip("/")
    configured = getattr(settings, f"{service}_endpoint", None) if settings else None
    return configured.rstrip("/") if configured else None


def application_default() -> tuple[Any, str | None]:
    """ADC credentials and their project (None when ADC names none)."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError

    try:
        credentials, project = google.auth.default(scopes=list(SCOPES))
    except DefaultCredentialsError as exc:
        first = str(exc).splitlines()[0] if str(exc) else "none found"
        raise CredentialsError(
            f"no Google Application Default Credentials ({first.rstrip('.')})",
            hint=CREDENTIALS_HINT,
        ) from None
    return credentials, project


def retry_hint(exc: Exception) -> float | None:
    """Seconds to wait before retrying ``exc`` (0: back off), or None when it is final.

    Honours ``Retry-After``; BigQuery reports quota throttling as 403
    ``rateLimitExceeded``, which is retried too. A connection that breaks (reset,
    refused, cut mid-body) is retried as BigQuery's own default retry does (#13).
    """
    import requests
    from google.api_core import exceptions as gexc

    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return 0  # no answer, or the connection broke: try again
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return 0
    if not isinstance(exc, gexc.GoogleAPICallError):
        return None
    reasons = {str(e.get("reason", "")) for e in exc.errors or [] if isinstance(e, dict)}
    if exc.code not in _RETRY_STATUS and not reasons & _RETRY_REASONS:
        return None
    response = getattr(exc, "response", None)
    header = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(0.0, min(float(header), 120.0)) if header else 0
    except ValueError:
        return 0


def _one_line(exc: Exception) -> str:
    # BigQuery's client prefixes the request URL; the API's own message is in errors[].
    errors = getattr(exc, "errors", None) or []
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    message = first.get("message") or getattr(exc, "message", None) or str(exc)
    return " ".join(str(message).split())[:300]


def call_gcp(
    call: Callable[[], T],
    *,
    what: str,
    sleep: Callable[[float], None] | None = None,
    not_found_hint: str | None = None,
) -> T:
    """Run ``call`` with CloudSpy's retries; turn what still fails into CloudSpy errors."""
    import requests
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as aexc

    from cloudspy.providers.base import with_retries

    try:
        return with_retries(call, retryable=retry_hint, sleep=sleep or pause)
    except (aexc.DefaultCredentialsError, aexc.RefreshError) as exc:
        raise CredentialsError(
            f"Google refused the credentials while trying to {what}: {_one_line(exc)}",
            hint=CREDENTIALS_HINT,
        ) from None
    except gexc.Unauthorized as exc:
        raise CredentialsError(
            f"Google refused the credentials while trying to {what}: {_one_line(exc)}",
            hint=CREDENTIALS_HINT,
        ) from None
    except gexc.Forbidden as exc:
        if retry_hint(exc) is not None:
            raise ProviderError(
                f"Google kept throttling while trying to {what}: {_one_line(exc)}",
                hint="wait a few minutes and run it again",
            ) from None
        raise CredentialsError(
            f"Google denied access to {what}: {_one_line(exc)}", hint=IAM_HINT
        ) from None
    except gexc.NotFound as exc:
        raise ProviderError(f"cannot {what}: {_one_line(exc)}", hint=not_found_hint) from None
    except gexc.GoogleAPICallError as exc:
        if exc.code == 429:
            raise ProviderError(
                f"Google kept throttling while trying to {what}: {_one_line(exc)}",
                hint="wait a few minutes and run it again",
            ) from None
        raise ProviderError(f"cannot {what}: HTTP {exc.code}: {_one_line(exc)}") from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise ProviderError(
            f"cannot reach Google to {what}: {_one_line(exc)}",
            hint="check the network, a proxy, or CLOUDSPY_GCP_*_ENDPOINT",
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        # A body that is not JSON, or JSON of the wrong shape, fails inside the client.
        raise ProviderError(
            f"Google sent a malformed response while trying to {what}: "
            f"{type(exc).__name__}: {_one_line(exc)}"
        ) from None


def bigquery_client(
    project: str,
    credentials: Any,
    *,
    location: str | None = None,
    api_endpoint: str | None = None,
    on_request: Callable[[Any], None] | None = None,
) -> Any:
    """A BigQuery client for ``project`` whose HTTP responses are passed to ``on_request``."""
    from google.auth.transport.requests import AuthorizedSession
    from google.cloud import bigquery

    http = AuthorizedSession(credentials)
    if on_request is not None:
        http.hooks["response"].append(lambda response, *args, **kwargs: on_request(response))
    return bigquery.Client(
        project=project,
        credentials=credentials,
        location=location,
        client_options={"api_endpoint": api_endpoint} if api_endpoint else None,
        _http=http,
    )


def billing_client(credentials: Any, *, api_endpoint: str | None = None) -> Any:
    """A Cloud Billing client over REST: plain HTTPS, like BigQuery, so one endpoint works."""
    from google.cloud import billing_v1

    return billing_v1.CloudBillingClient(
        credentials=credentials,
        transport="rest",
        client_options={"api_endpoint": api_endpoint} if api_endpoint else None,
    )
