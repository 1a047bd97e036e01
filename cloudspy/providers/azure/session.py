"""Azure clouds, credentials and clients, and how Azure errors become CloudSpy errors.

``DefaultAzureCredential`` tries, in order, environment service principals,
workload and managed identity, and ``az login``. It is built only when an
Azure source actually calls the API. Sovereign clouds differ in three places:
the ARM endpoint, the Entra ID authority and the token scope; ``cloud``
selects all three and each can be overridden (docs/azure.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from cloudspy.errors import CredentialsError, ProviderError, UsageError

CLOUDS: dict[str, tuple[str, str, str]] = {
    # cloud: (ARM endpoint, authority host, token scope)
    "public": (
        "https://management.azure.com",
        "https://login.microsoftonline.com",
        "https://management.azure.com/.default",
    ),
    "china": (
        "https://management.chinacloudapi.cn",
        "https://login.chinacloudapi.cn",
        "https://management.chinacloudapi.cn/.default",
    ),
    "usgov": (
        "https://management.usgovcloudapi.net",
        "https://login.microsoftonline.us",
        "https://management.core.usgovcloudapi.net/.default",
    ),
}
CREDENTIALS_HINT = (
    "run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET "
    "for a service principal"
)
ACCESS_HINT = "grant the Cost Management Reader (or Reader) role on that scope"
# The permissions each operation needs, for `cloudspy permissions` and its test.
PERMISSIONS = {
    "Microsoft.CostManagement/query/action": "daily costs of each scope (Cost Management Reader)",
    "Microsoft.Resources/subscriptions/read": "`cloudspy azure subscriptions` (Reader)",
}


KNOWN_AUTHORITIES = frozenset(authority for _arm, authority, _scope in CLOUDS.values())
# DefaultAzureCredential's per-credential tenant options (azure-identity 1.16+).
TENANT_OPTIONS = (
    "interactive_browser_tenant_id",
    "workload_identity_tenant_id",
    "shared_cache_tenant_id",
    "visual_studio_code_tenant_id",
    "broker_tenant_id",
)


class TenantCredential:
    """A credential whose tokens are always requested for one tenant (``[azure] tenant_id``).

    azure-core asks ``get_token_info`` (or ``get_token``) with no tenant; this adds it,
    so ``az login`` and environment credentials sign in to the configured tenant.
    """

    def __init__(self, credential: Any, tenant_id: str) -> None:
        self.credential = credential
        self.tenant_id = tenant_id

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        """A token for ``scopes`` in the configured tenant."""
        kwargs["tenant_id"] = self.tenant_id
        return self.credential.get_token(*scopes, **kwargs)

    def get_token_info(self, *scopes: str, options: dict[str, Any] | None = None) -> Any:
        """The same, in azure-core's newer token protocol."""
        return self.credential.get_token_info(
            *scopes, options={**(options or {}), "tenant_id": self.tenant_id}
        )

    def close(self) -> None:
        """Close the wrapped credential."""
        self.credential.close()


@dataclass(frozen=True)
class Endpoints:
    """Where one Azure cloud's ARM API and sign-in live."""

    cloud: str
    arm: str
    authority: str
    token_scope: str


def resolve_endpoints(
    cloud: str = "public", arm_endpoint: str | None = None, authority_host: str | None = None
) -> Endpoints:
    """The cloud's endpoints: ``CLOUDSPY_AZURE_*`` variables, then the config, then defaults."""
    cloud = os.environ.get("CLOUDSPY_AZURE_CLOUD") or cloud
    if cloud not in CLOUDS:
        raise UsageError(f"unknown Azure cloud {cloud!r}", hint=f"use one of {', '.join(CLOUDS)}")
    arm, authority, token_scope = CLOUDS[cloud]
    arm = os.environ.get("CLOUDSPY_AZURE_ARM_ENDPOINT") or arm_endpoint or arm
    authority = os.environ.get("CLOUDSPY_AZURE_AUTHORITY_HOST") or authority_host or authority
    if not arm.startswith(("https://", "http://")):
        raise UsageError(f"the Azure ARM endpoint {arm!r} is not an http(s) URL")
    if arm_endpoint or os.environ.get("CLOUDSPY_AZURE_ARM_ENDPOINT"):
        # A custom ARM endpoint (Azure Stack, a proxy) issues tokens for itself.
        token_scope = arm.rstrip("/") + "/.default"
    return Endpoints(cloud, arm.rstrip("/"), authority.rstrip("/"), token_scope)


@dataclass
class Connector:
    """Builds the credential and the SDK clients of one Azure configuration.

    ``credential`` and ``client_options`` can be given (tests inject a fake
    credential and an ``authentication_policy``); otherwise the credential is
    ``DefaultAzureCredential`` for the cloud's authority, built on first use.
    """

    endpoints: Endpoints
    tenant_id: str | None = None
    credential: Any = None
    client_options: dict[str, Any] = field(default_factory=dict)

    def get_credential(self) -> Any:
        """The credential, built on first use (the chain runs only then).

        ``DefaultAzureCredential`` refuses ``tenant_id`` (TypeError, #13): the tenant
        is given to each credential of the chain that takes one, and every token is
        requested for it. An authority that is not one of Microsoft's clouds (a
        private or test Entra ID) is used as given: MSAL's instance discovery, which
        asks login.microsoftonline.com to vouch for the host, is turned off for it.
        """
        if self.credential is None:
            from azure.identity import DefaultAzureCredential

            options: dict[str, Any] = {"authority": self.endpoints.authority}
            if self.endpoints.authority not in KNOWN_AUTHORITIES:
                options["disable_instance_discovery"] = True
            if self.tenant_id:
                for name in TENANT_OPTIONS:
                    options[name] = self.tenant_id
                options["additionally_allowed_tenants"] = [self.tenant_id]
            credential = DefaultAzureCredential(**options)
            self.credential = (
                TenantCredential(credential, self.tenant_id) if self.tenant_id else credential
            )
        return self.credential

    def _options(self) -> dict[str, Any]:
        from cloudspy.providers.base import http_timeout

        # CloudSpy retries 429 and 5xx itself, so it can honour the QPU headers and count calls.
        return {
            "base_url": self.endpoints.arm,
            "credential_scopes": [self.endpoints.token_scope],
            "retry_total": 0,
            "connection_timeout": min(10.0, http_timeout()),
            "read_timeout": http_timeout(),
            "user_agent": "cloudspy",
            **self.client_options,
        }

    def cost_client(self) -> Any:
        """A ``CostManagementClient`` for the cloud."""
        from azure.mgmt.costmanagement import CostManagementClient

        return CostManagementClient(self.get_credential(), **self._options())

    def subscription_client(self) -> Any:
        """A ``SubscriptionClient`` for the cloud."""
        from azure.mgmt.resource.subscriptions import SubscriptionClient

        return SubscriptionClient(self.get_credential(), **self._options())


def error_code(exc: Exception) -> str:
    """The ARM error code of an HttpResponseError (or its status), for messages."""
    error = getattr(exc, "error", None)
    code = getattr(error, "code", None)
    status = getattr(exc, "status_code", None)
    return str(code or (f"HTTP {status}" if status else type(exc).__name__))


def _message(exc: Exception) -> str:
    error = getattr(exc, "error", None)
    text = getattr(error, "message", None) or str(exc)
    return text.splitlines()[0] if text else ""


def _auth_cause(exc: Exception) -> str:
    """Why the credential chain failed, in one line: its summary and the first credential
    that was tried and failed (not merely unavailable), which holds the real cause (an
    Entra ID error code, a TLS or network error) that the summary line leaves out."""
    lines = [line.strip() for line in (getattr(exc, "message", None) or str(exc)).splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return type(exc).__name__
    causes = [
        line
        for line in lines[1:]
        if ":" in line and "unavailable" not in line.lower() and "Attempted" not in line
    ]
    text = f"{lines[0]} {causes[0]}" if causes else lines[0]
    return " ".join(text.split())[:400]


def call_azure(call: Any, *, what: str) -> Any:
    """Run one Azure SDK call, turning credential, access and network failures into errors.

    Throttling and server errors are left alone for the caller to retry.
    """
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
        ServiceResponseError,
    )

    try:
        return call()
    except ResourceNotFoundError as exc:
        raise ProviderError(
            f"Azure found no {what}: {error_code(exc)}: {_message(exc)}",
            hint="check the subscription id or scope in config.toml",
        ) from None
    except ClientAuthenticationError as exc:
        status = getattr(exc, "status_code", None)
        if status is None:
            # Raised by the credential chain itself: nothing signed in.
            raise CredentialsError(
                f"no Azure credentials to {what}: {_auth_cause(exc)}", hint=CREDENTIALS_HINT
            ) from None
        raise CredentialsError(
            f"Azure refused the credentials to {what}: {error_code(exc)}", hint=CREDENTIALS_HINT
        ) from None
    except HttpResponseError as exc:
        if exc.status_code == 403:
            raise CredentialsError(
                f"Azure denied access to {what}: {error_code(exc)}", hint=ACCESS_HINT
            ) from None
        raise
    except (ServiceRequestError, ServiceResponseError) as exc:
        raise ProviderError(f"cannot reach Azure to {what}: {_message(exc)}") from None
