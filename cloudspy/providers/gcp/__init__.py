"""GCP: costs from the BigQuery billing export, accounts from the Cloud Billing API.

The provider class is resolved on first use: the light modules of this package
(`ambient`, which finds credentials from env and files) are imported by a warm
`cloudspy costs`, which must not pay for the config models or the SDK (#12).
"""

from __future__ import annotations

from typing import Any

__all__ = ["GcpProvider"]


def __getattr__(name: str) -> Any:
    if name == "GcpProvider":
        from cloudspy.providers.gcp.provider import GcpProvider

        return GcpProvider
    raise AttributeError(name)
