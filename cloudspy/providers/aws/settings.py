"""The ``[aws]`` section of ``config.toml``: Cost Explorer accounts and
Athena tables over CUR 2.0 or FOCUS exports.

Owned by the provider (#16): :mod:`cloudspy.config` composes every provider's
section from the registry without naming any of them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from cloudspy.models.section import Section


class AwsAccount(Section):
    """One AWS cost scope: a profile and/or a role to assume (payer accounts see all members)."""

    name: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    region: str = "us-east-1"
    # Cost Explorer allows two group-bys; CloudSpy always splits by linked account
    # (through a filter) and groups each account by these two.
    breakdown: tuple[str, str] = ("SERVICE", "REGION")

    @field_validator("breakdown")
    @classmethod
    def _known_breakdown(cls, value: tuple[str, str]) -> tuple[str, str]:
        for key in value:
            if key not in ("SERVICE", "REGION", "USAGE_TYPE") and not key.startswith("TAG:"):
                raise ValueError(f"breakdown {key!r} is not SERVICE, REGION, USAGE_TYPE or TAG:KEY")
        return value

    @property
    def label(self) -> str:
        """A short name for progress and history lines."""
        return self.name or self.profile or self.role_arn or "default credentials"


class AwsAthenaTable(Section):
    """One CUR 2.0 or FOCUS Data Export table, aggregated by Athena (``[[aws.athena]]``).

    ``database`` and ``table`` are pasted into the SQL (identifiers cannot be
    query parameters), so only plain identifiers are accepted.
    """

    name: str | None = None
    database: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
    table: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$")
    format: Literal["cur2", "focus"] = "cur2"
    workgroup: str = Field(default="primary", pattern=r"^[A-Za-z0-9._-]{1,128}$")
    # Not needed when the workgroup enforces its own result location.
    output_location: str | None = Field(default=None, pattern=r"^s3://\S+$")
    region: str = "us-east-1"
    profile: str | None = None
    role_arn: str | None = None
    external_id: str | None = None
    # The payer whose days this table covers; detected from the rows when left out.
    payer_account_id: str | None = Field(default=None, pattern=r"^\d{12}$")
    # Data Exports partition the table by billing_period (YYYY-MM): queries name the
    # months they need so Athena scans only those. Off for a table without that column.
    billing_period_partitions: bool = True

    @property
    def label(self) -> str:
        """A short name for progress and history lines."""
        return self.name or f"{self.database}.{self.table}"


class AwsSettings(Section):
    """The ``[aws]`` section."""

    accounts: list[AwsAccount] = Field(default_factory=list)
    athena: list[AwsAthenaTable] = Field(default_factory=list)

    def is_configured(self) -> bool:
        """Whether any AWS cost scope is configured."""
        return bool(self.accounts or self.athena)
