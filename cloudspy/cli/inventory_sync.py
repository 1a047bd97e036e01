"""The inventory half of ``cloudspy sync`` and ``cloudspy <provider> sync``.

Costs and inventory sync independently: ``--no-costs`` and ``--no-resources``
choose the part; a region that denies access is a warning, a source that fails
as a whole makes the command exit 3 after the others were stored.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

import typer

from cloudspy.cli.state import CliState

NoCosts = Annotated[
    bool, typer.Option("--no-costs", help="Skip costs; sync inventory and utilization only.")
]
NoResources = Annotated[
    bool, typer.Option("--no-resources", help="Skip inventory and utilization; costs only.")
]


def check_parts(no_costs: bool, no_resources: bool) -> None:
    """Both parts cannot be skipped at once."""
    if no_costs and no_resources:
        from cloudspy.errors import UsageError

        raise UsageError("--no-costs and --no-resources leave nothing to sync")


def sync_inventory_if_missing(state: CliState, providers: Sequence[str] = ()) -> None:
    """First run of ``resources``/``waste``/``schedule``: read the inventory when the cache
    has none, with the configured accounts or the detected credentials (#12).

    Later runs answer from the cache; ``cloudspy sync`` refreshes it. With neither a
    config nor credentials, an empty cache is the one-line "what to set up" error.
    """
    from cloudspy import api
    from cloudspy.providers.registry import identity_key

    if state.demo:
        return
    path = state.db_path()
    if identity_key(state.config_path(), list(providers)) is None:
        if not path.exists():
            raise api.no_accounts_error(path)
        return
    if api.has_inventory(providers, db=path, lock_timeout=state.lock_timeout()):
        return
    state.announce_detected()
    state.progress("no inventory cached yet: reading it first (`cloudspy sync` refreshes it)")
    sync_inventory_cli(state, providers=providers, as_progress=True)


def sync_inventory_cli(
    state: CliState,
    *,
    providers: Sequence[str] = (),
    sources: Sequence[Any] | None = None,
    required: bool = False,
    as_progress: bool = False,
) -> int:
    """Sync inventory, print one line per scope on stdout, return the exit code.

    Without configured inventory sources this is a no-op unless ``required``.
    ``as_progress`` puts those lines on stderr, for a command whose stdout is data.
    """
    echo = state.progress if as_progress else typer.echo
    from cloudspy import api
    from cloudspy.errors import ExitCode
    from cloudspy.inventory.service import configured_inventory_sources

    settings = state.settings()
    chosen = (
        list(sources) if sources is not None else configured_inventory_sources(settings, providers)
    )
    if not chosen and not required:
        state.progress("no configured account has inventory to sync")
        return ExitCode.OK
    results = api.sync_resources(
        sources=chosen, db=state.db_path(), settings=settings, progress=state.progress
    )
    failed = 0
    for r in results:
        if r.status == "failed":
            failed += 1
            echo(f"{r.scope}: inventory FAILED: {r.error}")
            continue
        skipped = [o.region for o in r.regions if o.status != "ok"]
        echo(
            f"{r.scope}: inventory {r.status}, {r.resources} resource(s), {r.samples} "
            f"utilization sample(s) from {len(r.regions) - len(skipped)} region(s), "
            f"{r.api_calls} API call(s)"
        )
        if skipped:
            state.warn(f"{r.scope}: skipped {', '.join(skipped)} (see `cloudspy history`)")
    if failed:
        state.warn(f"{failed} of {len(results)} inventory source(s) failed")
        return ExitCode.RUNTIME
    return ExitCode.OK
