"""``cloudspy demo``: load the embedded sample and show what CloudSpy does with it."""

from __future__ import annotations

import typer

from cloudspy.cli.state import state_of


def demo(ctx: typer.Context) -> None:
    """Load a realistic multi-cloud sample (no account, no network) and show its costs."""
    from cloudspy import api
    from cloudspy.demo import load_demo
    from cloudspy.render.costs_render import costs_table

    state = state_of(ctx)
    state.demo = True
    db = state.db_path()
    info = load_demo(db)
    state.progress(f"loaded {info['rows']} sample cost rows ({info['days']} days) into {db}")
    state.progress(
        f"loaded {info['resources']} sample resources with {info['samples']} hourly utilization "
        "samples"
    )
    report = api.costs(last="30d", by=["provider", "service"], db=db, settings=state.settings())
    console = state.stdout()
    console.print(
        costs_table(
            report,
            title="Demo: the last 30 days by provider and service",
            width=int(console.width),
        )
    )
    db_flag = "--demo" if not state.db else f"--db {db}"
    console.print(
        "\nTry next (all answer from the demo store, no cloud account needed):\n"
        f"  cloudspy {db_flag} costs --by provider\n"
        f"  cloudspy {db_flag} costs --last 90d --by tag:team --granularity week\n"
        f"  cloudspy {db_flag} costs --provider gcp --by service --metric effective\n"
        f"  cloudspy {db_flag} costs --by account --format json\n"
        f"  cloudspy {db_flag} resources --kind vm\n"
        f"  cloudspy {db_flag} waste --min-monthly-savings 10\n"
        f"  cloudspy {db_flag} schedule --timezone Europe/Berlin\n"
        f"  cloudspy {db_flag} history",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    """Add the command to the root app."""
    app.command("demo")(demo)
