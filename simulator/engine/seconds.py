"""The seconds ``advance(seconds)`` takes: a finite number, 0 or more.

A test writing ``advance("2m")`` (a scenario's ``wait: 2m``) got ``TypeError: type str doesn't
define __round__ method`` from the engine's insides, and ``advance(-5)`` a clock's complaint;
both are said in one sentence naming the call and what to write.
"""

from __future__ import annotations

import math
import re

__all__ = ["check_seconds"]

_DURATION = re.compile(r"\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+(?:\.\d+)?)\s*s)?\s*")


def check_seconds(seconds: object) -> None:
    """Raise ``TypeError`` or ``ValueError`` naming ``advance(seconds)`` unless ``seconds`` is
    a finite number from 0."""
    __tracebackhide__ = True  # pytest: the test's line, then the sentence
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"advance({seconds!r}): seconds as a number ({_example(seconds)})")
    if not math.isfinite(seconds):
        raise ValueError(f"advance({seconds!r}): a finite number of seconds")
    if seconds < 0:
        raise ValueError(
            f"advance({seconds!r}): the virtual clock does not go back; a number of seconds from 0"
        )


def _example(seconds: object) -> str:
    """``advance(120) for 2m`` when ``seconds`` is a duration written as a scenario's ``wait``."""
    if isinstance(seconds, str) and seconds.strip():
        found = _DURATION.fullmatch(seconds)
        if found is not None and any(found.groups()):
            hours, minutes, secs = (float(part or 0) for part in found.groups())
            total = hours * 3600 + minutes * 60 + secs
            number = int(total) if total == int(total) else total
            return f"advance({number}) for {seconds.strip()}"
    return "advance(130) for 2m10s"
