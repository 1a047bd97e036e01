"""What a provider's own command group (``cloudspy aws|gcp|azure …``) offers, as data.

Each provider declares its options and how they become sources in
``providers/<name>/commands.py`` (named by its registry line); the CLI builds
every group's ``sync`` and ``costs`` from these declarations with one helper
(``cli/provider_cmd.py``), so every provider gets the same shared options and
the CLI holds no provider-specific code (#16). Plain data here: no Typer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cloudspy.providers.base import ConfiguredSettings


# The values of a command's provider options, by option name.
Values = Mapping[str, Any]


@dataclass(frozen=True)
class CliOption:
    """One provider option. ``kind``: ``text`` (one value), ``texts`` (repeatable),
    ``flag`` (on/off). ``sync_only`` options are not offered by ``costs``."""

    name: str
    flags: tuple[str, ...]
    help: str
    kind: Literal["text", "texts", "flag"] = "text"
    default: Any = None
    sync_only: bool = False


@dataclass(frozen=True)
class ListingColumn:
    """One column of a listing's table (see ``render.fit.Column`` for the kinds)."""

    header: str
    kind: str = "text"
    drop: int = 0
    minimum: int = 8


@dataclass(frozen=True)
class Listing:
    """A read-only listing command of the group (``gcp accounts``, ``azure subscriptions``)."""

    command: str
    help: str
    title: str
    columns: tuple[ListingColumn, ...]
    empty_warning: str
    # The items the credentials see (pydantic models: their JSON is model_dump).
    read: Callable[[ConfiguredSettings], list[Any]]
    # The table's lines for those items.
    lines: Callable[[list[Any]], list[list[str]]]


def _no_check(values: Values) -> None:
    return None


def _never_skipped(settings: ConfiguredSettings, values: Values) -> str | None:
    return None


@dataclass(frozen=True)
class ProviderCommands:
    """A provider's command group: its help, options, sources and listings."""

    help: str
    sync_help: str
    costs_help: str
    options: tuple[CliOption, ...]
    # The cost sources the options pick (default: the config's); a UsageError when none.
    cost_sources: Callable[[ConfiguredSettings, Values], list[Any]]
    # The inventory sources the options pick; may be empty.
    inventory_sources: Callable[[ConfiguredSettings, Values], list[Any]]
    # A usage error for option combinations the flags alone cannot express.
    check: Callable[[Values], None] = _no_check
    # Why ``sync`` skips costs with these options (a progress line), or None.
    costs_skipped: Callable[[ConfiguredSettings, Values], str | None] = _never_skipped
    # (message, hint) when ``sync --no-costs`` finds no inventory source.
    no_inventory: tuple[str, str] | None = None
    listings: tuple[Listing, ...] = field(default=())

    def cost_options(self) -> tuple[CliOption, ...]:
        """The options ``costs`` offers (and whose values name the cached identity)."""
        return tuple(option for option in self.options if not option.sync_only)

    def identity(self, values: Values) -> list[str]:
        """The cost options' values as the strings that name what a sync reads."""
        parts = []
        for option in self.cost_options():
            value = values.get(option.name)
            if option.kind == "texts":
                parts.append(",".join(value or []))
            else:
                parts.append("" if value is None else str(value))
        return parts
