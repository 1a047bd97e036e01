"""``cloudspy aws|gcp|azure …``: every provider's command group, built by one helper.

A provider declares its own options, sources and listings as data
(:class:`~cloudspy.providers.commands.ProviderCommands`, named by its registry
line); this module turns that into a Typer group with ``sync``, ``costs`` and the
listings. The shared options are the root commands' own, so ``aws costs`` and
``costs`` mean the same by ``--metric``, and a new provider gets them all (#16).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Annotated, Any

import typer

from cloudspy.cli.inventory_sync import NoCosts, NoResources
from cloudspy.cli.options import By, Format, Last, Metric, NoProgress, Offline, Since, Until
from cloudspy.cli.state import state_of

SyncRefresh = Annotated[bool, typer.Option("--refresh", help="Fetch final days again too.")]
CostsRefresh = Annotated[bool, typer.Option("--refresh", help="Fetch the window again.")]

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _shared(*pairs: tuple[str, Any, Any]) -> list[inspect.Parameter]:
    return [inspect.Parameter(name, _KEYWORD, annotation=a, default=d) for name, a, d in pairs]


# The root commands' options that every provider's sync and costs take, in help order.
SYNC_OPTIONS = _shared(
    ("last", Last, None),
    ("since", Since, None),
    ("until", Until, None),
    ("refresh", SyncRefresh, False),
    ("no_costs", NoCosts, False),
    ("no_resources", NoResources, False),
    ("no_progress", NoProgress, False),
)
COSTS_OPTIONS = _shared(
    ("last", Last, None),
    ("since", Since, None),
    ("until", Until, None),
    ("by", By, None),
    ("output", Format, "table"),
    ("metric", Metric, None),
    ("offline", Offline, False),
    ("refresh", CostsRefresh, False),
)
_CONTEXT = inspect.Parameter(
    "ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=typer.Context
)


def _parameter(option: Any) -> inspect.Parameter:
    """A provider's :class:`~cloudspy.providers.commands.CliOption` as a Typer parameter."""
    if option.kind == "flag":
        kind: Any = bool
        default = bool(option.default)
    elif option.kind == "texts":
        kind, default = list[str] | None, option.default
    else:
        kind = str if option.default is not None else str | None
        default = option.default
    annotation = Annotated[kind, typer.Option(*option.flags, help=option.help)]
    return inspect.Parameter(option.name, _KEYWORD, annotation=annotation, default=default)


def _command(
    body: Callable[..., None], doc: str, parameters: list[inspect.Parameter]
) -> Callable[..., None]:
    """``body(ctx, **values)`` with the signature Typer reads its options from."""

    def command(ctx: typer.Context, **values: Any) -> None:
        body(ctx, **values)

    command.__signature__ = inspect.Signature([_CONTEXT, *parameters])  # type: ignore[attr-defined]
    command.__doc__ = doc
    return command


def _split(values: dict[str, Any], shared: list[inspect.Parameter]) -> dict[str, Any]:
    """Pop the shared options out of ``values``; the rest are the provider's own."""
    return {p.name: values.pop(p.name) for p in shared}


def _sync(spec: Any) -> Callable[..., None]:
    def body(ctx: typer.Context, **values: Any) -> None:
        from cloudspy.cli.inventory_sync import check_parts, sync_inventory_cli
        from cloudspy.cli.sync_cmd import sync_costs_cli
        from cloudspy.errors import UsageError

        state = state_of(ctx)
        common = _split(values, SYNC_OPTIONS)
        spec.check(values)
        check_parts(common["no_costs"], common["no_resources"])
        settings = state.settings()
        code = 0
        if not common["no_costs"]:
            skipped = spec.costs_skipped(settings, values)
            if skipped:
                state.progress(skipped)
            else:
                code = sync_costs_cli(
                    state,
                    sources=spec.cost_sources(settings, values),
                    last=common["last"],
                    since=common["since"],
                    until=common["until"],
                    refresh=common["refresh"],
                    no_progress=common["no_progress"],
                )
        if not common["no_resources"]:
            inventory = spec.inventory_sources(settings, values)
            if inventory:
                code = max(code, sync_inventory_cli(state, sources=inventory, required=True))
            elif common["no_costs"] and spec.no_inventory:
                message, hint = spec.no_inventory
                raise UsageError(message, hint=hint)
        if code:
            raise typer.Exit(code)

    return _command(body, spec.sync_help, [_parameter(o) for o in spec.options] + SYNC_OPTIONS)


def _costs(name: str, spec: Any) -> Callable[..., None]:
    def body(ctx: typer.Context, **values: Any) -> None:
        from cloudspy.cli.costs_cmd import provider_costs

        common = _split(values, COSTS_OPTIONS)
        provider_costs(
            ctx,
            name,
            lambda: spec.cost_sources(state_of(ctx).settings(), values),
            **common,
            identity=spec.identity(values),
        )

    options = [_parameter(o) for o in spec.cost_options()]
    return _command(body, spec.costs_help, options + COSTS_OPTIONS)


def _listing(listing: Any) -> Callable[..., None]:
    def body(ctx: typer.Context, output: str) -> None:
        from cloudspy.cli.options import check_format
        from cloudspy.cli.rows import print_rows
        from cloudspy.render.fit import Column

        state = state_of(ctx)
        check_format(output, ("table", "json", "csv"))
        items = listing.read(state.settings())
        if output == "json":
            typer.echo(json.dumps([i.model_dump(mode="json") for i in items], indent=2))
            return
        columns = [
            Column(c.header, c.kind, drop=c.drop, minimum=c.minimum) for c in listing.columns
        ]
        print_rows(
            state,
            output,
            listing.title,
            columns,
            listing.lines(items),
            empty_warning=listing.empty_warning,
        )

    return _command(body, listing.help, _shared(("output", Format, "table")))


def provider_group(name: str, spec: Any, only: str | None = None) -> typer.Typer:
    """The ``cloudspy <name>`` group: its listings, then ``sync`` and ``costs``.

    ``only`` (a subcommand the command line names) builds that one alone: Typer
    turns every command of a group into a click command before it runs one, and a
    warm ``cloudspy aws costs`` has a 0.25 s budget (#12). Any other word builds
    them all, so click can list them.
    """
    builders: dict[str, Callable[[], Callable[..., None]]] = {
        listing.command: (lambda listing=listing: _listing(listing)) for listing in spec.listings
    }
    builders["sync"] = lambda: _sync(spec)
    builders["costs"] = lambda: _costs(name, spec)
    group = typer.Typer(help=spec.help, rich_markup_mode=None, no_args_is_help=True)
    # A callback keeps a one-command group a group (Typer would run a lone command).
    group.callback()(_group_callback)
    for command, build in builders.items():
        if only in builders and command != only:
            continue
        group.command(command)(build())
    return group


def _group_callback() -> None:
    return None


def register_command(app: typer.Typer, name: str, only: str | None = None) -> None:
    """Add the ``name`` provider's group (one module serves every provider's group, so
    the command table asks for one group by name: ``cloudspy aws costs`` builds one)."""
    from cloudspy.providers.registry import provider_info

    spec = provider_info(name).command_spec()
    if spec is None:
        raise KeyError(name)
    app.add_typer(provider_group(name, spec, only), name=name, help=spec.help)
