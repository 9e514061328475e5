"""Load mode: one scenario replayed many times against the loaded handlers and webhook.

Each repeat is a fresh simulator whose seed is the scenario's seed plus the repeat's number (new
customers and ids each time, and still reproducible). ``rate`` paces the runs in **interactions
per wall-clock second**: the handlers and the webhook are real, so that is the load they feel;
the simulated clock inside each run still moves as fast as the machine allows. Without a rate
the runs go back to back.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.engine import Simulator
from simulator.scenarios.loader import ScenarioFile
from simulator.scenarios.runner import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    HandlerHostLike,
    ScenarioResult,
    ScenarioRunner,
)

__all__ = ["LoadReport", "percentile", "run_load"]


def percentile(values: list[float], p: float) -> float | None:
    """The ``p``-th percentile (nearest rank) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class LoadReport:
    """What a load run did."""

    name: str
    runs: int = 0
    failed_runs: int = 0
    interactions: int = 0
    events: int = 0
    simulated_ms: int = 0
    wall_seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    """Every handler's duration, in ms."""
    handler_errors: int = 0
    errors: list[str] = field(default_factory=list)
    """The first problems, for the summary."""
    stopped: str | None = None
    """Why the runs stopped early: a step the engine refused (exit code 2), handlers that kept
    acting on their own events (``handlers_looped``) or a journal that could not be written
    (``journal_failed``), both exit code 1 as for one run."""
    handlers_looped: bool = False
    journal_failed: bool = False

    @property
    def interactions_per_second(self) -> float:
        """Interactions per wall-clock second."""
        return self.interactions / self.wall_seconds if self.wall_seconds > 0 else 0.0

    @property
    def exit_code(self) -> int:
        """0 all runs passed, 1 some failed, 2 the scenario cannot run."""
        if self.stopped is not None:
            return EXIT_FAILED if self.handlers_looped or self.journal_failed else EXIT_BAD_INPUT
        return EXIT_FAILED if self.failed_runs or self.handler_errors else EXIT_OK


_KEPT_ERRORS = 10


def run_load(
    source: ScenarioFile,
    *,
    repeat: int,
    rate: float | None = None,
    seed: int | None = None,
    host_factory: Callable[[Simulator], HandlerHostLike] | None = None,
    on_result: Callable[[int, ScenarioResult], Any] | None = None,
    close_host: Callable[[HandlerHostLike], Any] | None = None,
    sleep: Callable[[float], Any] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> LoadReport:
    """Run ``source`` ``repeat`` times (paced at ``rate`` interactions per wall second);
    ``on_result(index, result)`` sees each run (progress, ``--events-out``)."""
    base = source.scenario.seed if seed is None else seed
    report = LoadReport(source.name)
    started = clock()
    for index in range(repeat):
        if rate is not None and rate > 0 and report.interactions:
            due = started + report.interactions / rate
            now = clock()
            if due > now:
                sleep(due - now)
        runner = ScenarioRunner(
            source, seed=base + index, host_factory=host_factory, close_host=close_host
        )
        result = runner.run()
        report.runs += 1
        report.interactions += result.interactions
        report.events += len(result.events)
        report.simulated_ms += result.simulated_ms
        report.latencies_ms += [float(o.duration_ms) for o in result.outcomes]
        if not result.allow_handler_errors:
            report.handler_errors += len(result.handler_failures)
        if on_result is not None:
            on_result(index, result)
        if result.error is not None:
            report.stopped = str(result.error)
            report.handlers_looped = result.handlers_looped
            report.journal_failed = result.journal_failed
            report.failed_runs += 1
            break
        if result.exit_code != EXIT_OK:
            report.failed_runs += 1
            for failure in result.failures:
                if len(report.errors) < _KEPT_ERRORS:
                    report.errors.append(f"run {index + 1} (seed {base + index}): {failure}")
            for outcome in result.handler_failures:
                if len(report.errors) < _KEPT_ERRORS and not result.allow_handler_errors:
                    report.errors.append(
                        f"run {index + 1}: handler {outcome.handler} on {outcome.event_name}: "
                        f"{outcome.status} {outcome.error or ''}".rstrip()
                    )
    report.wall_seconds = clock() - started
    return report
