"""Azure: Cost Management Query API costs with DefaultAzureCredential, in any Azure cloud.

The provider class is resolved on first use: the light modules of this package
(`ambient`, which finds credentials from env and files) are imported by a warm
`cloudspy costs`, which must not pay for the config models or the SDK (#12).
"""

from __future__ import annotations

from typing import Any

__all__ = ["AzureProvider"]


def __getattr__(name: str) -> Any:
    if name == "AzureProvider":
        from cloudspy.providers.azure.provider import AzureProvider

        return AzureProvider
    raise AttributeError(name)
