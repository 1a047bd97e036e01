"""Result types that load pydantic only when they are serialized or validated.

``cloudspy costs`` is the command people run most, and pydantic costs it
about 60 ms of a 0.3 s budget (import plus building the models' schemas;
benchmarks/README.md). So its results are standard dataclasses. This mixin
gives them the pydantic methods the rest of the API offers (``model_dump``,
``model_dump_json``, ``model_validate``, ``model_json_schema``), built on a
``pydantic.TypeAdapter`` the first time one is called. pydantic models may hold
them as fields: pydantic validates and serializes dataclasses natively.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any, Self

from cloudspy.money import exact_text

if TYPE_CHECKING:
    from pydantic import TypeAdapter


@cache
def _adapter(cls: type) -> TypeAdapter[Any]:
    from pydantic import TypeAdapter

    import cloudspy.models.exact  # noqa: F401 - binds the money fields' serializer first

    return TypeAdapter(cls)


def json_ready(value: Any) -> Any:
    """``value`` with Decimal as exact text (:func:`~cloudspy.money.exact_text`)
    and dates as ISO text, the way every CloudSpy model writes JSON."""
    if isinstance(value, Decimal):
        return exact_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        # Field by field, not dataclasses.asdict (which deep-copies every value first).
        return {f.name: json_ready(getattr(value, f.name)) for f in fields(value)}
    return value


class PlainModel:
    """pydantic's serialization methods for a standard dataclass."""

    __slots__ = ()

    def model_dump(self, *, mode: str = "python", **kwargs: Any) -> dict[str, Any]:
        """The fields as a dict (``mode="json"``: JSON-ready, money as its exact text)."""
        data = _adapter(type(self)).dump_python(self, mode="python", **kwargs)
        return json_ready(data) if mode == "json" else data

    def model_dump_json(self, *, indent: int | None = None, **kwargs: Any) -> str:
        """The fields as JSON text, money as its exact decimal text (as the CLI writes it)."""
        import json

        separators = (",", ":") if indent is None else None
        return json.dumps(
            self.model_dump(mode="json", **kwargs),
            indent=indent,
            separators=separators,
            ensure_ascii=False,
        )

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """Build (and check) an instance from a dict or another instance."""
        return _adapter(cls).validate_python(obj)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        """Build (and check) an instance from JSON text."""
        return _adapter(cls).validate_json(data)

    @classmethod
    def model_json_schema(cls) -> dict[str, Any]:
        """The JSON Schema of the type."""
        return _adapter(cls).json_schema()
