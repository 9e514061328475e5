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

__all__ = ["exception_text", "one_line", "unwritten"]

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


def unwritten(exc: BaseException) -> str | None:
    """Why the message of ``exc`` is not written (``str(exc)`` not asked), or None: its
    arguments hold a dict, list or tuple that is no JSON tree (``simulator.contract.json_tree``:
    ``raise ValueError(x)`` of a list holding the same list twice, 60 levels deep, whose
    builtin ``repr`` walks 2**60 paths holding the GIL, which with thread isolation stopped
    adsim whole)."""
    try:
        args = exc.args
    except Exception:
        return None
    if type(args) is not tuple or not any(isinstance(arg, dict | list | tuple) for arg in args):
        return None
    from simulator.contract.json_tree import tree_problem

    return tree_problem(args, "exc.args")


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
