"""CloudSpy: command-line FinOps for AWS, GCP and Azure."""

__version__ = "0.1.0"
