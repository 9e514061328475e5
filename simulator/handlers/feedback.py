"""Handler feedback loops: handlers that keep acting on the events their own actions cause.

A handler that calls ``ad_api.add_note`` on every ``ON_INTERACTION_STATE_CHANGE`` gets another
``ON_INTERACTION_STATE_CHANGE`` for its note, and answers it with another note, for ever. The
desktop would loop too (it is the integration's bug), but a headless run must end: while
``HandlerHost.settle`` waits, an ``EventBudget`` counts the events the step caused; past its
limit the handlers' ``ad_api`` calls are not run any more (they get ``api_not_answer``, what the
widget answers when it does not answer), the handlers run dry, and ``settle`` raises
``HandlerLoopError`` naming who kept acting.

The count is of events, never of time: the same seed stops at the same event.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from simulator.contract import OperationResult, ResultErrorCode, fail

__all__ = ["MAX_EVENTS_PER_SETTLE", "EventBudget", "HandlerLoopError", "LoopChain"]

MAX_EVENTS_PER_SETTLE = 1_000
"""Events one ``settle`` lets the handlers' actions cause before it stops them.

A legitimate step causes tens of events (a call offered, its handlers setting a disposition and
a few variables). A note-on-every-state-change loop reaches 1,000 in under a second with a 12 MB
journal; 10,000 took 16 s and wrote a 680 MB journal (each note makes every later payload
longer)."""

_SHOWN_CHAINS = 3


@dataclass(frozen=True, slots=True)
class LoopChain:
    """One link of a loop: a handler, on an event, calling an ``ad_api`` method, how often."""

    event: str
    """The event the handler was handling (``?`` when no handler of the plugin was running)."""
    plugin: str
    handler: str
    method: str
    """The ``ad_api`` method (``add_note``)."""
    count: int

    def __str__(self) -> str:
        who = f"{self.plugin}:{self.handler}" if self.handler else self.plugin or "?"
        return f"{self.event} -> {who} calling {self.method}, {self.count:,} times"


class HandlerLoopError(RuntimeError):
    """``HandlerHost.settle`` stopped handlers that kept acting on their own events.

    ``events`` is how many events the step caused before the stop, ``chains`` who acted most
    (most first). The handlers' calls past the limit got ``api_not_answer``; nothing is pending.
    """

    def __init__(self, events: int, chains: list[LoopChain]):
        self.events = events
        self.chains = chains
        links = "; ".join(str(chain) for chain in chains) or "no handler action recorded"
        super().__init__(
            f"handlers kept acting on their own events: {events:,} events in one step ({links}); "
            "a handler that acts on the event its own action causes loops forever: act only "
            "on the change you wait for, or remember that you already acted"
        )


class EventBudget:
    """How many events the handlers' actions may cause during one ``settle``.

    Used on the simulation thread only: ``allows`` before each handler's ``ad_api`` call,
    ``spend`` when it runs.
    """

    def __init__(self, start: int, limit: int):
        if limit <= 0:
            raise ValueError(f"the event budget must be positive, got {limit}")
        self.start = start
        """``sim.bus.count`` when the settle began."""
        self.limit = limit
        self.spent_at: int | None = None
        """How many events had been caused when the budget ran out (None: not yet)."""
        self.reported = False
        """The loop was reported (a standing budget reports once, see ``HandlerHost.rest``)."""
        self._chains: Counter[tuple[str, str, str, str]] = Counter()

    @property
    def exhausted(self) -> bool:
        """True once a call was refused: the settle raises ``HandlerLoopError``."""
        return self.spent_at is not None

    def allows(self, count: int) -> bool:
        """False (for good) once ``count`` (``sim.bus.count``) is ``limit`` past the start."""
        if self.spent_at is None and count - self.start >= self.limit:
            self.spent_at = count - self.start
        return self.spent_at is None

    def spend(self, event: str, plugin: str, handler: str, method: str) -> None:
        """Note a handler's call that runs (to name the loop if there is one)."""
        self._chains[(event, plugin, handler, method)] += 1

    def refusal(self, method: str) -> OperationResult:
        """What a call gets once the budget is exhausted."""
        return fail(
            ResultErrorCode.api_not_answer,
            f"{method}: not run: handlers kept acting on their own events "
            f"({self.spent_at:,} events in one step); the simulator stopped their actions",
        )

    def error(self) -> HandlerLoopError:
        """The loop, with the chains that acted most."""
        chains = [
            LoopChain(event, plugin, handler, method, count)
            for (event, plugin, handler, method), count in self._chains.most_common(_SHOWN_CHAINS)
        ]
        return HandlerLoopError(self.spent_at or 0, chains)
