"""Typed results of the public API (pydantic v2). No cloud SDK is imported here."""

from cloudspy.models.costs import CostGroup, CostReport, CurrencyTotal, SeriesPoint, WindowModel
from cloudspy.models.sync import ImportResult, SyncResult, SyncRun

__all__ = [
    "CostGroup",
    "CostReport",
    "CurrencyTotal",
    "ImportResult",
    "SeriesPoint",
    "SyncResult",
    "SyncRun",
    "WindowModel",
]
