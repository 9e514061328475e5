"""Measuring a rate against a baseline taken in the same run (shared, noisy machines)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Measurement", "best_rate", "best_seconds"]


def best_seconds(work: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs of ``work``, in seconds (least disturbed by neighbours)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def best_rate(work: Callable[[int], object], n: int, repeat: int = 5) -> float:
    """Operations per second of ``work(n)``, best of ``repeat``."""
    return n / best_seconds(lambda: work(n), repeat)


@dataclass(frozen=True)
class Measurement:
    """One figure, its baseline from the same run, and the target it is held to."""

    name: str
    value: float
    unit: str
    baseline_name: str
    baseline: float
    target: str

    def line(self) -> str:
        """One printed line: value, baseline, ratio, target."""
        ratio = self.value / self.baseline if self.baseline else float("nan")
        return (
            f"{self.name:<58} {self.value:>14,.1f} {self.unit:<16}"
            f" | {self.baseline_name}: {self.baseline:,.1f} (ratio {ratio:.3f})"
            f" | target {self.target}"
        )
