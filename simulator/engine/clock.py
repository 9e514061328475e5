"""The clock seam: a virtual clock for headless runs and tests, the wall clock for the window.

The engine asks only ``now_ms()``. A ``VirtualClock`` moves only when told (``Simulator.advance``),
so minutes of simulated time take microseconds and every run is reproducible.
"""

from __future__ import annotations

import time
from typing import Protocol, runtime_checkable

__all__ = ["DEFAULT_START_MS", "Clock", "VirtualClock", "WallClock"]

DEFAULT_START_MS = 1_767_603_600_000
"""2026-01-05T09:00:00Z: where a virtual clock starts unless told otherwise."""


@runtime_checkable
class Clock(Protocol):
    """Tells the time in epoch milliseconds (what ``Date.now()`` returns in the widget)."""

    def now_ms(self) -> int:
        """The current time, epoch milliseconds."""
        ...


class VirtualClock:
    """A clock that stands still until ``set_ms``/``advance_ms`` moves it forward."""

    is_virtual = True

    def __init__(self, start_ms: int = DEFAULT_START_MS):
        self._now = int(start_ms)

    def now_ms(self) -> int:
        """The current virtual time."""
        return self._now

    def advance_ms(self, ms: int) -> None:
        """Move forward by ``ms`` (never back)."""
        if ms < 0:
            raise ValueError(f"a clock cannot go back ({ms} ms)")
        self._now += int(ms)

    def set_ms(self, when_ms: int) -> None:
        """Move forward to ``when_ms``."""
        if when_ms < self._now:
            raise ValueError(f"a clock cannot go back from {self._now} to {when_ms}")
        self._now = int(when_ms)


class WallClock:
    """The real time, for the window."""

    is_virtual = False

    def now_ms(self) -> int:
        """Milliseconds since the epoch, now."""
        return time.time_ns() // 1_000_000
