"""Numbers and booleans taken as the file writes them, not as pydantic's lax mode reads them.

pydantic (lax mode) turns text into a number where a number is due: ``seed: "1_0"``, and in a
scenario ``seed: 1_0`` (text to YAML 1.2), ran with seed 10; ``count: "1"`` checked for one;
``allow_handler_errors: "yes"`` was true. A typo passed silently, and a value that YAML reads as
text worked in one place and not in another. ``retyped`` compares a validated model with the
data it was validated from and finds each value whose type validation changed: text or a
boolean that became a number, anything but a boolean that became one. The file's own loader
says them at their line (``simulator.scenarios.loader``, ``simulator.data.tenant``).

Validating the files in pydantic's strict mode would refuse the same values, but also an enum's
text (``type: inbound_voice``) and every value a model's own validator reads on purpose
(``wait: 30s``, ``dial: 5551234`` as text): the comparison afterwards leaves those alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

__all__ = ["Retyped", "place_text", "retyped", "retyped_problem"]

Retyped = tuple[tuple[Any, ...], Any, Any]
"""Where (keys and indexes from the root, as the file writes them), what the file wrote, and
what validation made of it."""


def retyped(model: BaseModel, raw: Any) -> list[Retyped]:
    """Each place where ``model``, validated from ``raw``, holds a number or a boolean that
    ``raw`` wrote as something else (text, or a number for a boolean ...), in file order."""
    return list(_walk(model, raw, ()))


def _walk(value: Any, raw: Any, path: tuple[Any, ...]) -> Iterator[Retyped]:
    if isinstance(value, BaseModel):
        if not isinstance(raw, dict):  # a short form (``count: 2``, ``- call: Sales``)
            return
        for name, info in type(value).model_fields.items():
            key = info.alias or name
            if key not in raw:
                if name not in raw:
                    continue
                key = name
            yield from _walk(getattr(value, name), raw[key], (*path, key))
    elif isinstance(value, list | tuple):
        if isinstance(raw, list) and len(raw) == len(value):
            for index, (item, written) in enumerate(zip(value, raw, strict=True)):
                yield from _walk(item, written, (*path, index))
    elif isinstance(value, dict):
        if isinstance(raw, dict):
            for key, item in value.items():
                if key in raw:
                    yield from _walk(item, raw[key], (*path, key))
    elif _changed(raw, value):
        yield path, raw, value


def _changed(raw: Any, value: Any) -> bool:
    """Whether validation gave ``value`` another kind of scalar than the file's ``raw``."""
    if isinstance(value, bool):
        return not isinstance(raw, bool)
    if type(value) in (int, float):  # not an IntEnum's member: named by text on purpose
        return isinstance(raw, str | bool)
    return False


def retyped_problem(raw: Any, value: Any, label: str = "") -> str:
    """What is wrong with ``raw``, which validation read as ``value``: what to write instead."""
    if isinstance(value, bool):
        expected = "true or false"
        advice = f"write {str(value).lower()}, without quotes"
    else:
        expected = "a whole number" if isinstance(value, int) else "a number"
        advice = f"write {_number(value)}, in digits without quotes"
    if isinstance(raw, str):
        got = f"the text {raw!r}"
    elif isinstance(raw, bool):
        got = str(raw).lower()
    else:
        got = f"the number {raw}"
    if isinstance(raw, bool) and not isinstance(value, bool):
        advice = "write the number"
    return f"{label}expected {expected}, got {got}: {advice}"


def _number(value: float) -> str:
    """A number as a file would write it (``100000`` for ``1e5``'s 100000.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def place_text(path: tuple[Any, ...]) -> str:
    """``services[0].acw_timeout_seconds: `` for a path (nothing for the root)."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return f"{text}: " if text else ""
