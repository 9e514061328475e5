"""The text of a value that is not JSON data, the same in every process for the same run.

A handler may return (or answer with) a value JSON has no form for: a ``set``, a custom object.
The journal and the handler outcomes keep such a value as its ``repr`` text, and a testing tool
must give the same bytes for the same seed: Python's ``repr`` of a set lists the items in hash
order (text hashes differ from process to process, ``PYTHONHASHSEED``) and an object's default
``repr`` holds its memory address. ``stable_repr`` is ``repr`` with a set's items sorted and
addresses left out; ``dumps`` is the JSON text the journal stores, non-JSON values as that text.
The value is kept as text rather than turned into JSON (a sorted list): JSON has no sets, and a
list would say the handler returned one.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from types import SimpleNamespace
from typing import Any

from simulator.one_line import opened, repr_items

__all__ = ["brief_repr", "dumps", "dumps_each", "stable_repr"]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


_REPR_ITEMS = 100_000
"""Items ``stable_repr`` shows before the rest is ``...`` (a list holding the same list twice
shows it twice: 60 such levels would be 2**60 items)."""


def stable_repr(value: Any, items: int = _REPR_ITEMS) -> str:
    """``repr(value)`` with every set's items in sorted order and no memory addresses; a
    container inside itself is ``{...}``/``[...]`` as in ``repr``, and past 100 levels or
    ``items`` items the rest is ``...`` (a handler's answer ``d = {"a": d, "b": d}`` took
    2**100 steps). A dict, list or tuple subclass with no ``__repr__`` of its own is written
    as its builtin type is; one with its own (a namedtuple, an ``OrderedDict``) by it when
    ``repr`` would show at most the items left (``one_line.repr_items``), else walked here as
    ``Name(...)``: its ``repr`` would walk a list holding the same list twice 60 levels deep
    for ever. A set or frozenset subclass is ``Name({...})``."""
    budget = [items]
    inside: set[int] = set()

    def show(item: Any, depth: int) -> str:
        budget[0] -= 1
        if depth > 100 or budget[0] < 0:  # as repr itself gives up on deep nesting
            return "..."
        kind = type(item)
        if not isinstance(item, _WALKED) and _too_big(item, budget):
            # A deque, a dataclass, a model ... whose repr would show more than is left: its
            # repr walks what it holds holding the GIL (a deque of a list holding the same
            # list twice, 60 levels deep, for ever), so the walk here shows it.
            ident = id(item)
            if ident in inside:
                return f"{kind.__name__}(...)"
            inside.add(ident)
            try:
                return f"{kind.__name__}({held(item, depth + 1)})"
            finally:
                inside.discard(ident)
        if not isinstance(item, _WALKED) or _own_repr(item, kind, budget):
            try:
                text = repr(item)
            except Exception as exc:  # a broken __repr__ must not lose the outcome
                text = f"<{type(item).__qualname__}: repr failed: {type(exc).__name__}>"
            return _ADDRESS.sub("", text)
        ident = id(item)
        if ident in inside:
            if isinstance(item, list | tuple):
                return "[...]" if isinstance(item, list) else "(...)"
            return "{...}"
        inside.add(ident)
        try:
            text = shown(item, kind, depth + 1)
        finally:
            inside.discard(ident)
        if kind in _WALKED or isinstance(item, set | frozenset) or kind.__repr__ in _BUILTIN:
            return text
        return f"{kind.__name__}({text})"

    def listed(each_item: Iterable[Any], inner: int, pairs: bool = False) -> list[str]:
        # The items' texts until the budget is spent, then one "...": a list of ten million
        # items is not ten million steps.
        parts = []
        for each in each_item:
            if budget[0] <= 0:
                parts.append("...")
                break
            if pairs:
                parts.append(f"{show(each[0], inner)}: {show(each[1], inner)}")
            else:
                parts.append(show(each, inner))
        return parts

    def held(item: Any, inner: int) -> str:
        # What ``repr`` would show inside ``Name(...)``: a deque's items as a list, an
        # exception's arguments, the others' fields as ``name=value``.
        if isinstance(item, deque):
            return "[" + ", ".join(listed(deque.__iter__(item), inner)) + "]"
        names = _field_names(item)
        if names is None:
            return ", ".join(listed(opened(item) or [], inner))
        parts = []
        for name, each in zip(names, opened(item) or [], strict=False):
            if budget[0] <= 0:
                parts.append("...")
                break
            parts.append(f"{name}={show(each, inner)}")
        return ", ".join(parts)

    def shown(item: Any, kind: type, inner: int) -> str:
        if isinstance(item, set | frozenset):
            text = ", ".join(sorted(listed(item, inner)))
            name = kind.__name__
            if not text:
                return f"{name}()"
            return f"{{{text}}}" if kind is set else f"{name}({{{text}}})"
        if isinstance(item, dict):
            return "{" + ", ".join(listed(dict.items(item), inner, pairs=True)) + "}"
        if isinstance(item, list):
            return "[" + ", ".join(listed(list.__iter__(item), inner)) + "]"
        shown_items = listed(tuple.__iter__(item), inner)
        return "(" + ", ".join(shown_items) + ("," if len(shown_items) == 1 else "") + ")"

    return show(value, 0)


_WALKED = (set, frozenset, dict, list, tuple)
"""What ``stable_repr`` walks itself (subclasses too) rather than ask its ``repr``."""

_BUILTIN = (dict.__repr__, list.__repr__, tuple.__repr__)
"""The ``repr`` a dict, list or tuple subclass with none of its own has."""


def _own_repr(item: Any, kind: type, budget: list[int]) -> bool:
    """Whether ``stable_repr`` asks the ``repr`` of ``item``, a dict, list or tuple subclass
    with its own: when it would show at most the items left in ``budget`` (they are spent)."""
    if kind in _WALKED or isinstance(item, set | frozenset) or kind.__repr__ in _BUILTIN:
        return False
    try:
        size = repr_items(item, max(budget[0], 0))
    except Exception:  # the subclass's own container raised: its repr says what it says
        return True
    if size is None:
        return False
    budget[0] -= size - 1
    return True


def _field_names(item: Any) -> list[str] | None:
    """The names of the values ``opened`` gives for ``item``, in order; None for a deque's or
    an exception's (no names)."""
    if isinstance(item, deque | BaseException):
        return None
    if type(item) is SimpleNamespace:
        return list(vars(item))
    fields = getattr(type(item), "__dataclass_fields__", None)
    if isinstance(fields, dict):
        return list(fields)
    held = getattr(item, "__dict__", None)
    extra = getattr(item, "__pydantic_extra__", None)
    names = list(held) if isinstance(held, dict) else []
    return names + (list(extra) if isinstance(extra, dict) else [])


def _too_big(item: Any, budget: list[int]) -> bool:
    """Whether ``item``, none of ``_WALKED``, is one ``opened`` opens whose ``repr`` would
    show more items than are left in ``budget`` (else they are spent, and its ``repr`` asked)."""
    try:
        if opened(item) is None:
            return False
        size = repr_items(item, max(budget[0], 0))
    except Exception:  # its own fields raised: its repr says what it says
        return False
    if size is None:
        return True
    budget[0] -= size - 1
    return False


def brief_repr(value: Any, width: int = 80) -> str:
    """``stable_repr`` of at most 20 items and ``width`` characters: a value a plugin passed,
    named in a message (``on(..., needs a function, got [[[], []], [[], []]]``)."""
    text = stable_repr(value, 20)
    return text if len(text) <= width else f"{text[: width - 3]}..."


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=stable_repr)
"""``json.dumps`` with these options, built once."""

_reprs_given = [0]
"""How many values the C encoder asked ``_default`` for (``dumps_each``: a text that holds one
is not reused, a ``repr`` may change from one call to the next)."""


def _default(value: Any) -> str:
    _reprs_given[0] += 1
    return stable_repr(value)


_C_ENCODER = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, _default, encode_basestring, None, ":", ",", False, False, True)
)
"""What ``_ENCODER.encode`` builds at every call (the journal encodes every event's arguments):
the C encoder with the same options, built once. Without the circular-reference check (shared
state across threads); a cycle is then a ``RecursionError``, which gets the same text."""

_NO_ITEM = object()


def dumps(value: Any) -> str:
    """Compact JSON text of ``value``; what JSON cannot hold is its ``stable_repr`` text."""
    try:
        if _C_ENCODER is not None:
            return "".join(_C_ENCODER(value, 0))
        return _ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError):
        # Keys JSON cannot have (a tuple key), a cycle: the whole value as text.
        return json.dumps(stable_repr(value), ensure_ascii=False)


def dumps_each(values: Iterable[Any]) -> list[str]:
    """``[dumps(value) for value in values]``, the same texts at less cost (the journal's
    commits: every event's arguments, under the GIL).

    Each value is one call of the C encoder, with no Python frame around it; and a one-item
    array (tuple or list) whose item is the very object the previous value's one item was gets
    that value's text again rather than encoding it twice: the engine gives the events of one
    step the same interaction dict (completed, removed, saved: ~760 bytes of JSON each), and
    ``[x]`` is ``"[" + text of x + "]"`` whichever array holds it. Not reused: a text that
    needed ``stable_repr`` (an object's ``repr`` may differ from call to call) or that fell back
    to the whole value's text."""
    encode = _C_ENCODER
    if encode is None:
        return [dumps(value) for value in values]
    given = _reprs_given
    texts: list[str] = []
    append = texts.append
    last_item: Any = _NO_ITEM
    last_text = ""
    for value in values:
        kind = type(value)
        item = value[0] if (kind is tuple or kind is list) and len(value) == 1 else _NO_ITEM
        if item is last_item and item is not _NO_ITEM:
            append(last_text)
            continue
        reprs = given[0]
        try:
            text = "".join(encode(value, 0))
        except (TypeError, ValueError, RecursionError):
            text = dumps(value)
            item = _NO_ITEM
        if reprs != given[0]:
            item = _NO_ITEM
        last_item, last_text = item, text
        append(text)
    return texts
