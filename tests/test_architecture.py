"""What the layer contracts of `lint-imports` cannot see (#16, docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import cloudspy

PACKAGE = Path(cloudspy.__file__).parent
# The store runs the SQL over the cache; the files provider reads billing files
# with DuckDB (DuckDB is its reader, as boto3 is AWS's).
SQL_HOMES = (PACKAGE / "store", PACKAGE / "providers" / "files")


def _sql_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("execute", "executemany")
    ]


def test_sql_runs_through_the_store():
    """Every `execute()` on a DuckDB connection is in `cloudspy/store/` (item 6 of #16:
    it was called in 15 modules outside it), so the SQL over the cache has one home."""
    outside = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if not any(home in path.parents for home in SQL_HOMES) and (lines := _sql_calls(path))
    }
    assert outside == {}


def test_the_check_sees_a_planted_query(tmp_path):
    """The scan is not vacuous: a module that runs SQL is found."""
    planted = tmp_path / "planted.py"
    planted.write_text("def f(conn):\n    return conn.execute('SELECT 1').fetchall()\n")
    assert _sql_calls(planted) == [2]


def _unit(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_no_import_cycle_between_top_level_units():
    """#16 "done when": no cycle between the top-level units of `cloudspy/` (a package
    or a root module), counting imports inside functions. The layer contract forbids
    upward imports between rows; this also covers siblings of one row that may
    import each other (models, money, currencies, periods, paths)."""
    import grimp

    graph = grimp.build_graph("cloudspy", cache_dir=None)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("cloudspy.") and _unit(imported) != _unit(module):
                edges.setdefault(_unit(module), set()).add(_unit(imported))

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            unit = todo.pop()
            if unit == goal:
                return True
            if unit not in seen:
                seen.add(unit)
                todo.extend(edges.get(unit, ()))
        return False

    cycles = sorted(
        (unit, other) for unit, targets in edges.items() for other in targets
        if unit < other and reaches(other, unit)
    )  # fmt: skip
    assert cycles == []
    assert len(edges) > 20  # the graph was read: the check is not vacuous


PROVIDER_NAMES = {"aws", "gcp", "azure", "AWS", "Google Cloud", "Microsoft"}


def _provider_branches(path: Path) -> list[int]:
    """Lines comparing against a provider's name (``== "aws"``, ``in ("gcp", …)``)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Compare):
            continue
        for side in (node.left, *node.comparators):
            values = side.elts if isinstance(side, (ast.Tuple, ast.List, ast.Set)) else [side]
            if any(isinstance(v, ast.Constant) and v.value in PROVIDER_NAMES for v in values):
                lines.append(node.lineno)
    return lines


def test_no_code_outside_the_providers_branches_on_a_providers_name(tmp_path):
    """A new provider is its package plus one registry line (#16 "done when"): shared
    code asks the registry instead of comparing names."""
    outside = {
        str(path.relative_to(PACKAGE)): lines
        for path in sorted(PACKAGE.rglob("*.py"))
        if (PACKAGE / "providers") not in path.parents and (lines := _provider_branches(path))
    }
    assert outside == {}
    planted = tmp_path / "planted.py"
    planted.write_text("def f(r):\n    return r.provider in ('aws', 'gcp')\n")
    assert _provider_branches(planted) == [2]
