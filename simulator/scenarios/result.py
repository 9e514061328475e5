"""What one run of a scenario did (``ScenarioResult``), where it went wrong (``Failure``), and
the exit codes: 0 passed; 1 an expectation or a handler failed; 2 the scenario cannot run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simulator.engine import Event

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "Failure",
    "ScenarioResult",
    "StepRefusedError",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


@dataclass(frozen=True, slots=True)
class Failure:
    """Something that went wrong at a place in the file."""

    where: str
    """``file:line:column``."""
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ScenarioResult:
    """What one run of a scenario did and whether it passed."""

    name: str
    path: str
    seed: int
    events: list[Event] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    """Expectations not met (exit code 1)."""
    error: Failure | None = None
    """The step the engine refused (exit code 2), or where handlers looped (``handlers_looped``,
    exit code 1); the run stopped there."""
    handlers_looped: bool = False
    """``error`` is handlers acting on their own events for ever: the integration's bug."""
    journal_failed: bool = False
    """``error`` is the journal refusing a step's events (they were not delivered)."""
    handler_failures: list[Any] = field(default_factory=list)
    """Handler outcomes whose status is not ``ok`` (exit code 1 unless allowed)."""
    subscriber_errors: list[str] = field(default_factory=list)
    incidents: list[str] = field(default_factory=list)
    """Plugin failures outside any handler call, one line each (a plugin's ``close()`` that
    raised at the run's end, its process that died between calls): exit code 1, allowed or
    not, as ``adsim run``'s "plugin problem(s)". Filled by the pytest harness's runs
    (``adsim_scenario``); ``adsim run`` says them from its hosts."""
    outcomes: list[Any] = field(default_factory=list)
    """Every handler outcome, in order (latencies for load mode)."""
    allow_handler_errors: bool = False
    idle_handlers: tuple[str, ...] = ()
    """The events the loaded handlers take, when none of them was called (the summary says so:
    a run whose handlers never ran passed without testing them); empty otherwise."""
    unsubscribed: tuple[str, ...] = ()
    """The plugins loaded that subscribed to no event (their ``register()`` called
    ``ad_api.on()`` for none): said, as adsim never called them."""
    unsubscribed_node: tuple[str, ...] = ()
    """Which of ``unsubscribed`` are Node modules (whose ``register`` calls ``adApi.on()``)."""
    interactions: int = 0
    expectations: int = 0
    """How many expectations were checked."""
    simulated_ms: int = 0
    wall_seconds: float = 0.0
    steps_run: int = 0

    @property
    def exit_code(self) -> int:
        """0 passed, 1 an expectation or a handler failed, 2 the scenario cannot run."""
        if self.error is not None:
            stopped = self.handlers_looped or self.journal_failed
            return EXIT_FAILED if stopped else EXIT_BAD_INPUT
        if self.failures or self.subscriber_errors or self.incidents:
            return EXIT_FAILED
        if self.handler_failures and not self.allow_handler_errors:
            return EXIT_FAILED
        return EXIT_OK

    @property
    def passed(self) -> bool:
        """True when the exit code is 0."""
        return self.exit_code == EXIT_OK

    def jsonl(self, repeat: int | None = None, scenario: str | None = None) -> str:
        """The events as JSON lines (``Event.to_json``): byte-identical for the same seed;
        ``repeat``: each line's ``"repeat"``, the run of a ``--repeat`` series they are from;
        ``scenario``: each line's ``"scenario"``, the file of the run (several files)."""
        return "".join(event.to_json(repeat, scenario) + "\n" for event in self.events)


class StepRefusedError(Exception):
    """The engine refused a step's action (or the step names nothing that exists)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
