"""AWS: Cost Explorer costs through boto3, with profiles, SSO and assumed roles."""

from cloudspy.providers.aws.provider import AwsProvider

__all__ = ["AwsProvider"]
