"""Azure: Cost Management Query API costs with DefaultAzureCredential, in any Azure cloud."""

from cloudspy.providers.azure.provider import AzureProvider

__all__ = ["AzureProvider"]
