"""Load mode: one scenario replayed many times against the loaded handlers and webhook.

Each repeat is a fresh simulator whose seed is the scenario's seed plus the repeat's number (new
customers and ids each time, and still reproducible). ``rate`` paces the runs in **interactions
per wall-clock second**: the handlers and the webhook are real, so that is the load they feel;
the simulated clock inside each run still moves as fast as the machine allows. Without a rate
the runs go back to back.

The summary's interactions/s is the pace the runs started at, the one ``rate`` sets: the
interactions of every run but the last over the wall time from the first run's start to the
last run's start (N runs have N - 1 intervals between their starts; the last run's own length is
none of them). Counted over the whole series' time instead, ``--rate 5`` printed 5.2.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator import interrupts
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

__all__ = ["Latencies", "LoadReport", "percentile", "run_load"]


def percentile(values: list[float], p: float) -> float | None:
    """The ``p``-th percentile (nearest rank) of ``values``; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Latencies:
    """Handler call durations, counted at the resolution the summary prints (0.1 ms): each
    percentile is the one the values themselves give, to that resolution, in memory that grows
    with the distinct values (at most the handler timeout's tenths of a millisecond), not with
    the calls (a float kept per call: 15 calls a repeat, a million repeats, ~480 MB)."""

    counts: dict[float, int] = field(default_factory=dict)
    """Calls by duration (ms, rounded as ``f"{ms:.1f}"`` rounds: ``round(ms, 1)``)."""
    total: int = 0

    @classmethod
    def of(cls, values: list[float]) -> Latencies:
        """The counts of ``values``."""
        latencies = cls()
        for value in values:
            latencies.add(value)
        return latencies

    def add(self, ms: float) -> None:
        """Count one call of ``ms`` milliseconds."""
        key = round(ms, 1)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.total += 1

    def __len__(self) -> int:
        return self.total

    def percentile(self, p: float) -> float | None:
        """The ``p``-th percentile (nearest rank), as ``percentile`` gives it of the values
        (rounded to 0.1 ms); None when there are none."""
        if not self.total:
            return None
        rank = max(1, math.ceil(p / 100 * self.total))
        seen = 0
        for value in sorted(self.counts):
            seen += self.counts[value]
            if seen >= rank:
                return value
        return None  # not reached: the counts add up to ``total``

    def max(self) -> float | None:
        """The longest call (rounded to 0.1 ms); None when there are none."""
        return max(self.counts) if self.counts else None


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
    latencies_ms: Latencies = field(default_factory=Latencies)
    """Every handler call's duration, in ms (counted: ``Latencies``)."""
    handler_errors: int = 0
    """Failed handler calls, the allowed ones too (``errors_allowed``)."""
    errors_allowed: bool = False
    """The scenario's ``allow_handler_errors: true``: its failed calls fail no run."""
    errors: list[str] = field(default_factory=list)
    """The first problems, for the summary."""
    errors_left_out: int = 0
    """The problems after those (the summary counts them)."""
    stopped: str | None = None
    """Why the runs stopped early: a step the engine refused (exit code 2), handlers that kept
    acting on their own events (``handlers_looped``) or a journal that could not be written
    (``journal_failed``), both exit code 1 as for one run."""
    stopped_run: int | None = None
    """The run (1, 2 ...) that ``stopped`` stopped in, which the summary names."""
    handlers_looped: bool = False
    journal_failed: bool = False
    idle_handlers: tuple[str, ...] = ()
    """The events the loaded handlers take, when no run called any (``ScenarioResult``)."""
    unsubscribed: tuple[str, ...] = ()
    """The plugins loaded that subscribed to no event (``ScenarioResult``)."""
    unsubscribed_node: tuple[str, ...] = ()
    """Which of them are Node modules (``ScenarioResult``)."""
    rate: float | None = None
    """``--rate``: interactions per wall-clock second (a series with none is not paced)."""
    paced_interactions: int = 0
    """The interactions of the runs before the last one started: those the pace counts."""
    paced_seconds: float = 0.0
    """Wall seconds from the first run's start to the last run's start."""

    @property
    def paced(self) -> bool:
        """Whether the series has a pace to say: two runs started, interactions before the last."""
        return self.paced_interactions > 0 and self.paced_seconds > 0

    @property
    def interactions_per_second(self) -> float:
        """The pace the runs started at, in interactions per wall-clock second (the module
        docstring): what ``rate`` asks for; 0.0 when there is none (``paced``)."""
        return self.paced_interactions / self.paced_seconds if self.paced else 0.0

    @property
    def exit_code(self) -> int:
        """0 all runs passed, 1 some failed, 2 the scenario cannot run."""
        if self.stopped is not None:
            return EXIT_FAILED if self.handlers_looped or self.journal_failed else EXIT_BAD_INPUT
        failed_calls = self.handler_errors and not self.errors_allowed
        return EXIT_FAILED if self.failed_runs or failed_calls else EXIT_OK


_KEPT_ERRORS = 10


def _keep(report: LoadReport, problem: str) -> None:
    """One more problem for the summary: kept among the first, else counted."""
    if len(report.errors) < _KEPT_ERRORS:
        report.errors.append(problem)
    else:
        report.errors_left_out += 1


def _failure_line(outcome: Any, *, allowed: bool = False) -> str:
    """A failed handler call, as the run's summary says it: which plugin's handler, on which
    event, and what happened (a crash's error begins with its status: said once); ``allowed``:
    the scenario allows it, as one run's summary marks it."""
    status = f"{outcome.status} (allowed)" if allowed else outcome.status
    text = f"handler {outcome.plugin}:{outcome.handler} on {outcome.event_name}: {status}"
    error = (outcome.error or "").removeprefix(f"{outcome.status}: ")
    return f"{text}: {error}" if error else text


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
    report: LoadReport | None = None,
) -> LoadReport:
    """Run ``source`` ``repeat`` times (paced at ``rate`` interactions per wall second);
    ``on_result(index, result)`` sees each run (progress, ``--events-out``); ``report``: the
    one to fill, for a caller that shows it as the runs go (its pace in a progress bar)."""
    base = source.scenario.seed if seed is None else seed
    if report is None:
        report = LoadReport(source.name, rate=rate)
    # The series' clock starts at its first run's first step: the plugins' loading (their
    # processes, imports and register(), in the first run's set-up) is neither part of the pace
    # (the runs after it went back to back to catch up) nor of the interactions per second.
    began: float | None = None
    behind = 0.0
    """How far the pace was put back by runs later than their slot (a slow run, a handler at
    its timeout): the next runs keep the rate from there, not a burst to catch up."""

    def first_step() -> bool:  # asked before each step of the first run: never stops it
        nonlocal began
        if began is None:
            began = clock()
        return False

    for index in range(repeat):
        interrupts.check()  # a stop Python dropped (a signal in a finalizer) ends it here
        if rate is not None and rate > 0 and report.interactions and began is not None:
            due = began + behind + report.interactions / rate
            now = clock()
            if due > now:
                sleep(due - now)
            else:
                behind += now - due
        set_up = clock()
        if began is not None:  # this run's start is the pace's end so far
            report.paced_interactions = report.interactions
            report.paced_seconds = set_up - began
        runner = ScenarioRunner(
            source, seed=base + index, host_factory=host_factory, close_host=close_host
        )
        if began is None:
            runner.should_stop = first_step
        result = runner.run()
        if began is None:  # a run that ended before its first step
            began = set_up
        report.runs += 1
        report.interactions += result.interactions
        report.events += len(result.events)
        report.simulated_ms += result.simulated_ms
        for outcome in result.outcomes:
            report.latencies_ms.add(outcome.duration_ms)
        report.idle_handlers = report.idle_handlers or result.idle_handlers
        if not report.unsubscribed:
            report.unsubscribed = result.unsubscribed
            report.unsubscribed_node = result.unsubscribed_node
        # Counted when allowed too (and said so): "0 handler errors" contradicted adsim's own
        # "1 of 50 calls failed" and the journal.
        report.handler_errors += len(result.handler_failures)
        report.errors_allowed = result.allow_handler_errors
        if on_result is not None:
            on_result(index, result)
        if result.error is not None:
            report.stopped = str(result.error)
            report.stopped_run = index + 1
            report.handlers_looped = result.handlers_looped
            report.journal_failed = result.journal_failed
            report.failed_runs += 1
            break
        if result.exit_code != EXIT_OK:
            report.failed_runs += 1
            for failure in result.failures:
                _keep(report, f"run {index + 1} (seed {base + index}): {failure}")
        for outcome in result.handler_failures:
            line = _failure_line(outcome, allowed=result.allow_handler_errors)
            _keep(report, f"run {index + 1}: {line}")
    report.wall_seconds = clock() - began if began is not None else 0.0
    return report
