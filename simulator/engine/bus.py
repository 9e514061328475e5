"""Event emission: ordered, re-entrancy safe, with answers for the events that need one.

Events raised while an action runs are queued and delivered in order once the outermost action
finishes; a subscriber that calls back into the simulator has its events appended after the
current ones. For events that need an answer (``ON_REQUEST_TRANSFER_DATA`` ...), the last
non-None subscriber result wins; a subscriber may ``defer()`` and answer later from another
thread (the simulator runs the continuation on its own thread via ``post``).

Group commit: a committer (``add_committer``; the journal's ``attach``) receives everything one
flush is about to deliver (one engine step: an action or a timer, with what it caused) before any
subscriber that passes events on sees it. A subscriber that keeps events to itself (a scenario
runner's own recorder: ``subscribe(..., passes_on=NOBODY)``) or that passes on only some
(``passes_on=lambda event: ...``: a handler host gives an event only to the handlers that
subscribed to it) lets a bus with ``lazy_commits`` (a driver that commits at its end: the scenario
runner) deliver the others before they are committed: they wait, in order, for the next commit,
which takes them with the events of the step that needs it (one transaction for several steps),
or for ``commit_pending`` (the run's end), or for ``DEFER_LIMIT`` of them. Without
``lazy_commits`` (the default: the window, the pytest harness, your own driver) every step is
committed before delivery. Either way no event reaches anyone outside the simulator (a handler,
the webhook, a page, a window) before it is committed; lazily, a run whose handlers get few
events commits a few times rather than at every step. A bus holding events back after a failed
commit delivers nothing more, lazily or not, until that commit succeeds.
If a commit raises, nothing of that batch is delivered: the events stay queued
(``held`` is the error) and each later flush tries the commit again (every held event and every
new one, still in order) until it succeeds or the committer is removed. With several committers,
each is given each event once: when a later one refuses a batch an earlier one took, the retry
gives the earlier one only the events it has not committed yet. Without an
``on_commit_error`` callback the flush raises ``CommitError`` (headless runs stop at that step);
with one (the window), the callback is told and the flush returns.
"""

from __future__ import annotations

import itertools
import json
import threading
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from simulator.contract import EVENTS, EventName
from simulator.engine.payloads import typed_args

__all__ = [
    "DEFER_LIMIT",
    "NOBODY",
    "CommitError",
    "Committer",
    "Event",
    "EventBus",
    "Response",
    "SubscriberError",
]

DEFER_LIMIT = 1000
"""At most this many delivered events wait uncommitted (a run whose handlers see nothing still
commits every ``DEFER_LIMIT`` events, not only at its end)."""


class Response:
    """The answer to an event that needs one."""

    def __init__(self, default: Any):
        self.value: Any = default
        self.answered = False
        self._deferred = 0
        self._lock = threading.Lock()
        self._on_done: Callable[[Any], None] | None = None
        self._done = False

    def answer(self, value: Any) -> None:
        """Offer an answer; a later non-None answer replaces an earlier one."""
        if value is not None:
            self.value = value
            self.answered = True

    def defer(self) -> Callable[[Any], None]:
        """Promise an answer later; call the returned function (from any thread) to give it."""
        with self._lock:
            self._deferred += 1
        given = False

        def resolve(value: Any = None) -> None:
            nonlocal given
            with self._lock:  # two threads may resolve at once (a late handler, a give-up)
                if given:
                    return
                given = True
            self.answer(value)
            with self._lock:
                self._deferred -= 1
                ready = self._deferred == 0
            if ready:
                self._finish()

        return resolve

    @property
    def pending(self) -> bool:
        """True while a deferred answer is still out."""
        return self._deferred > 0

    def _settle(self, on_done: Callable[[Any], None]) -> None:
        self._on_done = on_done
        with self._lock:
            ready = self._deferred == 0
        if ready:
            self._finish()

    def _finish(self) -> None:
        # Checked and set under the lock: the simulation thread (``_settle``) and a handler
        # thread (the last ``resolve``) may both see nothing pending; the continuation runs once.
        with self._lock:
            if self._done or self._on_done is None:
                return
            self._done = True
            on_done = self._on_done
        on_done(self.value)


@dataclass(slots=True)
class Event:
    """One adApi event as the widget would post it."""

    seq: int
    """Position in the run, from 1."""
    name: EventName
    time_ms: int
    """Simulation time of emission, epoch ms."""
    wire_args: tuple[Any, ...]
    """The callback's positional arguments as wire JSON values."""
    interaction_id: str | None = None
    """The interaction the event is about, if any."""
    response: Response | None = None
    agent: str | None = None
    """The agent whose desktop emitted it, in a contact center of several agents (None with
    one agent, so single-agent output stays as it was)."""
    _typed: tuple[Any, ...] | None = field(default=None, repr=False)
    api_version: str = "5.19"
    """The adApi version the event was emitted in (its payload models are that version's)."""

    @property
    def args(self) -> tuple[Any, ...]:
        """The arguments as contract models (``InteractionData``, ``LoginStateData`` ...)."""
        if self._typed is None:
            self._typed = typed_args(self.name, self.wire_args, self.api_version)
        return self._typed

    @property
    def needs_response(self) -> bool:
        """True when the widget waits for the handlers' answer."""
        return self.response is not None

    def to_json(self, repeat: int | None = None, scenario: str | None = None) -> str:
        """A stable one-line JSON form (journal, ``--events-out``, golden files); ``scenario``:
        the file of the run it is from (``adsim run`` with several files), before ``repeat``:
        the run of a ``--repeat`` series it is from (1, 2, ...), a last key."""
        data: dict[str, Any] = {
            "seq": self.seq,
            "time": self.time_ms,
            "event": self.name.value,
            "interactionId": self.interaction_id,
            "args": list(self.wire_args),
        }
        if self.agent is not None:
            data["agent"] = self.agent
        if scenario is not None:
            data["scenario"] = scenario
        if repeat is not None:
            data["repeat"] = repeat
        return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class SubscriberError:
    """A subscriber raised; the simulator went on."""

    event: Event
    subscriber: str
    traceback: str


Subscriber = Callable[[Event], Any]
PassesOn = Callable[[Event], bool]
"""Whether a subscriber passes an event on outside the simulator (see ``EventBus.subscribe``)."""


def NOBODY(event: Event) -> bool:
    """``passes_on`` of a subscriber that keeps every event to itself."""
    return False


Committer = Callable[[Sequence[Event]], None]
"""Makes a batch of events durable before delivery (raises when it cannot)."""


@dataclass(eq=False, slots=True)
class _Committing:
    """A committer and how far it got: ``upto`` is the ``seq`` of the last event it committed
    (events are queued in ``seq`` order)."""

    commit: Committer
    upto: int = 0


class CommitError(Exception):
    """A committer refused a batch: those events (from ``first_seq`` on) were not delivered."""

    def __init__(self, cause: BaseException, first_seq: int, last_unheld: int | None = None):
        self.cause = cause
        self.first_seq = first_seq
        self.last_unheld = last_unheld
        """The last of the events before the held ones that were delivered uncommitted (to no
        one outside: a scenario run's own record has them; see ``lazy_commits``), if any."""
        own = ""
        if last_unheld is not None:
            span = f"#{first_seq}" if last_unheld == first_seq else f"#{first_seq}-#{last_unheld}"
            own = f" (only the run's own record of events has {span})"
        super().__init__(
            f"{cause}; nothing from event #{first_seq} on reached a handler or subscriber{own}"
        )


_NEEDS_RESPONSE = {name: spec for name, spec in EVENTS.items() if spec.needs_response}
_LATER_EVENTS = frozenset(name for name, spec in EVENTS.items() if spec.since != "5.19")


class EventBus:
    """Queues events during an action and delivers them in order to subscribers."""

    def __init__(self) -> None:
        # A tuple, replaced on (un)subscribe: delivery iterates the snapshot it started with
        # without copying the list for every event.
        self._all: tuple[Subscriber, ...] = ()
        self._passes_on: dict[Subscriber, PassesOn] = {}
        # The ``passes_on`` of every subscriber, None when one passes on every event.
        self._lookouts: tuple[PassesOn, ...] | None = ()
        self._delivered_uncommitted: list[Event] = []
        self.lazy_commits = False
        """Commit only before an event reaches a subscriber that passes it on (set by a driver
        that calls ``commit_pending`` at its end: the scenario runner); False: every step."""
        self._by_name: dict[EventName, list[Callable[..., Any]]] = {}
        self._queue: deque[tuple[Event, Callable[[Any], None] | None]] = deque()
        self._delivering = False
        self._seq = 0
        self.agent: str | None = None
        """Stamped on every event (``Event.agent``) once the center has several agents."""
        self.errors: list[SubscriberError] = []
        self.on_error: Callable[[SubscriberError], None] | None = None
        self.edge: Callable[[EventName, tuple[Any, ...]], tuple[Any, ...] | None] | None = None
        """The run's adApi version (``simulator.engine.versioning``): returns each event's
        arguments reshaped to that version (None keeps them as they are); unset for 5.19. Events
        the version lacks never reach it: ``emit`` drops them first (``absent``)."""
        self.responses: dict[EventName, Any] = _NEEDS_RESPONSE
        """The events whose handlers' answer is used, with their specs (per version)."""
        self.api_version = "5.19"
        """The version of the payloads (set with ``edge``)."""
        self.absent: frozenset[EventName] = _LATER_EVENTS
        """Events the run's version does not have: never delivered."""
        self._committers: tuple[_Committing, ...] = ()
        self._committed = 0  # how many events at the front of the queue are committed (by all)
        self.held: CommitError | None = None
        """While events are held back because their commit failed: why (None when delivering).
        Drivers check it after a step: an ``ad_api`` call whose flush failed answers the handler
        with an error and cannot stop the run itself."""
        self.on_commit_error: Callable[[CommitError], None] | None = None
        """Told (on the simulation thread) when a commit fails; then ``flush`` does not raise."""

    @property
    def count(self) -> int:
        """How many events were emitted so far."""
        return self._seq

    def subscribe(
        self, subscriber: Subscriber, passes_on: PassesOn | None = None
    ) -> Callable[[], None]:
        """Receive every ``Event``; returns a function that unsubscribes.

        ``passes_on(event)`` says whether the subscriber gives that event to anyone outside the
        simulator; the bus commits an event before a subscriber that does sees it. None (the
        default): every event, so every event is committed before this subscriber sees it.
        """
        self._all = (*self._all, subscriber)
        if passes_on is not None:
            self._passes_on[subscriber] = passes_on
        self._look_again()

        def unsubscribe() -> None:
            if subscriber in self._all:
                remaining = list(self._all)
                remaining.remove(subscriber)
                self._all = tuple(remaining)
                if subscriber not in self._all:
                    self._passes_on.pop(subscriber, None)
                self._look_again()

        return unsubscribe

    def _look_again(self) -> None:
        lookouts = []
        for subscriber in self._all:
            passes_on = self._passes_on.get(subscriber)
            if passes_on is None:
                self._lookouts = None
                return
            if passes_on is not NOBODY:
                lookouts.append(passes_on)
        self._lookouts = tuple(lookouts)

    def _passed_on(self, event: Event) -> bool:
        """True when some subscriber (or an ``on`` callback) gives ``event`` outside."""
        lookouts = self._lookouts
        if not self.lazy_commits or lookouts is None or self._by_name.get(event.name):
            return True
        return any(passes_on(event) for passes_on in lookouts)

    def commit_pending(self) -> None:
        """Commit the events delivered so far without a commit (see the module docstring):
        a run's end. ``CommitError`` (or ``on_commit_error``) as a flush's commit."""
        if self._committers and self._delivered_uncommitted and not self._delivering:
            self._commit()

    def add_committer(self, commit: Committer) -> Callable[[], None]:
        """Call ``commit(events)`` with each batch before it is delivered; returns the removal
        (after which held events are delivered at the next flush)."""
        committing = _Committing(commit)
        self._committers = (*self._committers, committing)

        def remove() -> None:
            if committing in self._committers:
                self._committers = tuple(c for c in self._committers if c is not committing)
                if not self._committers:
                    self.held = None
                    self._delivered_uncommitted = []  # delivered already: nothing left to hold

        return remove

    @property
    def held_count(self) -> int:
        """Events emitted and not delivered because a commit failed."""
        return len(self._queue) if self.held is not None else 0

    def on(self, name: EventName | str, callback: Callable[..., Any]) -> None:
        """Call ``callback(*args)`` with contract models for each ``name`` event (adApi ``on``)."""
        event_name = EventName(name)
        self._by_name.setdefault(event_name, []).append(callback)

    def remove(self, name: EventName | str, callback: Callable[..., Any]) -> None:
        """Stop calling ``callback`` for ``name`` (adApi ``remove``)."""
        callbacks = self._by_name.get(EventName(name), [])
        if callback in callbacks:
            callbacks.remove(callback)

    def emit(
        self,
        name: EventName,
        time_ms: int,
        wire_args: tuple[Any, ...],
        interaction_id: str | None = None,
        then: Callable[[Any], None] | None = None,
    ) -> Event:
        """Queue an event; ``then(answer)`` runs once an event that needs an answer has one.

        An event the run's version lacks is not queued: its ``then`` gets the default answer at
        once and the returned event has ``seq`` 0."""
        if name in self.absent:
            # The run's version never fires it: nobody is asked, the default answer stands.
            known = EVENTS[name]
            response = Response(known.default_response) if known.needs_response else None
            if response is not None:
                response._settle(then or (lambda _value: None))
            return Event(
                0,
                name,
                time_ms,
                wire_args,
                interaction_id,
                response,
                agent=self.agent,
                api_version=self.api_version,
            )
        spec = self.responses.get(name)
        if self.edge is not None:
            converted = self.edge(name, wire_args)
            wire_args = wire_args if converted is None else converted
            self._seq += 1
            response = Response(spec.default_response) if spec is not None else None
            event = Event(
                self._seq,
                name,
                time_ms,
                wire_args,
                interaction_id,
                response,
                agent=self.agent,
                api_version=self.api_version,
            )
            self._queue.append((event, then))
            return event
        self._seq += 1
        response = Response(spec.default_response) if spec is not None else None
        event = Event(self._seq, name, time_ms, wire_args, interaction_id, response, self.agent)
        self._queue.append((event, then))
        return event

    def flush(self) -> None:
        """Deliver queued events in order; a no-op when already delivering (re-entrant calls)."""
        if self._delivering:
            return
        self._delivering = True
        queue = self._queue
        # One loop, no helper per event: every action delivers a handful of events.
        try:
            while queue:
                if self._committers and not self._committed:
                    head = queue[0][0]
                    if (
                        self.held is None  # held back by a failed commit: that commit first
                        and not self._passed_on(head)
                        and len(self._delivered_uncommitted) < DEFER_LIMIT
                    ):
                        # Nobody outside gets it: delivered now, committed with the next commit.
                        self._delivered_uncommitted.append(head)
                    elif not self._commit():
                        return
                event, then = queue.popleft()
                if self._committed:
                    self._committed -= 1
                for subscriber in self._all:
                    try:
                        result = subscriber(event)
                    except Exception:
                        self._report(event, subscriber, traceback.format_exc())
                        continue
                    if result is not None and event.response is not None:
                        event.response.answer(result)
                callbacks = self._by_name.get(event.name)
                if callbacks:
                    self._call_back(event, tuple(callbacks))
                if event.response is not None:
                    event.response._settle(then or (lambda _value: None))
        finally:
            self._delivering = False

    def _commit(self) -> bool:
        """Commit the queued events not yet committed; False (or ``CommitError``) when refused."""
        batch = [
            *self._delivered_uncommitted,
            *(event for event, _then in itertools.islice(self._queue, self._committed, None)),
        ]
        try:
            for committing in self._committers:
                # A committer that took these events before a later one refused them (the
                # retry after a partial commit) is given only the rest: never an event twice.
                todo = [event for event in batch if event.seq > committing.upto]
                if todo:
                    committing.commit(todo)
                    committing.upto = todo[-1].seq
        except Exception as exc:
            lazily = self._delivered_uncommitted
            error = CommitError(exc, batch[0].seq, lazily[-1].seq if lazily else None)
            self.held = error
            if self.on_commit_error is None:
                raise error from exc
            self.on_commit_error(error)
            return False
        self._committed = len(self._queue)
        self._delivered_uncommitted = []
        self.held = None
        return True

    def _call_back(self, event: Event, callbacks: tuple[Callable[..., Any], ...]) -> None:
        args = event.args
        for callback in callbacks:
            try:
                result = callback(*args)
            except Exception:
                self._report(event, callback, traceback.format_exc())
                continue
            if event.response is not None and result is not None:
                event.response.answer(result)

    def _report(self, event: Event, subscriber: Any, trace: str) -> None:
        error = SubscriberError(event, getattr(subscriber, "__qualname__", repr(subscriber)), trace)
        self.errors.append(error)
        if self.on_error is not None:
            self.on_error(error)
