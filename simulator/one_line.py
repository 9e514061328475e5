"""Text from a plugin on one line of adsim's output: control characters as escapes.

A handler's exception message, a plugin's load error or a JS module's ``Error`` is the
integration's text, printed inside adsim's own lines (``adsim:   #4 ON_NEW_INTERACTION -> ...``,
the run summary). A newline in it split one failure over lines that no longer start with
``adsim:`` (CI greps them, and the next line read as adsim's own), and an escape sequence
(``\\x1b[2J``) reached the terminal as a command. The journal keeps the text exactly; only what
is printed is escaped, as Python's ``repr`` writes those characters. ``exception_text`` is a
plugin's exception as text, even one whose ``__str__`` raises or would never end.
"""

from __future__ import annotations

import re
from collections import deque
from types import SimpleNamespace
from typing import Any

__all__ = ["exception_text", "one_line", "opened", "repr_items", "unwritten"]

_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""C0 (all but tab), DEL, C1, the Unicode line and paragraph separators, and the bidirectional
embeddings, overrides and isolates: a U+202E in a handler's message drew the rest of adsim's line
right to left (``FAIL`` read as ``LIAF``, a status moved before the handler's name)."""


def _escape(found: re.Match[str]) -> str:
    char = found.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


_NAMED = {"\n": "\\n", "\r": "\\r"}


def one_line(text: str) -> str:
    """``text`` with each control character written as its escape (``\\n``, ``\\x1b``)."""
    return _CONTROL.sub(_escape, text)


_ARGS_ITEMS = 1_000_000
"""Items the ``repr`` of an exception's arguments may show before its message is not written
(``unwritten``): counted as ``repr`` shows them, a list held twice twice."""


def unwritten(exc: BaseException) -> str | None:
    """Why the message of ``exc`` is not written (``str(exc)`` not asked), or None: the
    ``repr`` of its arguments would show more than ``_ARGS_ITEMS`` items (``raise
    ValueError(x)`` of a list holding the same list twice, 60 levels deep, whose builtin
    ``repr`` walks 2**60 paths holding the GIL, which with thread isolation stopped adsim
    whole). A key of any type, a list inside itself (``repr`` writes ``[...]``) or a deep
    nesting (``repr`` raises ``RecursionError``) is written as before."""
    try:
        args = exc.args
        if type(args) is not tuple or not any(
            isinstance(arg, _CONTAINERS) or opened(arg) is not None for arg in args
        ):
            return None
        if repr_items(args, _ARGS_ITEMS) is not None:
            return None
    except Exception:  # the plugin's own container raised: str() is asked, as before
        return None
    return f"exc.args holds more than {_ARGS_ITEMS:,} values"


def repr_items(value: Any, limit: int) -> int | None:
    """How many items the builtin ``repr`` of ``value`` shows (itself and, inside every dict,
    list, tuple, set and frozenset, a subclass's too, each key and value, and inside what
    ``opened`` opens what it holds; one held twice twice, one inside itself once), or None
    when that is more than ``limit``. Each container is looked into once, so this takes at
    most ``limit`` steps: a list holding the same list twice, 60 levels deep, is 2**60 items,
    counted in 120 steps."""
    sizes: dict[int, int] = {}
    path: set[int] = set()
    todo: list[tuple[Any, list[Any] | None, int]] = [(value, None, 0)]
    steps = 0
    while todo:
        item, kids, leaves = todo.pop()
        ident = id(item)
        if kids is not None:  # every item of it was counted: its size is known
            path.discard(ident)
            size = 1 + leaves + sum(sizes.get(id(kid), 1) for kid in kids)
            if size > limit:
                return None
            sizes[ident] = size
            continue
        if ident in sizes or ident in path:
            continue
        if isinstance(item, dict):
            each: Any = [*dict.keys(item), *dict.values(item)]
        elif isinstance(item, list):
            each = list.__iter__(item)
        elif isinstance(item, tuple):
            each = tuple.__iter__(item)
        elif isinstance(item, set | frozenset):
            each = set.__iter__(item) if isinstance(item, set) else frozenset.__iter__(item)
        else:
            each = opened(item)
            if each is None:
                sizes[ident] = 1
                continue
        found: list[Any] = []
        count = 0
        for inner in each:
            steps += 1
            if steps > limit:
                return None
            if isinstance(inner, _CONTAINERS) or opened(inner) is not None:
                found.append(inner)
            else:
                count += 1
        path.add(ident)
        todo.append((item, found, count))
        todo.extend((kid, None, 0) for kid in found if id(kid) not in path)
    return sizes.get(id(value), 1)


_CONTAINERS = (dict, list, tuple, set, frozenset)


def opened(item: Any) -> list[Any] | None:
    """What the ``repr`` of ``item`` shows inside it when it is none of the containers above
    but its ``repr`` walks what it holds all the same, in C code or through C code that holds
    the GIL (a ``collections.deque``, a dataclass instance, a pydantic model, a
    ``SimpleNamespace``, an exception: its arguments); None for anything else (a leaf). A
    model's or a dataclass's fields, not their ``repr=False`` choices: a bound, not a text."""
    kind = type(item)
    if kind in _LEAVES:
        return None
    if isinstance(item, deque):
        return list(deque.__iter__(item))
    if isinstance(item, BaseException):
        args = item.args
        return list(args) if type(args) is tuple else None
    if kind is SimpleNamespace:
        return list(vars(item).values())
    fields = getattr(kind, "__dataclass_fields__", None)
    if isinstance(fields, dict) and not isinstance(item, type):
        return [getattr(item, name, None) for name in fields]
    if getattr(kind, "__pydantic_fields__", None) is not None and not isinstance(item, type):
        held = getattr(item, "__dict__", None)
        extra = getattr(item, "__pydantic_extra__", None)
        values = list(held.values()) if isinstance(held, dict) else []
        return values + (list(extra.values()) if isinstance(extra, dict) else [])
    return None


_LEAVES = frozenset({str, int, float, bool, type(None), bytes})
"""The commonest leaves, told at once."""


def exception_text(exc: BaseException) -> str:
    """``Type: message`` of an exception a plugin raised, even one whose ``__str__`` raises
    (formatted inline, that made the plugin's fault an "internal error" of adsim) or would
    never end (``unwritten``)."""
    problem = unwritten(exc)
    if problem is not None:
        return f"{type(exc).__name__}: (adsim did not write this message: {problem})"
    try:
        message = str(exc)
    except Exception:
        message = "<exception str() failed>"  # as the traceback module writes it
    if not message:  # ``raise KeyboardInterrupt``: no "KeyboardInterrupt: " with nothing after
        return type(exc).__name__
    return f"{type(exc).__name__}: {message}"
