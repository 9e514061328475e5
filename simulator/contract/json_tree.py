"""Whether a value a plugin hands over is a JSON tree: a dict that contains itself
(``d["self"] = d``), nesting hundreds of levels deep or millions of values has no JSON form, and
every walk of it (the type check, the search for a lone surrogate, the JSON-number check, the
journal) would never end or would overflow the stack. Such an argument is ``invalid_args``,
said in one sentence, before anything else walks it."""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_DEPTH", "MAX_VALUES", "tree_problem"]

MAX_DEPTH = 100
"""Levels of objects and arrays an argument may nest (the vendor's payloads nest three)."""
MAX_VALUES = 100_000
"""Values an argument may hold, counted as a JSON text would write them (a list holding the
same list twice counts it twice)."""


def _step(where: str, key: Any) -> str:
    if isinstance(key, str) and key.isidentifier():
        return f"{where}.{key}"
    shown = str.__repr__(key) if isinstance(key, str) else repr(key)
    return f"{where}[{shown[:40]}]"


def tree_problem(value: Any, label: str) -> str | None:
    """What keeps ``value`` (the argument ``label``) from being a JSON tree, as the end of a
    sentence (``screenData contains itself: screenData.self is screenData``), or None. Only
    dicts, lists and tuples are walked; anything else is a leaf (its type is checked elsewhere)."""
    if not isinstance(value, dict | list | tuple):
        return None
    # Depth first, without recursion; ``inside`` holds the containers on the current path.
    todo: list[tuple[Any, str, int] | int] = [(value, label, 0)]
    inside: dict[int, str] = {}
    count = 0
    while todo:
        entry = todo.pop()
        if isinstance(entry, int):  # every item of that container was looked at
            inside.pop(entry, None)
            continue
        item, where, depth = entry
        if not isinstance(item, dict | list | tuple):
            continue
        ident = id(item)
        if ident in inside:
            return f"{label} contains itself: {where} is {inside[ident]}"
        if depth >= MAX_DEPTH:
            return f"{label} nests deeper than {MAX_DEPTH} levels (at {where[:120]})"
        count += len(item)
        if count > MAX_VALUES:
            return f"{label} holds more than {MAX_VALUES:,} values"
        inside[ident] = where
        todo.append(ident)
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        children = [(inner, _step(where, key), depth + 1) for key, inner in pairs]
        todo.extend(reversed(children))  # the first found is the first in the text
    return None
