"""Every command's table fits the terminals people have (#15): 60 to 200 columns.

At 80, 100 and 120 columns no line is wider than the terminal, no column is
squeezed to nothing, every row is one line, ids are shortened in the middle and
the table names the columns it left out. With --wide every column is shown. The
commands run through the CLI on the demo store with COLUMNS set, as in a pipe.
"""

from __future__ import annotations

import json

import pytest

from cloudspy.render.fit import Column, fit_table, shorten_middle, shorten_words

WIDTHS = [60, 80, 100, 120, 200]
COMMANDS = {
    "costs": ["costs", "--by", "service"],
    "costs-two-dims": ["costs", "--by", "provider", "--by", "region"],
    "resources": ["resources"],
    "waste": ["waste"],
    "schedule": ["schedule"],
    "forecast": ["forecast", "--offline"],
    "compare": ["compare", "--offline"],
    "history": ["history"],
}


def _table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("│")]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", COMMANDS)
def test_no_line_is_wider_than_the_terminal(cli, demo_db, name, width):
    result = cli("--db", demo_db, *COMMANDS[name], env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.rstrip("\n").splitlines()
    assert lines, name
    widest = max(len(line.rstrip()) for line in lines)
    assert widest <= width, f"{name} at {width}: a line of {widest} columns"
    # No column squeezed to nothing: every cell between borders has room for text.
    for line in _table_lines(result.stdout):
        assert "││" not in line and "│ │ │" not in line.replace("│  ", "│ x"), line


@pytest.mark.parametrize("width", [80, 100, 120])
@pytest.mark.parametrize(("name", "count"), [("resources", "resources"), ("waste", "findings")])
def test_one_line_per_row(cli, demo_db, name, count, width):
    data = json.loads(cli("--db", demo_db, name, "--format", "json").stdout)
    rows = len(data[count])
    table = cli("--db", demo_db, name, "--top", "0", env={"COLUMNS": str(width)}) if name == (
        "waste") else cli("--db", demo_db, name, env={"COLUMNS": str(width)})  # fmt: skip
    body = _table_lines(table.stdout)
    totals = len(data["totals"]) if name == "waste" else 0
    assert len(body) == rows + totals


def test_ids_are_shortened_in_the_middle_and_dropped_columns_are_named(cli, demo_db):
    narrow = cli("--db", demo_db, "resources", env={"COLUMNS": "80"}).stdout
    assert "i-0a1b2c3d4e5f60002" in narrow  # an EC2 id fits whole
    assert "/subscrip" in narrow and "…" in narrow  # Azure ids keep both ends
    assert "not shown: Account" in narrow and "--wide" in narrow
    wide = cli("--db", demo_db, "resources", "--wide", env={"COLUMNS": "80"}).stdout
    assert "not shown" not in wide and "Account" in wide
    assert (
        "/subscriptions/9a8b7c6d/resourceGroups/rg-dev/providers/Microsoft.Compute/disks/scratch-01"
        in wide
    )


def test_money_is_never_truncated(cli, demo_db):
    for width in (60, 80):
        out = cli("--db", demo_db, "costs", "--by", "service", env={"COLUMNS": str(width)})
        assert "$22,983.72" in out.stdout or "$" in out.stdout
        for line in _table_lines(out.stdout):
            cost = line.split("│")[2].strip()
            assert "…" not in cost and cost[-1].isdigit(), line


def test_shortening_rules():
    assert shorten_middle("i-0a1b2c3d4e5f60002", 12) == "i-0a1b…60002"
    path = "/subscriptions/9a8b7c6d/resourceGroups/ci/providers/Compute/virtualMachines/runner"
    assert shorten_middle(path, 30).endswith("…/runner") and len(shorten_middle(path, 30)) == 30
    assert shorten_words("Azure Kubernetes Service", 18) == "Azure Kubernetes…"
    assert shorten_words("Unbreakablewordthatislong", 10) == "Unbreakab…"


def test_a_table_that_cannot_shrink_drops_its_least_important_columns_first():
    columns = [Column("Name", "text", minimum=6), Column("Cost", "money"),
               Column("Note", "text", drop=2, minimum=6), Column("Extra", "fixed", drop=1)]  # fmt: skip
    rows = [["a long name here", "$1,234.00", "a note that is long", "x" * 20]]
    from rich.console import Console

    console = Console(width=40, record=True, color_system=None)
    console.print(fit_table(columns, rows, width=40))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 40
    assert "not shown: Note" in text.replace("\n", " ") and "$1,234.00" in text
