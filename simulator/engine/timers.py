"""Timers on the simulation clock: ring timeouts, remote answers, after-call-work limits."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Timer", "TimerQueue"]


@dataclass(order=True, slots=True)
class Timer:
    """One scheduled callback; ``cancel()`` stops it from firing."""

    due_ms: int
    seq: int
    callback: Callable[[], None] = field(compare=False)
    label: str = field(compare=False, default="")
    cancelled: bool = field(compare=False, default=False)

    def cancel(self) -> None:
        """Do not fire."""
        self.cancelled = True


class TimerQueue:
    """Timers ordered by due time, then by scheduling order (so runs are reproducible)."""

    def __init__(self) -> None:
        self._heap: list[Timer] = []
        self._seq = itertools.count()

    def schedule(self, due_ms: int, callback: Callable[[], None], label: str = "") -> Timer:
        """Fire ``callback`` once the clock reaches ``due_ms``."""
        timer = Timer(due_ms, next(self._seq), callback, label)
        heapq.heappush(self._heap, timer)
        return timer

    def next_due(self) -> int | None:
        """When the next live timer fires, or None."""
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].due_ms if self._heap else None

    def pop_due(self, now_ms: int) -> Timer | None:
        """The next live timer due at or before ``now_ms``, removed from the queue."""
        due = self.next_due()
        if due is None or due > now_ms:
            return None
        return heapq.heappop(self._heap)

    def pending(self) -> list[Timer]:
        """Live timers in firing order."""
        return sorted(timer for timer in self._heap if not timer.cancelled)
