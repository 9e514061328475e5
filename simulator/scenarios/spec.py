"""What every scenario model shares: the base model (unknown keys refused, a short form such as
``- call: Sales`` expanded), the adApi version names, and durations (``30s``, ``1m30s``, ``250ms``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["ApiVersionName", "parse_duration_ms", "whole_ms"]


ApiVersionName = Literal["5.19", "5.24.1", "2026"]
"""An adApi version a scenario can run against."""


class _Spec(BaseModel):
    """Base of every scenario model: unknown keys are errors, numbers are accepted as text."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
    )

    short_schema: ClassVar[dict[str, Any] | None] = None
    """JSON Schema of the short form (``- call: Sales``) when the model has one."""
    short_help: ClassVar[str] = ""
    """What the short form is, for error messages (``a service name``)."""

    @classmethod
    def _short(cls, value: Any) -> Any:
        """Turn the short form into the mapping form (unchanged when there is none)."""
        return value

    @model_validator(mode="before")
    @classmethod
    def _expand_short_form(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return data
        return cls._short(data)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        schema = handler(core_schema)
        if cls.short_schema is None:
            return schema
        short = dict(cls.short_schema)
        if short.get("type") == "string":  # ``_text_short``: a number is text, as in fields
            short["type"] = ["string", "number"]
        return {"anyOf": [short, handler.resolve_ref_schema(schema)]}


def _text_short(field: str):
    """A ``_short`` that turns a plain value into ``{field: value}``."""

    def short(cls: type[_Spec], value: Any) -> Any:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {field: value}
        return value

    return classmethod(short)


# ---------------------------------------------------------------------- durations

# ASCII digits only: ``Decimal()`` and ``\d`` also read other scripts' digits (``wait: ٣s`` was
# 3 seconds) and ``Decimal()`` underscores (``1_0``), as no other reader of the file would.
# Spaces may stand between a number and its unit and between parts (``4 s``, ``1m 30s``), never
# inside a number: ``1 0s`` was 10 s and ``3 0`` 30 s, the spaces dropped. Units are lower case,
# as the published JSON Schema has them: ``10Ms`` was 10 ms (megaseconds?), ``1M`` a minute
# (a month?).
_DURATION = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?|\.[0-9]+)\s*(ms|h|m|s)\s*", re.ASCII)
# Its spaces are ASCII's (``\s`` of ``re.ASCII``), as the schema's pattern spells them out: a
# no-break space (U+00A0, pasted from a document) is refused by both, saying which it is.
_SPACES = " \t\n\r\f\v"
_SECONDS = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?", re.ASCII)
_UNIT_MS = {"ms": Decimal(1), "s": Decimal(1000), "m": Decimal(60_000), "h": Decimal(3_600_000)}


def parse_duration_ms(value: Any) -> int:
    """Milliseconds of a duration: seconds as a number, or text like ``30s``, ``1m30s``,
    ``250ms``, ``1.5s``, ``2h``. Raises ``ValueError`` saying what is accepted."""
    if isinstance(value, bool):
        raise ValueError("a duration is a number of seconds or text like 30s, 2m, 1m30s, 250ms")
    if isinstance(value, int | float):
        try:
            ms = Decimal(str(value)) * 1000
        except InvalidOperation:
            raise ValueError("a duration must be a finite number of seconds") from None
    elif isinstance(value, str):
        text = value.strip(_SPACES)
        if not text:
            raise ValueError("a duration cannot be empty: write 30s, 2m, 1m30s or 250ms")
        plain = _SECONDS.fullmatch(text)
        if plain and text.startswith("-"):  # ``"-0"`` was 0; the schema has no sign but +
            raise ValueError("a duration must be zero or more")
        # Seconds as text (``wait: "30"``, or ``1e3``, text to YAML 1.1) are read as the
        # number: the schema's pattern takes them too.
        ms = Decimal(text) * 1000 if plain else _text_duration_ms(value, text)
    else:
        raise ValueError("a duration is a number of seconds or text like 30s, 2m, 1m30s, 250ms")
    if not ms.is_finite():
        raise ValueError("a duration must be a finite number")
    if ms < 0:
        raise ValueError("a duration must be zero or more")
    if ms > 366 * 86_400_000:
        raise ValueError("a duration must be at most a year")
    return whole_ms(ms, value)


def whole_ms(ms: Decimal, written: Any) -> int:
    """``ms`` as an ``int``, or a ``ValueError`` when it is a fraction of a millisecond: the
    virtual clock counts whole milliseconds, and ``wait: 0.0004`` waited 0 ms, silently."""
    whole = ms.to_integral_value()
    if ms != whole:
        low = int(ms)  # ms >= 0: towards zero is down
        raise ValueError(
            f"{written!r} is {ms.normalize():f} ms, and the virtual clock counts whole "
            f"milliseconds: write {low}ms or {low + 1}ms"
        )
    return int(whole)


def _text_duration_ms(value: str, text: str) -> Decimal:
    """Milliseconds of a duration with units (``1m30s``); each unit at most once."""
    parts = list(_DURATION.finditer(text))
    if not parts or "".join(p.group(0) for p in parts) != text:
        digits = any(char.isdigit() and not char.isascii() for char in text)
        hint = " in ASCII digits" if digits else ""
        joined = "".join(text.split())
        odd = next((c for c in text if (c.isspace() or c == "\ufeff") and c not in _SPACES), "")
        if odd:
            name = unicodedata.name(odd, "a space").lower()
            hint = f" (U+{ord(odd):04X}, {name}, is not a space here: write a plain space)"
        elif joined != text and _reads(joined):
            hint = f" (no space inside a number: {joined}?)"
        elif text != text.lower() and _reads(text.lower()):
            hint = f" (units are ms, s, m and h, in lower case: {text.lower()}?)"
        raise ValueError(f"{value!r} is not a duration: write 30s, 2m, 1m30s, 1.5s or 250ms{hint}")
    units = [p.group(2) for p in parts]
    twice = next((unit for unit in units if units.count(unit) > 1), None)
    if twice is not None:  # ``1h1h`` was 2 hours: a typo of 1h1m, or of 1h?
        raise ValueError(
            f"{value!r} is not a duration: it gives {twice} twice; write each unit once (1m30s)"
        )
    return sum((Decimal(p.group(1)) * _UNIT_MS[p.group(2)] for p in parts), Decimal())


def _reads(text: str) -> bool:
    """Whether ``text`` is a duration (for the hints: ``1 0s`` is 10s? ``30S`` is 30s?)."""
    if _SECONDS.fullmatch(text):
        return True
    parts = list(_DURATION.finditer(text))
    units = [p.group(2) for p in parts]
    whole = bool(parts) and "".join(p.group(0) for p in parts) == text
    return whole and len(set(units)) == len(units)


_SPACE = r"[ \t\n\r\f\v]"
_ANY = r"[\w\W]*"  # any text: ``.`` stops at a line break, which a duration's spaces may be
# Each unit at most once (``30s30s`` is refused by ``_text_duration_ms``): h; m not before s;
# s not after m; ms. A lookahead each, in the dialect's (ECMA-262's) and Python's syntax alike.
_EACH_UNIT_ONCE = (
    rf"(?!{_ANY}h{_ANY}h)(?!{_ANY}m(?!s){_ANY}m(?!s))"
    rf"(?!{_ANY}[^m]s{_ANY}[^m]s)(?!{_ANY}ms{_ANY}ms)"
)
_DURATION_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "description": "seconds"},
        {
            "type": "string",
            # What ``parse_duration_ms`` reads: parts with units, or seconds as text. Spaces
            # and digits are ASCII's, spelt out: ECMA-262's ``\s`` (the schema's dialect) is
            # also U+00A0 and the other Unicode spaces, which adsim refuses.
            "pattern": (
                rf"^{_EACH_UNIT_ONCE}{_SPACE}*(\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?"
                rf"|(([0-9]+(\.[0-9]+)?|\.[0-9]+){_SPACE}*(ms|h|m|s){_SPACE}*)+){_SPACE}*$"
            ),
            "description": "30s, 2m, 1m30s, 1.5s, 250ms, or seconds: 30",
        },
    ]
}
