"""AWS: Cost Explorer costs through boto3, with profiles, SSO and assumed roles.

The provider class is resolved on first use: the light modules of this package
(`ambient`, which finds credentials from env and files) are imported by a warm
`cloudspy costs`, which must not pay for the config models or the SDK (#12).
"""

from __future__ import annotations

from typing import Any

__all__ = ["AwsProvider"]


def __getattr__(name: str) -> Any:
    if name == "AwsProvider":
        from cloudspy.providers.aws.provider import AwsProvider

        return AwsProvider
    raise AttributeError(name)
