"""The payload keys that hold one of a fixed set of names (``state``, ``type``,
``callDirection``, ``interactionKind``), and the names expected of them that never are one.

``payload: {state: conected}`` never matched, so with ``count: 0`` it passed whatever came (and
without, it failed as if the flow were wrong). A key counts only where it is a name in every
adApi version that has it (``origination`` is free text from 5.24.1).
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from enum import Enum
from types import NoneType
from typing import Any

from pydantic import BaseModel

from simulator.contract import InteractionData, models_5_24_1, models_2026
from simulator.data.model_wording import suggest

__all__ = ["NAMED_KEYS", "name_mistakes"]

_MODELS: tuple[type[BaseModel], ...] = (
    InteractionData,
    models_5_24_1.InteractionData,
    models_5_24_1.InteractionActivityData,
    models_2026.InteractionData,
    models_2026.InteractionActivityData,
)


def _names_of(annotation: Any) -> frozenset[str] | None:
    kinds = [arg for arg in (typing.get_args(annotation) or (annotation,)) if arg is not NoneType]
    if len(kinds) == 1 and isinstance(kinds[0], type) and issubclass(kinds[0], Enum):
        return frozenset(str(member.value) for member in kinds[0])
    return None


def _named_keys() -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    free: set[str] = set()
    for model in _MODELS:
        for name, info in model.model_fields.items():
            key = info.alias or name
            names = _names_of(info.annotation)
            if names is None:
                free.add(key)
            else:
                found[key] = found.get(key, frozenset()) | names
    return {key: names for key, names in found.items() if key not in free}


NAMED_KEYS = _named_keys()
"""Each ``InteractionData`` key that holds a name, with the names it can hold (any version)."""


def _texts(expected: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], str]]:
    """Every text ``expected`` compares a name with: a literal, ``equals``, inside ``not`` and
    ``one_of``."""
    if isinstance(expected, str):
        return [(path, expected)]
    found: list[tuple[tuple[Any, ...], str]] = []
    if isinstance(expected, Mapping):
        for key, value in expected.items():
            if key in ("equals", "not"):
                found += _texts(value, (*path, key))
            elif key == "one_of" and isinstance(value, list):
                for index, item in enumerate(value):
                    found += _texts(item, (*path, key, index))
    return found


def name_mistakes(key: str, expected: Any) -> list[tuple[tuple[Any, ...], str]]:
    """The texts in ``expected`` (for the payload key ``key``) that are none of the key's
    names, each with its path inside ``expected`` and the names there are."""
    names = NAMED_KEYS.get(key)
    if names is None:
        return []
    listed = sorted(names)
    return [
        (
            path,
            f"`{key}` is one of {', '.join(listed)}, never `{text}`"
            f"{suggest(text, listed)}: this is decided before any run",
        )
        for path, text in _texts(expected)
        if text not in names
    ]
