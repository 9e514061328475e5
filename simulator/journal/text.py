"""Text the journal stores: JSON made the same in every process, and strings SQLite and a UTF-8
file can hold (a lone surrogate kept as its escape)."""

from __future__ import annotations

from typing import Any, overload

from simulator import stable_text

__all__ = ["dumps", "utf8_text"]


def dumps(value: Any) -> str:
    """``value`` as JSON; what JSON cannot hold (a set a handler returned ...) as its repr text,
    made the same in every process (sorted sets, no addresses): same seed, same bytes."""
    return stable_text.dumps(value)


@overload
def utf8_text(value: str) -> str: ...
@overload
def utf8_text(value: None) -> None: ...
def utf8_text(value: str | None) -> str | None:
    """Text SQLite can store, and a UTF-8 file or pipe can take: a lone surrogate (which UTF-8
    cannot hold) becomes its escape ``\\udXXX``; inside JSON that escape is exact
    (``json.loads`` gives the surrogate back)."""
    if value is None or value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value
