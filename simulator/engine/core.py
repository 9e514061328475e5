"""The desktop's plumbing: its state, subscribers, the clock and timers, and how an action runs
(one time for everything it stamps, recorded, its events delivered in order once it is done).

The concern modules (session, routing, voice, transfers, chat and email, wrap-up, directory) add the
actions; ``simulator.engine.simulator.Simulator`` composes them.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from simulator.contract import (
    AgentState,
    EventName,
    InteractionState,
    OperationResult,
    ResultErrorCode,
    fail,
    ok,
)
from simulator.contract.versions import ApiVersion, method_refusal
from simulator.engine.bus import Event, EventBus
from simulator.engine.clock import Clock, VirtualClock
from simulator.engine.errors import ActionError
from simulator.engine.interaction import Interaction
from simulator.engine.records import ActionRecord, AgentStatus, Notice, QueuedOffer
from simulator.engine.seconds import check_seconds
from simulator.engine.tables import Action, AgentPhase, allowed_actions, is_allowed
from simulator.engine.versioning import install_edge

if TYPE_CHECKING:
    from simulator.data import AgentProfile
    from simulator.engine.center import ContactCenter

E = EventName
S = InteractionState
Code = ResultErrorCode
_IDLE_PHASES = frozenset({AgentPhase.ready, AgentPhase.not_ready, AgentPhase.supervising})
# Members read on every action, bound once: on Python 3.11 reading a member off its Enum class
# goes through the metaclass's __getattr__ hook, several times slower than a module global.
_LOGGED_OUT = AgentPhase.logged_out
_NOT_READY = AgentPhase.not_ready
_DELIVERED = S.delivered
_COMPLETED = S.completed
_STATE_CHANGE = E.ON_INTERACTION_STATE_CHANGE
_AGENT_STATE_CHANGE = E.ON_AGENT_STATE_CHANGE
_WORKING_PHASES = frozenset({AgentPhase.busy, AgentPhase.after_call_work})


__all__ = ["DesktopCore"]


class DesktopCore:
    """One agent desktop's state and the machinery every action runs through."""

    if TYPE_CHECKING:
        # Provided by the concern modules the ``Simulator`` composes (declared for type checkers).
        def _refresh_agent(self) -> None: ...
        def _deliver_queued(self) -> None: ...
        def _associated_record(self, data: dict[str, Any], source: str) -> dict[str, Any]: ...
        def _initial_records(
            self, initial: Any, source: str, method: str = ...
        ) -> list[dict[str, Any]]: ...
        def _sync(self, inter: Interaction) -> None: ...
        def _switch_to(self, interaction_id: str | None) -> None: ...
        def _peer_gone(self, inter: Interaction) -> None: ...
        def _peer_answered(self, inter: Interaction) -> None: ...
        def _takes(self, offer: QueuedOffer) -> bool: ...
        def _deliver(self, offer: QueuedOffer) -> None: ...
        def _ring_timeout(self, interaction_id: str) -> None: ...
        def _answer(self, inter: Interaction) -> None: ...
        def _announce(self, inter: Interaction) -> None: ...
        def _remote_left(self, inter: Interaction) -> None: ...
        def _drop_party(self, inter: Interaction, user_id: str) -> None: ...
        def _customer_left_conference(self, inter: Interaction) -> None: ...
        def _hang_up_guest(self, inter: Interaction, party_id: str) -> None: ...
        def _can_merge(self) -> bool: ...

    def __init__(
        self,
        center: ContactCenter,
        profile: AgentProfile,
        *,
        name: str | None = None,
        record_actions: bool = True,
    ):
        self.center = center
        """The contact center this desktop is logged into (shared clock, ids, queue)."""
        self.profile = profile
        """Who the agent is (id, login, names, extension, team)."""
        self.name = name if name is not None else profile.first_name.lower()
        """The agent's name in scenarios and journals (``jane``)."""
        self.tenant = center.tenant
        self.settings = center.settings
        self.seed = center.seed
        self.clock: Clock = center.clock
        self.started_ms = self.clock.now_ms()
        """When the session began (epoch ms): a recorded session replays from here."""
        self.ids = center.ids
        self.customers = center.customers
        self.bus = EventBus()
        self.timers = center.timers
        self.actions: list[ActionRecord] = []
        self.record_actions = record_actions
        self._interactions: dict[str, Interaction] = {}
        self._queue = center.queue
        self._desktops = center.desktops
        self._several = False
        """True once the center has more than one desktop (then every one is flushed)."""
        self._active: str | None = None
        self._phase = AgentPhase.logged_out
        self._reason: str | None = None
        self._since_ms = self.clock.now_ms()
        self._chosen: tuple[AgentState, str | None] | None = None
        self._before_work: tuple[AgentPhase, str | None] = (AgentPhase.ready, None)
        self._session_id: str | None = None
        self._service_name = self.tenant.default_outbound_service
        self._did_id: str | None = self.tenant.dids[0].id if self.tenant.dids else None
        self._tick = center.tick
        """The action running (shared by every desktop): its depth and its one time."""
        self._posted = center.posted
        self._watchers: list[Callable[[Notice], None]] = []
        self._notices: list[Notice] = []
        self.finished: list[Interaction] = []
        """Interactions completed and removed, in order (kept for the window and reports)."""
        self.keep_finished = True
        self.handler_calls = 0
        """Above 0 while the handler host runs an adApi call a handler made from its own thread:
        such actions are recorded ``by_subscriber`` like those made during delivery."""
        self._saved_events: dict[str, Event] = {}
        """2026: each interaction's ``ON_SAVE_ACTIVITY_RECORD`` (its answer is the record)."""
        self._payload_edge = install_edge(self)
        self.api_version = ApiVersion(self.settings.api_version)
        """The adApi version the events are emitted in (``settings.api_version``)."""

    def on(self, event: EventName | str, callback: Callable[..., Any]) -> None:
        """Call ``callback(*args)`` for each ``event``, with contract models as arguments."""
        self.bus.on(event, callback)

    def remove(self, event: EventName | str, callback: Callable[..., Any]) -> None:
        """Stop calling ``callback`` for ``event``."""
        self.bus.remove(event, callback)

    def subscribe(
        self,
        subscriber: Callable[[Event], Any],
        passes_on: Callable[[Event], bool] | None = None,
    ) -> Callable[[], None]:
        """Receive every ``Event`` in order; returns the unsubscribe function.

        ``passes_on``: which events the subscriber gives to anyone outside the simulator (None:
        all; ``simulator.engine.bus.NOBODY``: none); a journal commits each event before a
        subscriber passing it on sees it (``EventBus.subscribe``)."""
        return self.bus.subscribe(subscriber, passes_on)

    def watch(self, watcher: Callable[[Notice], None]) -> Callable[[], None]:
        """Receive every ``Notice`` (changes that are not adApi events)."""
        self._watchers.append(watcher)
        return lambda: self._watchers.remove(watcher) if watcher in self._watchers else None

    @property
    def now_ms(self) -> int:
        """Simulation time, epoch ms."""
        return self._now()

    @property
    def agent(self) -> AgentStatus:
        """The agent's session."""
        return AgentStatus(
            self._phase is not AgentPhase.logged_out,
            self._phase,
            self._reason,
            self._since_ms,
            self._chosen,
        )

    @property
    def interactions(self) -> list[Interaction]:
        """The agent's interactions, oldest first."""
        return list(self._interactions.values())

    @property
    def queued(self) -> list[QueuedOffer]:
        """Offers waiting in the center's queue for an agent to become available."""
        return list(self._queue)

    @property
    def active_interaction_id(self) -> str | None:
        """The interaction the agent is looking at."""
        return self._active

    def interaction(self, interaction_id: str) -> Interaction | None:
        """A live interaction by id."""
        if not isinstance(interaction_id, str):
            raise TypeError(_not_an_id(interaction_id))
        return self._interactions.get(interaction_id)

    def allowed(self, interaction_id: str | None = None) -> frozenset[Action]:
        """Actions allowed now on an interaction (the active one by default)."""
        if interaction_id is not None and not isinstance(interaction_id, str):
            raise TypeError(_not_an_id(interaction_id))
        inter = self._interactions.get(interaction_id or self._active or "")
        if inter is None or self._phase is AgentPhase.logged_out:
            return frozenset()
        actions = set(allowed_actions(inter.state, inter.type))
        if inter.muted:
            actions.discard(Action.mute)
        else:
            actions.discard(Action.unmute)
        if inter.recording:
            actions.discard(Action.record_start)
        else:
            actions.discard(Action.record_stop)
        if len(inter.parties) < 2:
            actions.discard(Action.conference_destroy)
            actions.discard(Action.conference_remove)
        if inter.consult_id is not None or inter.consult_of is not None:
            actions.discard(Action.consult)
        consult = self._interactions.get(inter.consult_id or "")
        if inter.consult_of is not None:
            consult, inter_main = inter, self._interactions.get(inter.consult_of)
            if inter_main is None:
                consult = None
        if consult is None or consult.state is not S.delivered:
            actions.discard(Action.complete_transfer)
        if Action.conference_merge in actions and not self._can_merge():
            actions.discard(Action.conference_merge)
        return frozenset(actions)

    def advance(self, seconds: float) -> None:
        """Move a virtual clock forward, firing timers in order on the way."""
        check_seconds(seconds)
        self.advance_ms(round(seconds * 1000))

    def advance_ms(self, ms: int) -> None:
        """Move a virtual clock forward by ``ms``, firing timers in order on the way."""
        clock = self.clock
        if not isinstance(clock, VirtualClock):
            raise TypeError("advance() needs a VirtualClock; the wall clock moves by itself")
        target = clock.now_ms() + int(ms)
        self.drain_posted()
        while True:
            timer = self.timers.pop_due(target)
            if timer is None:
                break
            clock.set_ms(max(timer.due_ms, clock.now_ms()))
            self._system(timer.label, timer.callback)
            self.drain_posted()
        clock.set_ms(target)

    def poll(self) -> None:
        """Fire due timers and posted work (the window calls this on the wall clock)."""
        self.drain_posted()
        now = self.clock.now_ms()
        while (timer := self.timers.pop_due(now)) is not None:
            self._system(timer.label, timer.callback)
        self.drain_posted()

    def next_timer_ms(self) -> int | None:
        """When the next timer fires (ring timeout, remote answer ...), or None."""
        return self.timers.next_due()

    def post(self, work: Callable[[], None]) -> None:
        """Run ``work`` on the simulation's thread at the next ``drain_posted`` (thread-safe)."""
        self._posted.put(work)

    @property
    def has_posted(self) -> bool:
        """True when work posted from another thread waits for ``drain_posted``."""
        return not self._posted.empty()

    def drain_posted(self) -> None:
        """Run work posted from other threads (deferred handler answers)."""
        while not self._posted.empty():
            try:
                work = self._posted.get_nowait()
            except queue.Empty:
                return
            self._system("posted", work)

    def _perform(
        self, actor: str, name: str, args: dict[str, Any], body: Callable[[], Any]
    ) -> OperationResult:
        by_subscriber = self.bus._delivering or self.handler_calls > 0
        # The time the action was asked for: on the wall clock the body may cross a millisecond,
        # and a replay must act at the moment the original did.
        tick = self._tick
        asked_ms = self._now()
        tick.depth += 1
        tick.frozen_ms = asked_ms
        try:
            data = body()
            result: OperationResult = ok(data)
        except ActionError as exc:
            result = fail(exc.code, exc.message)
        finally:
            tick.depth -= 1
            if tick.depth == 0:
                tick.frozen_ms = None
        if self.record_actions:
            self.center.actions_recorded += 1
            self.actions.append(
                ActionRecord(
                    asked_ms,
                    actor,
                    name,
                    args,
                    result.ok,
                    by_subscriber,
                    None if result.error is None else result.error.name,
                    self.center.actions_recorded,
                )
            )
        if tick.depth == 0:
            self._flush()
        return result

    def _now(self) -> int:
        """The simulation time; one value for everything a single action stamps, so that on the
        wall clock an action crossing a millisecond replays exactly (startTime, its events)."""
        frozen = self._tick.frozen_ms
        return self.clock.now_ms() if frozen is None else frozen

    def _routed_id(self) -> str:
        """A routed item's ``interactionId`` (``Settings.routed_interaction_id``): a server GUID
        as in the 5.19 docs' examples, or the widget's client ``uuid`` as the 2024 build mints
        every item's id. Both draw the same bits, so only the letters' case differs."""
        if self.settings.routed_interaction_id == "client":
            return self.ids.client_uuid()
        return self.ids.guid()

    def _system(self, label: str, work: Callable[[], None]) -> None:
        tick = self._tick
        tick.frozen_ms = self._now()
        tick.depth += 1
        try:
            work()
        except ActionError:
            pass
        finally:
            tick.depth -= 1
            if tick.depth == 0:
                tick.frozen_ms = None
        if tick.depth == 0:
            self._flush()

    def _flush(self) -> None:
        """Deliver what every desktop has queued (an action here may have reached another)."""
        if self._several:
            for desktop in tuple(self._desktops):
                if desktop.bus._queue or desktop._notices:
                    desktop._flush_own()
            return
        self.bus.flush()
        if self._notices:
            notices, self._notices = self._notices, []
            for notice in notices:
                for watcher in tuple(self._watchers):
                    watcher(notice)

    def _flush_own(self) -> None:
        self.bus.flush()
        if self._notices:
            notices, self._notices = self._notices, []
            for notice in notices:
                for watcher in tuple(self._watchers):
                    watcher(notice)

    def _emit(
        self,
        name: EventName,
        *args: Any,
        interaction_id: str | None = None,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        self.bus.emit(name, self._now(), args, interaction_id, then)

    def _notice(self, kind: str, interaction_id: str | None, detail: str = "") -> None:
        if self._watchers:
            self._notices.append(Notice(kind, interaction_id, self._now(), detail))

    def _require_login(self) -> None:
        if self._phase is _LOGGED_OUT:
            raise ActionError(Code.not_logged_in, "log in first (login)")

    def _require_method(self, method: str) -> None:
        """``api_method_not_implemented`` when the run's version lacks ``method`` (JS name), as
        that version's widget answers a request it does not know."""
        refusal = method_refusal(method, self.api_version)
        if refusal is not None:
            raise ActionError(Code.api_method_not_implemented, refusal)

    @staticmethod
    def _require_boolean(method: str, state: Any) -> None:
        """``state`` of a method whose published type is ``boolean`` (``setCallMute``): true or
        false, never a truthy string (``"false"`` would have muted the call)."""
        if not isinstance(state, bool):
            from simulator.contract.methods import argument_problem

            raise ActionError(Code.invalid_args, argument_problem(method, [state]) or method)

    def _get(self, interaction_id: str | None) -> Interaction:
        if self._phase is _LOGGED_OUT:  # _require_login(), inline: every action starts here
            raise ActionError(Code.not_logged_in, "log in first (login)")
        key = interaction_id or self._active
        if key is None:
            raise ActionError(Code.no_interaction, "there is no active interaction; pass an id")
        if not isinstance(key, str):  # the Python API: ``result`` given, not its ``data["id"]``
            raise ActionError(Code.invalid_args, _not_an_id(key))
        inter = self._interactions.get(key)
        if inter is None:
            raise ActionError(Code.no_interaction, f"no interaction {key!r}")
        return inter

    def _check(self, inter: Interaction, action: Action) -> None:
        if not is_allowed(inter.state, inter.type, action):
            raise ActionError(
                Code.not_suitable_state,
                f"cannot {action.value.replace('_', ' ')} "
                f"{'an' if inter.type.value[0] in 'aeiou' else 'a'} {inter.type.value} interaction "
                f"in state {inter.state.value}",
            )

    def _schedule(self, seconds: float, work: Callable[[], None], label: str) -> None:
        self.timers.schedule(self._now() + round(seconds * 1000), work, label)


def _not_an_id(value: object) -> str:
    """The refusal of an interaction id that is not a string (what to pass instead)."""
    text = f"an interaction id is a string, not {type(value).__name__}"
    data = getattr(value, "data", None)
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        text += " (pass the result's data['id'])"
    return text
