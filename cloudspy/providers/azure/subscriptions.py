"""``cloudspy azure subscriptions``: what the credential can see, through SubscriptionClient."""

from __future__ import annotations

from pydantic import BaseModel

from cloudspy.providers.azure.session import Connector, call_azure


class AzureSubscription(BaseModel):
    """One subscription visible to the credential."""

    subscription_id: str
    name: str | None
    state: str | None
    tenant_id: str | None
    scope: str


def _text(value: object) -> str | None:
    # The SDK's enums mix in str; their value is the wire text ("Enabled").
    return None if value is None else str(getattr(value, "value", value))


def list_subscriptions(connector: Connector) -> list[AzureSubscription]:
    """Every subscription the credential can read, sorted by name (pages followed by the SDK)."""
    client = connector.subscription_client()

    def read() -> list[AzureSubscription]:
        return [
            AzureSubscription(
                subscription_id=str(sub.subscription_id),
                name=sub.display_name,
                state=_text(sub.state),
                tenant_id=sub.tenant_id,
                scope=f"/subscriptions/{sub.subscription_id}",
            )
            for sub in client.subscriptions.list()
        ]

    try:
        subscriptions = call_azure(read, what="list subscriptions")
    except Exception as exc:
        from azure.core.exceptions import HttpResponseError

        from cloudspy.errors import ProviderError
        from cloudspy.providers.azure.session import error_code

        if isinstance(exc, HttpResponseError):
            raise ProviderError(f"Azure failed to list subscriptions: {error_code(exc)}") from None
        raise
    return sorted(subscriptions, key=lambda s: ((s.name or "").lower(), s.subscription_id))
