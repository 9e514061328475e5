"""The one base model for every wire type: vendor names on the wire, unset optional keys omitted.

The vendor's widget builds payloads with `withoutUndefinedKeys`, so an optional key that has no
value is absent, never `null`. Fields declared with ``omit_if_unset()`` follow that rule; fields
the vendor types as ``T | null`` (``associatedObjects.selected``, ``InitiateResult.id``) are plain
required fields and keep their ``null``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["WireModel", "omit_if_unset"]


def _is_none(value: Any) -> bool:
    return value is None


def _never_null(schema: dict[str, Any]) -> None:
    """An omitted key's schema: its value when present, no ``null`` branch and no default (the
    key is absent instead; the vendor never sends ``null`` for it)."""
    branches = schema.get("anyOf")
    if branches is not None:
        kept = [branch for branch in branches if branch != {"type": "null"}]
        del schema["anyOf"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept
    schema.pop("default", None)


def omit_if_unset(*, alias: str | None = None, description: str | None = None) -> Any:
    """An optional wire key: defaults to unset and is left out of the payload while unset."""
    return Field(
        default=None,
        alias=alias,
        exclude_if=_is_none,
        description=description,
        json_schema_extra=_never_null,
    )


class WireModel(BaseModel):
    """Base of every adApi payload type; ``model_dump(mode="json")`` is the wire JSON as-is."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        # The committed JSON Schema describes the wire: a key the payload always carries (a
        # field with a default, ``subject``, ``callMuted`` ...) is required there; the keys
        # ``omit_if_unset`` leaves out are not.
        json_schema_serialization_defaults_required=True,
        # Not use_attribute_docstrings: reading every class's source costs each start ~30 ms;
        # the schema generators attach the field docstrings (simulator.contract.field_docs).
        extra="forbid",
        frozen=True,
        # Each model's validator is built on its first use, not at import: a session that has
        # sent only a login has no use for the other payload types yet (start-up time).
        defer_build=True,
    )

    def wire(self) -> dict[str, Any]:
        """The payload exactly as the vendor's widget posts it."""
        return self.model_dump(mode="json")
