"""DuckDB's compiled engine, loaded without the Python package around it.

``import duckdb`` (2.x) costs about 60 ms more than the compiled module it wraps:
the package reads its own version through ``importlib.metadata`` and builds the
Python relational API (``conn.sql()``, expressions), none of which CloudSpy's SQL
uses. A warm ``cloudspy costs`` has 0.25 s in all (#12), so the store opens its
connections through the engine alone. The connection class is the same object
either way (the package re-exports it and adds its extras when something imports
it), so code that does import ``duckdb`` keeps working beside this.
"""

from __future__ import annotations

from types import ModuleType


def engine() -> ModuleType:
    """The module with ``connect`` and DuckDB's exception classes, the cheapest to import."""
    try:
        import _duckdb  # DuckDB >= 1.4: the compiled module is top-level

        return _duckdb
    except ImportError:  # older DuckDB: only the package
        import duckdb

        return duckdb


def register_arrow(conn: object, name: str, table: object) -> None:
    """Register an Arrow table as a view on ``conn``.

    Scanning Python objects is wired up by the ``duckdb`` package, not the engine,
    so the package is imported first (the write and inventory paths pay for it;
    the warm cost query never registers anything).
    """
    import duckdb  # noqa: F401  (sets up duckdb._sources, which Arrow scans need)

    conn.register(name, table)  # type: ignore[attr-defined]
