"""What adsim keeps of a plugin's output of hostile size, and the marker that says so.

A handler is the integration's code: it may return a 50 MB string, raise a 50 MB message, answer
an event with 50 MB, or a JS module may send a 50 MB packet. adsim keeps each to a size a journal
row, a summary line and the window can hold: an outcome's result, error and traceback are cut to
these limits with a marker naming what was cut and how long it was (``clipped``: never a silent
cut); an answer over ``ANSWER_LIMIT`` is refused whole (``simulator.handlers.answers``), never
cut; a packet from a page or a JS module over ``ANSWER_LIMIT`` is journaled cut (``kept_packet``).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "ANSWER_LIMIT",
    "ERROR_LIMIT",
    "RESULT_LIMIT",
    "TRACEBACK_LIMIT",
    "clipped",
    "kept_packet",
]

RESULT_LIMIT = 65_536
"""Characters of a handler's result an outcome keeps (its JSON text, or its ``repr``); a longer
one is kept as text: its first characters and a marker saying how long it was (``clipped``)."""
ERROR_LIMIT = 8_192
"""Characters of an outcome's ``error`` (``Type: message``): the line every report prints; its
beginning and its end are kept."""
TRACEBACK_LIMIT = 65_536
"""Characters of an outcome's ``traceback``: its beginning and its end (the message) are kept."""
ANSWER_LIMIT = 1_048_576
"""Characters of JSON an answer (or any result) may have to be used whole: a longer answer is
``junk`` (the widget gets the earlier answer or the default), a longer result crosses from a
plugin's process as its size and its first ``RESULT_LIMIT`` characters only."""


def clipped(text: str, limit: int, what: str, *, tail: bool = False, lines: bool = False) -> str:
    """``text`` itself when it has at most ``limit`` characters; else its first characters
    (with ``tail``, its first and last) and a marker naming ``what`` was cut, how long it was
    and what is kept (with ``lines``, on a line of its own): never a silent cut, and the whole
    at most ``limit`` characters."""
    total = len(text)
    if total <= limit:
        return text
    around = "\n" if lines else " "

    def marker(kept: int) -> str:
        if tail:
            return (
                f"{around}[adsim cut {total - kept:,} characters of this {what} here: {total:,} "
                f"in all, the first {kept - kept // 2:,} and the last {kept // 2:,} kept]{around}"
            )
        return (
            f"{around}[adsim cut this {what} here: {total:,} characters in all, the first "
            f"{kept:,} kept]"
        )

    kept = max(0, limit - len(marker(limit)))
    while kept and kept + len(marker(kept)) > limit:  # fewer kept: more cut, maybe a digit more
        kept -= 1
    note = marker(kept)
    if not tail:
        return text[:kept] + note
    last = kept // 2
    return text[: kept - last] + note + (text[total - last :] if last else "")


def kept_packet(packet: dict[str, Any]) -> dict[str, Any]:
    """A packet from a page or a JS module as it is journaled and shown: itself, or, when its
    ``params`` are over ``ANSWER_LIMIT`` characters of JSON (an answer too big to use, a 50 MB
    console line), a copy whose ``params`` are one text, that JSON cut to ``RESULT_LIMIT``
    (``clipped``); an ``error`` over ``ERROR_LIMIT`` is cut the same way."""
    params = packet.get("params")
    error = packet.get("error")
    kept = packet
    if isinstance(params, list | dict) and params:
        try:
            text = json.dumps(params, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = ""  # not JSON: the journal keeps its repr, as it always did
        if len(text) > ANSWER_LIMIT:
            kept = {**packet, "params": [clipped(text, RESULT_LIMIT, "packet's params")]}
    if isinstance(error, str) and len(error) > ERROR_LIMIT:
        kept = {**kept, "error": clipped(error, ERROR_LIMIT, "error", tail=True)}
    return kept
