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
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

__all__ = ["dumps", "stable_repr"]

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stable_repr(value: Any, _depth: int = 0) -> str:
    """``repr(value)`` with every set's items in sorted order and no memory addresses."""
    if _depth > 100:  # as repr itself gives up on deep nesting: no RecursionError here
        return "..."
    inner = _depth + 1
    if isinstance(value, set | frozenset):
        shown = ", ".join(sorted(stable_repr(item, inner) for item in value))
        name = type(value).__name__
        if not shown:
            return f"{name}()"
        return f"{{{shown}}}" if type(value) is set else f"{name}({{{shown}}})"
    if type(value) is dict:
        pairs = (f"{stable_repr(k, inner)}: {stable_repr(v, inner)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if type(value) is list:
        return "[" + ", ".join(stable_repr(item, inner) for item in value) + "]"
    if type(value) is tuple:
        items = [stable_repr(item, inner) for item in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    try:
        text = repr(value)
    except Exception as exc:  # a broken __repr__ must not lose the outcome
        text = f"<{type(value).__qualname__}: repr failed: {type(exc).__name__}>"
    return _ADDRESS.sub("", text)


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, default=stable_repr)
"""``json.dumps`` with these options, built once."""

_C_ENCODER = (
    None
    if c_make_encoder is None
    else c_make_encoder(None, stable_repr, encode_basestring, None, ":", ",", False, False, True)
)
"""What ``_ENCODER.encode`` builds at every call (the journal encodes every event's arguments):
the C encoder with the same options, built once. Without the circular-reference check (shared
state across threads); a cycle is then a ``RecursionError``, which gets the same text."""


def dumps(value: Any) -> str:
    """Compact JSON text of ``value``; what JSON cannot hold is its ``stable_repr`` text."""
    try:
        if _C_ENCODER is not None:
            return "".join(_C_ENCODER(value, 0))
        return _ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError):
        # Keys JSON cannot have (a tuple key), a cycle: the whole value as text.
        return json.dumps(stable_repr(value), ensure_ascii=False)
