"""How a file's problems describe values and keys (``the text 'x'``, ``a mapping``, a ``(did you
mean `accept`?)`` hint), and a pydantic error about a file's model said in those words.

Scenario files (``simulator.scenarios.validation_errors``) and tenant files use the same words,
so a tester reads "unknown key `kind` in `services[0]`; expected one of: ..." in both, never
pydantic's "Extra inputs are not permitted".
"""

from __future__ import annotations

import re
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

if typing.TYPE_CHECKING:
    from pydantic_core import ErrorDetails

__all__ = [
    "EXPECTED",
    "error_text",
    "fields_of",
    "item_type",
    "kind",
    "place_of",
    "suggest",
    "written",
]

EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
    "none_required": "nothing",
}
"""What a pydantic error type expected, in a tester's words."""


def kind(value: Any) -> str:
    """What ``value`` is, as a problem says it: ``the number 5``, ``the text 'x'``, ``a list``."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def written(word: Any, limit: int = 60) -> str:
    """A key or step name as a message shows it: cut to ``limit`` characters (a 1 MB step name
    was a 1 MB line of the message)."""
    text = str(word)
    return text if len(text) <= limit else text[: limit - 3] + "..."


_MEANT = {
    # an interaction's state, in the words of a phone or a CRM: the adApi has its own
    "connected": "delivered",
    "answered": "delivered",
    "active": "delivered",
    "talking": "delivered",
    "in_progress": "delivered",
    "established": "delivered",
    "ringing": "delivery_pending",
    "offered": "delivery_pending",
    "alerting": "delivery_pending",
    "incoming": "delivery_pending",
    "pending": "delivery_pending",
    "held": "hold",
    "on_hold": "hold",
    "acw": "wrap_up",
    "after_call_work": "wrap_up",
    "ended": "completed",
    "finished": "completed",
    "done": "completed",
    "closed": "completed",
    # the agent's
    "available": "ready",
    "idle": "ready",
    "away": "not_ready",
    "unavailable": "not_ready",
    "break": "not_ready",
    "on_call": "busy",
    "wrap_up": "after_call_work",
    "wrapup": "after_call_work",
    "offline": "logged_out",
}
"""The adApi's word for one a tester writes from another vocabulary (``connected``: ``delivered``),
suggested when it is one of the choices: difflib, comparing letters, offered ``completed`` for
``connected``, the opposite of what was meant."""


def suggest(word: Any, choices: Sequence[str]) -> str:
    """`` (did you mean `x`?)`` for the choice closest to a misspelt ``word``, else empty; and
    the invisible characters ``word`` holds, named: ``name`` with a zero-width space pasted from
    a web page (or a second byte order mark) read "unknown key `name` (did you mean `name`?)"."""
    if not isinstance(word, str):
        return ""
    import difflib  # only for a misspelling: every tenant file's load imports this module

    parts = []
    hidden = _invisible(word)
    if hidden:
        parts.append(f"it holds {hidden}, which an editor shows as a space or not at all")
    # The vendor's spelling of a word written in another case first (`dnis`: `DNIS`), which
    # difflib, comparing characters as they are, does not find alike.
    folded = word.casefold()
    same = [c for c in choices if isinstance(c, str) and c != word and c.casefold() == folded]
    meant = _MEANT.get(folded.replace(" ", "_").replace("-", "_"))
    if meant is not None and meant in choices and word not in choices:
        parts.append(f"did you mean `{meant}`? the adApi's word for {word!r}")
        return f" ({'; '.join(parts)})"
    close = same[:1] or difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if close:
        parts.append(f"did you mean `{close[0]}`?")
    return f" ({'; '.join(parts)})" if parts else ""


def _invisible(word: str) -> str:
    """The characters of ``word`` an editor shows as nothing or as a plain space (``U+200B
    ZERO WIDTH SPACE``), or empty."""
    import unicodedata

    found = []
    for char in dict.fromkeys(word):  # each once, in order
        if char != " " and unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
            name = unicodedata.name(char, "")
            found.append(f"U+{ord(char):04X}" + (f" {name}" if name else ""))
    return ", ".join(found[:3])


def fields_of(model: type[BaseModel]) -> list[str]:
    """The keys ``model`` takes, as a file writes them (aliases where there are)."""
    return [(info.alias or name) for name, info in model.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg) if typing.get_origin(arg) is None else None
        if found is not None:
            return found
    return None


def item_type(annotation: Any) -> Any:
    """The item type of a list or dict annotation (inside an optional or a union too); None
    when it is neither."""
    for arg in typing.get_args(annotation):
        inner = item_type(arg) if typing.get_origin(arg) is not None else None
        if typing.get_origin(arg) in (list, dict):
            return typing.get_args(arg)[-1]
        if inner is not None:
            return inner
    if typing.get_origin(annotation) in (list, dict):
        return typing.get_args(annotation)[-1]
    return None


def place_of(root: type[BaseModel], loc: Sequence[Any]) -> tuple[str, type[BaseModel] | None]:
    """``services[0].type`` for pydantic's ``("services", 0, "type")`` (its union tags left
    out), and the model that validates the value there (None when it is not a model)."""
    text = ""
    current: Any = root
    for part in loc:
        model = _model_in(current)
        if isinstance(part, int):
            current = item_type(current)
            text += f"[{part}]"
            continue
        fields = {(i.alias or n): i for n, i in model.model_fields.items()} if model else {}
        if part in fields:
            current = fields[part].annotation
            text += f".{part}" if text else str(part)
        elif model is None and item_type(current) is not None:  # a dict's key
            current = item_type(current)
            text += f".{part}" if text else str(part)
        # else: a union's tag (``str``, ``list[str]``, a model's name): not a place in the file
    return text, _model_in(current)


def error_text(error: ErrorDetails, root: type[BaseModel]) -> str:
    """One pydantic ``error`` about data validated by ``root``, in a tester's words, its place
    in front (``services[0].type: expected one of voice, chat, email, got the text 'fax'``)."""
    loc = error["loc"]
    kind_of = error["type"]
    if kind_of in ("missing", "extra_forbidden") and loc:
        where, model = place_of(root, loc[:-1])
        key = loc[-1]
        inside = f" in `{where}`" if where else ""
        if kind_of == "missing":
            return f"`{key}` is required{inside}"
        choices = fields_of(model) if model is not None else []
        listed = f"; expected one of: {', '.join(choices)}" if choices else ""
        return f"unknown key `{written(key)}`{inside}{suggest(key, choices)}{listed}"
    where, _model = place_of(root, loc)
    label = f"{where}: " if where else ""
    value = error.get("input")
    expected = EXPECTED.get(kind_of)
    if expected is not None:
        return f"{label}expected {expected}, got {kind(value)}"
    if kind_of in ("literal_error", "enum"):
        choices = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
        listed = ", ".join(choices[:8]) + (", ..." if len(choices) > 8 else "")
        return f"{label}expected one of {listed}, got {kind(value)}{suggest(value, choices)}"
    message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return f"{label}{message}"
