"""CloudSpy: command-line FinOps for AWS, GCP and Azure.

The public Python API is importable from here (``cloudspy.costs(...)``,
``cloudspy.report(...)`` …). Names resolve lazily (PEP 562), so
``import cloudspy`` and ``cloudspy --help`` load neither DuckDB nor pydantic
until a function is used. A new API function needs one line in ``_PUBLIC``.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

# public name -> "module:attribute". The waste rules live in ``cloudspy.waste_rules``
# so that ``cloudspy.waste`` can be the function.
_PUBLIC: dict[str, str] = {
    "sync": "cloudspy.api:sync",
    "costs": "cloudspy.api:costs",
    "import_files": "cloudspy.api:import_files",
    "history": "cloudspy.api:history",
    "resources": "cloudspy.api:resources",
    "sync_resources": "cloudspy.api:sync_resources",
    "waste": "cloudspy.api:waste",
    "schedule": "cloudspy.api:schedule",
    "permissions": "cloudspy.api:permissions",
    "prices": "cloudspy.api:prices",
    "compare": "cloudspy.api:compare",
    "forecast": "cloudspy.api:forecast",
    "check": "cloudspy.api:check",
    "alert": "cloudspy.api:alert",
    "report": "cloudspy.api:report",
    "export": "cloudspy.api:export",
    "init_config": "cloudspy.api:init_config",
    "CloudSpyError": "cloudspy.errors:CloudSpyError",
}


def __getattr__(name: str) -> object:
    target = _PUBLIC.get(name)
    if target is None:
        raise AttributeError(f"module 'cloudspy' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    try:
        value = getattr(import_module(module), attribute)
    except AttributeError:
        raise AttributeError(
            f"module 'cloudspy' has no attribute {name!r} (not in this build)"
        ) from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])
