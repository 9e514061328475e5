"""The payload fields that are moments in epoch milliseconds, and the numbers expected of them
that cannot be one.

``startTime`` and ``endTime`` are ``Date.now()`` values (epoch ms), ``duration`` is whole
seconds; ``ON_SERVER_ERROR``'s ``timestamp`` and ``ON_VOICE_TRANSCRIPT_MESSAGE``'s ``time``
are epoch ms too. ``startTime: {at_least: 30}``
(seconds meant, or a duration) was true of every call, silently: no moment of a run comes
before the simulated clock starts, so a positive number below that start checks nothing
(``at_least``, ``greater_than``, ``not``) or never matches (``at_most``, ``less_than``, a
literal, ``one_of``). The numbers are read in a payload matcher and where a ``satisfies``
formula compares the field with a number (``startTime >= 30``). Zero and negative numbers are
left alone (``greater_than: 0`` reads as "set"), and so are numbers from 1973 on (``at_least:
1700000000000``, "after 2023", is a moment, though before the clock's start).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulator.scenarios.formula import Formula

__all__ = [
    "EPOCH_MS_FIELDS",
    "PLAUSIBLE_EPOCH_MS",
    "epoch_fields",
    "epoch_mistakes",
    "formula_epoch_mistakes",
]

EPOCH_MS_FIELDS = frozenset({"startTime", "endTime"})
"""The ``InteractionData`` keys that hold epoch milliseconds."""

_INTERACTION_EVENTS = frozenset(
    {
        "ON_NEW_INTERACTION",
        "ON_INTERACTION_STATE_CHANGE",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
    }
)
_SERVER_ERROR_FIELDS = frozenset({"timestamp"})
"""``ServerErrorData.timestamp``: ``Date.now()`` when the error happened."""
_TRANSCRIPT_FIELDS = frozenset({"time"})
"""``ON_VOICE_TRANSCRIPT_MESSAGE``'s ``time`` (2026): when the line was heard, epoch ms."""


def epoch_fields(event: str) -> frozenset[str]:
    """The payload keys of ``event``'s first argument that hold epoch milliseconds."""
    if event in _INTERACTION_EVENTS:
        return EPOCH_MS_FIELDS
    if event == "ON_SERVER_ERROR":
        return _SERVER_ERROR_FIELDS
    if event == "ON_VOICE_TRANSCRIPT_MESSAGE":
        return _TRANSCRIPT_FIELDS
    return frozenset()


PLAUSIBLE_EPOCH_MS = 100_000_000_000
"""1973-03-03 in epoch ms: below it a number is far more likely seconds or a duration (epoch
seconds now are ~1.8e9, a day in ms 8.64e7) than a moment anyone means."""

_EPOCH_SECONDS = 100_000_000
"""1973-03-03 in epoch seconds: a number from there on is a moment in seconds, not a duration."""

_BOUNDS = ("equals", "at_least", "at_most", "greater_than", "less_than")


def _numbers(expected: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], float]]:
    """Every number ``expected`` compares a moment with, and where it is written: a literal,
    ``equals``, the bounds, inside ``not`` and ``one_of``."""
    if isinstance(expected, bool):
        return []
    if isinstance(expected, int | float):
        return [(path, expected)]
    found: list[tuple[tuple[Any, ...], float]] = []
    if isinstance(expected, Mapping):
        for key, value in expected.items():
            if key in _BOUNDS or key == "not":
                found += _numbers(value, (*path, key))
            elif key == "one_of" and isinstance(value, list):
                for index, item in enumerate(value):
                    found += _numbers(item, (*path, key, index))
    return found


def _when(ms: float) -> str:
    try:
        moment = datetime.fromtimestamp(ms / 1000, UTC)
    except (OverflowError, OSError, ValueError):
        return f"{ms} ms"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _advice(key: str, number: float, clock_start_ms: int | None, duration_form: str | None) -> str:
    """Why ``number`` is no moment of a run for ``key``, and what to write instead."""
    shown = f"{number:g}" if isinstance(number, float) else str(number)
    message = f"`{key}` is a moment in epoch milliseconds, and {shown} is {_when(number)}"
    if clock_start_ms is not None:
        start = f"{_when(clock_start_ms)}, {clock_start_ms}"
        message += f", before the simulated clock starts ({start})"
    every = "every call" if key in EPOCH_MS_FIELDS else "every event"
    message += f": the check is decided before any run (true of {every}, or of none). "
    if number >= _EPOCH_SECONDS:
        return message + f"Epoch seconds meant? In milliseconds: {round(number * 1000)}"
    if key in EPOCH_MS_FIELDS and duration_form is not None:
        message += f"Seconds meant? For how long, use duration (whole seconds): {duration_form}"
        if clock_start_ms is not None:
            message += (
                f"; for a moment, {shown} s after the clock's start is "
                f"{clock_start_ms + round(number * 1000)}"
            )
        return message
    if clock_start_ms is not None:
        return message + (
            f"Seconds meant? {shown} s after the clock's start is "
            f"{clock_start_ms + round(number * 1000)}"
        )
    return message + "A moment is in milliseconds since 1970"


def _is_early(number: float, clock_start_ms: int | None) -> bool:
    limit = PLAUSIBLE_EPOCH_MS
    if clock_start_ms is not None:
        limit = min(limit, clock_start_ms)
    return 0 < number < limit


def epoch_mistakes(
    key: str,
    expected: Any,
    clock_start_ms: int | None = None,
    fields: frozenset[str] = EPOCH_MS_FIELDS,
) -> list[tuple[tuple[Any, ...], str]]:
    """The numbers in ``expected`` (for the payload key ``key``, when one of ``fields``) that
    are no moment of a run, each with its path inside ``expected`` and what to write instead. A
    number counts when it is above 0 and below both ``PLAUSIBLE_EPOCH_MS`` and
    ``clock_start_ms`` (where the run's clock starts, when known: a scenario that starts it at 0
    may expect small moments)."""
    if key not in fields:
        return []
    found = []
    for path, number in _numbers(expected):
        if not _is_early(number, clock_start_ms):
            continue
        shown = f"{number:g}" if isinstance(number, float) else str(number)
        op = next((part for part in reversed(path) if part in _BOUNDS), None)
        duration_form = "duration: " + (f"{{{op}: {shown}}}" if op else shown)
        found.append((path, _advice(key, number, clock_start_ms, duration_form)))
    return found


def formula_epoch_mistakes(
    formula: Formula, fields: frozenset[str], clock_start_ms: int | None = None
) -> list[tuple[int, str]]:
    """The numbers a ``satisfies`` formula compares one of ``fields`` with directly
    (``startTime >= 30``) that are no moment of a run, each with its character offset in the
    text as written and what to write instead."""
    found = []
    for comparison in formula.comparisons():
        number, divisor = comparison.number, comparison.divisor
        if comparison.field not in fields or not _is_early(number * divisor, clock_start_ms):
            continue
        shown = f"{number:g}" if isinstance(number, float) else str(number)
        sides = ("duration", shown) if comparison.field_first else (shown, "duration")
        duration_form = f"{sides[0]} {comparison.op} {sides[1]}"
        if divisor == 1:
            message = _advice(comparison.field, number, clock_start_ms, duration_form)
        else:  # ``floor(startTime / 1000) >= 30``: the moment in seconds, 30 s after 1970
            message = _scaled_advice(comparison, shown, clock_start_ms, duration_form)
        found.append((comparison.number_offset, message))
    return found


def _scaled_advice(
    comparison: Any, shown: str, clock_start_ms: int | None, duration_form: str
) -> str:
    """Why a number compared with a moment divided (``floor(startTime / 1000) >= 30``) is no
    moment of a run either: in milliseconds it is before the clock starts and 1973."""
    ms = comparison.number * comparison.divisor
    unit = (
        "epoch seconds" if comparison.divisor == 1000 else f"ms since 1970 / {comparison.divisor:g}"
    )
    message = f"`{comparison.written}` is a moment in {unit}, and {shown} is {_when(ms)}"
    if clock_start_ms is not None:
        message += f", before the simulated clock starts ({_when(clock_start_ms)})"
    every = "every call" if comparison.field in EPOCH_MS_FIELDS else "every event"
    message += f": the check is decided before any run (true of {every}, or of none). "
    if comparison.field in EPOCH_MS_FIELDS and comparison.divisor == 1000:
        return message + f"For how long, use duration (whole seconds): {duration_form}"
    return message + "A moment is in milliseconds since 1970"
