"""Results of inventory syncs and of ``cloudspy resources`` (pydantic v2, no cloud SDK)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, computed_field

from cloudspy.models.exact import Exact
from cloudspy.models.prices import states_upper_bound


class RegionOutcome(BaseModel):
    """One region (or partition) of an inventory sync."""

    region: str
    status: str  # ok | denied | failed
    resources: int = 0
    samples: int = 0
    error: str | None = None


class InventorySyncResult(BaseModel):
    """What one inventory sync of one scope did."""

    run_id: str
    provider: str
    scope: str
    account: str
    status: str  # ok | partial | failed
    resources: int = 0
    samples: int = 0
    api_calls: int = 0
    seconds: float = 0.0
    regions: list[RegionOutcome] = Field(default_factory=list)
    error: str | None = None


class ResourceRow(BaseModel):
    """One row of ``cloudspy resources``."""

    provider: str
    account: str
    region: str
    zone: str | None = None
    resource_id: str
    kind: str
    name: str | None = None
    state: str | None = None
    power_state: str | None = None
    type: str | None = None
    # What a VM bills as beside its type (#14): operating system and licences.
    platform: str | None = None
    size_gb: float | None = None
    created_at: datetime | None = None
    attached_to: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    monthly_cost: Exact | None = None
    currency: str | None = None
    price_basis: str | None = None
    snapshot_at: datetime

    @computed_field  # type: ignore[prop-decorator]
    @property
    def upper_bound(self) -> bool:
        """Whether ``monthly_cost`` is at most what is billed: its basis says the size
        priced is an upper bound (a snapshot sized by its disk)."""
        return self.monthly_cost is not None and states_upper_bound(self.price_basis)


class Snapshot(BaseModel):
    """How old the stored inventory is: the oldest and newest region snapshots."""

    # JSON names as the CLI documented them (one contract with the library, #13).
    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    oldest: datetime | None = None
    newest: datetime | None = None
    age_hours: float | None = None
    denied_regions: list[str] = Field(
        default_factory=list,
        serialization_alias="skipped_regions",
        validation_alias="skipped_regions",
    )

    def describe(self) -> str:
        """A short sentence for stderr: "inventory snapshot 3.2 h old"."""
        if self.oldest is None:
            return "no inventory in the store"
        taken = f"{self.oldest:%Y-%m-%d %H:%M} UTC"
        return f"inventory snapshot taken {taken} ({self.age_hours:.1f} h old)"


class ResourceList(BaseModel):
    """The answer of :func:`cloudspy.resources`."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True)

    snapshot: Snapshot
    count: int
    rows: list[ResourceRow] = Field(serialization_alias="resources", validation_alias="resources")
    warnings: list[str] = Field(default_factory=list)
