"""Typed results of the public API. No cloud SDK is imported here.

pydantic v2 models, except the costs results (:mod:`cloudspy.models.costs`):
dataclasses with the same methods, so that ``cloudspy costs`` loads no pydantic.

The names below resolve lazily (PEP 562): importing one model module, as
``cloudspy costs`` does with :mod:`cloudspy.models.costs`, does not build the
pydantic models of the others.
"""

from __future__ import annotations

from importlib import import_module

# public name -> the module of cloudspy.models defining it
_MODELS: dict[str, str] = {
    "CostGroup": "costs",
    "CostReport": "costs",
    "CurrencyTotal": "costs",
    "SeriesPoint": "costs",
    "WindowModel": "costs",
    "ImportResult": "sync",
    "InitResult": "sync",
    "SyncResult": "sync",
    "SyncRun": "sync",
}

__all__ = sorted(_MODELS)


def __getattr__(name: str) -> object:
    module = _MODELS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODELS])
