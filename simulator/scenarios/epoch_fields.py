"""The payload fields that are moments in epoch milliseconds, and the numbers expected of them
that cannot be one.

``startTime`` and ``endTime`` are ``Date.now()`` values (epoch ms), ``duration`` is whole
seconds. ``startTime: {at_least: 30}`` (seconds meant, or a duration) was true of every call,
silently: no moment of a run comes before the simulated clock starts, so a positive number
below that start checks nothing (``at_least``, ``greater_than``, ``not``) or never matches
(``at_most``, ``less_than``, a literal, ``one_of``). Zero and negative numbers are left alone
(``greater_than: 0`` reads as "set"), and so are numbers from 1973 on (``at_least:
1700000000000``, "after 2023", is a moment, though before the clock's start).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

__all__ = ["EPOCH_MS_FIELDS", "PLAUSIBLE_EPOCH_MS", "epoch_mistakes"]

EPOCH_MS_FIELDS = frozenset({"startTime", "endTime"})
"""The ``InteractionData`` keys that hold epoch milliseconds."""

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


def epoch_mistakes(
    key: str, expected: Any, clock_start_ms: int | None = None
) -> list[tuple[tuple[Any, ...], str]]:
    """The numbers in ``expected`` (for the payload key ``key``) that are no moment of a run,
    each with its path inside ``expected`` and what to write instead. A number counts when it
    is above 0 and below both ``PLAUSIBLE_EPOCH_MS`` and ``clock_start_ms`` (where the run's
    clock starts, when known: a scenario that starts it at 0 may expect small moments)."""
    if key not in EPOCH_MS_FIELDS:
        return []
    limit = PLAUSIBLE_EPOCH_MS
    if clock_start_ms is not None:
        limit = min(limit, clock_start_ms)
    found = []
    for path, number in _numbers(expected):
        if not 0 < number < limit:
            continue
        shown = f"{number:g}" if isinstance(number, float) else str(number)
        op = next((part for part in reversed(path) if part in _BOUNDS), None)
        message = f"`{key}` is a moment in epoch milliseconds, and {shown} is {_when(number)}"
        if clock_start_ms is not None:
            message += (
                f", before the simulated clock starts ({_when(clock_start_ms)}, {clock_start_ms})"
            )
        message += ": the check is decided before any run (true of every call, or of none). "
        if number >= _EPOCH_SECONDS:
            message += f"Epoch seconds meant? In milliseconds: {round(number * 1000)}"
        else:
            message += "Seconds meant? For how long, use duration (whole seconds): duration: " + (
                f"{{{op}: {shown}}}" if op else shown
            )
            if clock_start_ms is not None:
                message += (
                    f"; for a moment, {shown} s after the clock's start is "
                    f"{clock_start_ms + round(number * 1000)}"
                )
        found.append((path, message))
    return found
