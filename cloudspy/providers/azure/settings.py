"""The ``[azure]`` section of ``config.toml``: Cost Management scopes,
the Azure cloud and its endpoints.

Owned by the provider (#16): :mod:`cloudspy.config` composes every provider's
section from the registry without naming any of them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from cloudspy.models.section import Section

AZURE_GROUPINGS = ("ServiceName", "ResourceLocation", "ResourceGroupName", "ChargeType")


class AzureSettings(Section):
    """The ``[azure]`` section (subscriptions or other scopes, cloud, endpoints).

    Endpoints default to the ``cloud``'s; ``CLOUDSPY_AZURE_CLOUD``,
    ``CLOUDSPY_AZURE_ARM_ENDPOINT`` and ``CLOUDSPY_AZURE_AUTHORITY_HOST`` override them.
    """

    subscriptions: list[str] = Field(default_factory=list)
    # Other Cost Management scopes: billing accounts, management groups, resource groups.
    scopes: list[str] = Field(default_factory=list)
    cloud: Literal["public", "china", "usgov"] = "public"
    arm_endpoint: str | None = None
    authority_host: str | None = None
    tenant_id: str | None = None
    # The Query API allows two groupings per request (see docs/azure.md).
    breakdown: tuple[str, ...] = ("ServiceName", "ResourceLocation")
    cost_column: Literal["PreTaxCost", "Cost"] = "PreTaxCost"
    max_parallel_queries: int = Field(default=6, ge=1, le=12)
    parallel_queries_per_scope: int = Field(default=2, ge=1, le=12)
    # Every enabled subscription the credential can see, when none is listed (#12).
    discover: bool = False

    @field_validator("breakdown")
    @classmethod
    def _known_grouping(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for key in value:
            if key not in AZURE_GROUPINGS:
                raise ValueError(f"breakdown {key!r} is not one of {', '.join(AZURE_GROUPINGS)}")
        if not 1 <= len(value) <= 2 or len(set(value)) != len(value):
            raise ValueError("breakdown takes one or two different groupings")
        return value

    def all_scopes(self) -> list[str]:
        """Every configured scope as an ARM path (subscriptions first), without repeats."""
        paths = [f"/subscriptions/{s.strip()}" for s in self.subscriptions]
        paths += ["/" + s.strip().strip("/") for s in self.scopes]
        return list(dict.fromkeys(paths))

    def is_configured(self) -> bool:
        """Whether any Azure scope is configured (or to be discovered)."""
        return bool(self.subscriptions or self.scopes or self.discover)
