"""Whether a value a plugin hands over is a JSON tree: a dict that contains itself
(``d["self"] = d``), nesting hundreds of levels deep or millions of values has no JSON form, and
every walk of it (the type check, the search for a lone surrogate, the JSON-number check, the
journal) would never end or would overflow the stack. Such an argument is ``invalid_args``,
said in one sentence, before anything else walks it.

``scan`` is that one walk: besides the shape, it notes what the later checks look for (a text
with a lone surrogate, an integer past 2**53, a value of another type), so that an argument
with none of them is walked once, not once a check. Where a problem is found is written out
only then: a path is a chain of (parent, key) pairs until it is needed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simulator.one_line import opened, repr_items
from simulator.stable_text import brief_repr

__all__ = ["MAX_DEPTH", "MAX_VALUES", "TreeScan", "copied", "scan", "tree_problem"]

MAX_DEPTH = 100
"""Levels of objects and arrays an argument may nest (the vendor's payloads nest three)."""
MAX_VALUES = 100_000
"""Values an argument may hold, counted as a JSON text would write them (a list holding the
same list twice counts it twice)."""

_SAFE = 2**53
"""Integers up to this size are exact in a JavaScript number (a double); past it, maybe not."""


@dataclass(frozen=True, slots=True)
class TreeScan:
    """What one walk of a value found: ``problem`` as ``tree_problem`` says it (None for a
    tree); for a tree, whether it holds a text that is not plain ASCII with a surrogate in it
    (``lone_surrogate``), an integer past 2**53 (``big_integer``), or a value that is none of
    dict, list, tuple, text, number, bool and None (``other``: a model, a set), which the
    later checks look at themselves. All False: those checks have nothing to find."""

    problem: str | None = None
    lone_surrogate: bool = False
    big_integer: bool = False
    other: bool = False


_LEAF = TreeScan()


def _step(where: str, key: Any) -> str:
    if isinstance(key, str) and key.isidentifier():
        return f"{where}.{key}"
    shown = str.__repr__(key) if isinstance(key, str) else brief_repr(key, 40)
    return f"{where}[{shown[:40]}]"


def _path(label: str, node: tuple[Any, ...] | None) -> str:
    """The text of a (parent, key) chain: ``screenData.b[1].c``."""
    keys: list[Any] = []
    while node is not None:
        node, key = node
        keys.append(key)
    where = label
    for key in reversed(keys):
        where = _step(where, key)
    return where


def _surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def scan(value: Any, label: str, values: int = MAX_VALUES) -> TreeScan:
    """One walk of ``value`` (the argument ``label``): its ``tree_problem`` and what the later
    checks would look for. Only dicts, lists and tuples are walked; more than ``values`` values
    is a problem."""
    if not isinstance(value, dict | list | tuple):
        kind = type(value)
        if kind is str or isinstance(value, str):
            return TreeScan(lone_surrogate=_surrogate(value))
        if kind is int:
            return TreeScan(big_integer=not -_SAFE <= value <= _SAFE)
        if value is None or kind is float or kind is bool or isinstance(value, int):
            return _LEAF
        if _hidden(value, values) > values:
            problem = f"{label} holds more than {values:,} values (in the {kind.__name__})"
            return TreeScan(problem, other=True)
        return TreeScan(other=True)
    # Depth first, without recursion; ``inside`` holds the containers on the current path, each
    # with its (parent, key) chain. The containers are taken in the order tree_problem always
    # took them (the first problem found is the first in the text), leaves as they are listed.
    todo: list[tuple[Any, Any, int] | int] = [(value, None, 0)]
    inside: dict[int, Any] = {}
    count = 0
    surrogate = big = other = False
    while todo:
        entry = todo.pop()
        if type(entry) is int:  # every item of that container was looked at
            del inside[entry]
            continue
        item, node, depth = entry  # type: ignore[misc]
        ident = id(item)
        if ident in inside:
            where, ancestor = _path(label, node), _path(label, inside[ident])
            return TreeScan(f"{label} contains itself: {where} is {ancestor}")
        if depth >= MAX_DEPTH:
            where = _path(label, node)
            return TreeScan(f"{label} nests deeper than {MAX_DEPTH} levels (at {where[:120]})")
        count += len(item)
        if count > values:
            return TreeScan(f"{label} holds more than {values:,} values")
        inside[ident] = node
        todo.append(ident)
        inner = depth + 1
        containers: list[tuple[Any, Any, int]] = []
        if isinstance(item, dict):
            pairs: Any = item.items()
        else:
            pairs = enumerate(item)
        for key, child in pairs:
            kind = type(child)
            if kind is str:
                if not child.isascii() and _surrogate(child):
                    surrogate = True
            elif kind is int:
                if not -_SAFE <= child <= _SAFE:
                    big = True
            elif child is None or kind is float or kind is bool:
                pass
            elif isinstance(child, dict | list | tuple):
                containers.append((child, (node, key), inner))
            elif isinstance(child, str):
                surrogate = surrogate or _surrogate(child)
            elif not isinstance(child, int):
                other = True
                size = _hidden(child, values - count)
                count += size
                if count > values:
                    where = _path(label, (node, key))
                    return TreeScan(
                        f"{label} holds more than {values:,} values (the {kind.__name__} at "
                        f"{where[:120]} holds more than JSON or repr can write in time)"
                    )
            if type(key) is int:
                pass
            elif isinstance(key, str):
                if not key.isascii():
                    surrogate = surrogate or _surrogate(key)
            elif key is None or isinstance(key, float | int):
                other = True  # JSON writes it as text ("1"); the later checks look at it
            else:  # a tuple, a model ...: no JSON text has such a key
                where = _path(label, node)
                return TreeScan(
                    f"{label} has a key that JSON cannot write: {where} has the "
                    f"{type(key).__name__} key {brief_repr(key, 40)}"
                )
        if containers:
            containers.reverse()  # the first found is the first in the text
            todo.extend(containers)
    return TreeScan(None, surrogate, big, other)


def _hidden(value: Any, values: int) -> int:
    """How many values a value the walk above takes as a leaf holds (a deque, a dataclass, a
    model: the later checks look at it themselves, and ``json.dumps`` or ``repr`` of it walks
    what it holds in C code, holding the GIL), counted as ``repr`` shows them
    (``one_line.repr_items``) up to ``values``; more is ``values + 1``: a deque of a list
    holding the same list twice, 60 levels deep, is 2**60, counted in a few hundred steps."""
    try:
        if opened(value) is None:
            return 0
        size = repr_items(value, max(values, 0))
    except Exception:  # its own fields raised: the later checks say what they say
        return 0
    return values + 1 if size is None else size - 1


def tree_problem(value: Any, label: str, values: int = MAX_VALUES) -> str | None:
    """What keeps ``value`` (the argument ``label``) from being a JSON tree, as the end of a
    sentence (``screenData contains itself: screenData.b[1].c is screenData``), or None. Only
    dicts, lists and tuples are walked; anything else is a leaf (its type is checked elsewhere),
    unless it holds more than ``values`` values (a deque, a dataclass, a model: ``_hidden``)."""
    return scan(value, label, values).problem


def copied(tree: Any) -> Any:
    """A copy of ``tree`` (a JSON tree: ``tree_problem`` found nothing) that shares no dict,
    list or tuple with it, as JSON text would write and read it: a sub-object it holds twice is
    two copies, and what one holder does to its copy the other never sees."""
    if isinstance(tree, dict):
        return {key: copied(value) for key, value in tree.items()}
    if isinstance(tree, list):
        return [copied(value) for value in tree]
    if isinstance(tree, tuple):
        return tuple(copied(value) for value in tree)
    return tree
