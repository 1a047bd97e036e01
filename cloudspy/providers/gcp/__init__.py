"""GCP: costs from the BigQuery billing export, accounts from the Cloud Billing API."""

from cloudspy.providers.gcp.provider import GcpProvider

__all__ = ["GcpProvider"]
