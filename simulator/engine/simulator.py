"""The simulated agent desktop: one agent's session, its interactions, and the adApi events.

Every public action returns the vendor's ``OperationResult`` envelope. An action that cannot
happen answers with the vendor's error code and changes nothing. Events are emitted by the rules
of reference section 6.1 and delivered, in order, once the action is done.
"""

from __future__ import annotations

import functools
import queue
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.contract import (
    AgentState,
    CallDirection,
    EventName,
    InteractionOrigination,
    InteractionState,
    InteractionType,
    OperationResult,
    ResultErrorCode,
    ServerErrorCode,
    WebScreenPop,
    fail,
    ok,
)
from simulator.data import (
    Customer,
    CustomerFactory,
    Disposition,
    IdFactory,
    Service,
    ServiceType,
    Tenant,
    digits_only,
    email_address,
    load_tenant,
    normalize_phone,
)
from simulator.engine.bus import Event, EventBus
from simulator.engine.clock import Clock, VirtualClock
from simulator.engine.errors import ActionError
from simulator.engine.interaction import ChatMessage, Interaction, Party
from simulator.engine.settings import Settings
from simulator.engine.tables import (
    AGENT_SELECTABLE,
    AGENT_TRANSITIONS,
    RELEASED,
    REMOVED,
    TRANSITIONS,
    Action,
    AgentAction,
    AgentPhase,
    allowed_actions,
    is_allowed,
)
from simulator.engine.timers import TimerQueue

__all__ = ["ActionRecord", "AgentStatus", "Notice", "QueuedOffer", "Simulator"]

E = EventName
S = InteractionState
Code = ResultErrorCode
_DTMF = re.compile(r"^[0-9*#A-Da-d,]+$")
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


@functools.lru_cache(maxsize=64)
def _dnis(did: str) -> str:
    """A service's DID as ``DNIS`` digits (cached: the tenant's few DIDs, on every call)."""
    return digits_only(did)


@functools.lru_cache(maxsize=64)
def _screen_pop_wire(pop: WebScreenPop) -> dict[str, Any]:
    """A service's screen pop as wire JSON (frozen, so dumped once; callers copy it)."""
    return pop.model_dump(mode="json")


def _origination(value: InteractionOrigination | str) -> InteractionOrigination:
    """The origination asked for; an unknown one is the caller's error, not a crash."""
    try:
        return InteractionOrigination(value)
    except ValueError:
        choices = ", ".join(o.value for o in InteractionOrigination)
        raise ActionError(
            Code.invalid_args, f"unknown origination {value!r}; one of: {choices}"
        ) from None


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """One action as it was asked for: what record-and-replay saves."""

    time_ms: int
    actor: str
    """``agent``, ``customer`` or ``system``."""
    name: str
    args: dict[str, Any]
    ok: bool
    by_subscriber: bool
    """True when a subscriber (a handler) asked for it while an event was being delivered."""
    error: str | None = None
    """The error code's name when the action failed (``not_suitable_state`` ...)."""


@dataclass(frozen=True, slots=True)
class AgentStatus:
    """The agent's session as the window shows it."""

    logged_in: bool
    phase: AgentPhase
    reason: str | None
    since_ms: int
    chosen: tuple[AgentState, str | None] | None
    """A state chosen while busy, applied when the work is done."""


@dataclass(frozen=True, slots=True)
class Notice:
    """A change the window shows that is not an adApi event (a chat line, DTMF, a queued offer)."""

    kind: str
    interaction_id: str | None
    time_ms: int
    detail: str = ""


@dataclass(slots=True)
class QueuedOffer:
    """An interaction waiting in the service queue for the agent (never reported to adApi)."""

    id: str
    type: InteractionType
    service: Service
    customer: Customer
    queued_ms: int
    attached_data: dict[str, str] = field(default_factory=dict)
    transfer_data: dict[str, Any] | None = None
    direct: bool = False
    subject: str = ""
    body: str = ""


class Simulator:
    """One agent's desktop, driven by actions and the clock, emitting adApi events."""

    def __init__(
        self,
        tenant: Tenant | None = None,
        *,
        seed: int = 0,
        clock: Clock | None = None,
        settings: Settings | None = None,
        record_actions: bool = True,
    ):
        self.tenant = tenant if tenant is not None else load_tenant()
        self.settings = settings if settings is not None else Settings()
        self.seed = seed
        self.clock: Clock = (
            clock if clock is not None else VirtualClock(self.settings.start_time_ms)
        )
        self.started_ms = self.clock.now_ms()
        """When the session began (epoch ms): a recorded session replays from here."""
        self.ids = IdFactory(random.Random(seed))
        self.customers = CustomerFactory(seed)
        self.bus = EventBus()
        self.timers = TimerQueue()
        self.actions: list[ActionRecord] = []
        self.record_actions = record_actions
        self._interactions: dict[str, Interaction] = {}
        self._queue: list[QueuedOffer] = []
        self._active: str | None = None
        self._phase = AgentPhase.logged_out
        self._reason: str | None = None
        self._since_ms = self.clock.now_ms()
        self._chosen: tuple[AgentState, str | None] | None = None
        self._before_work: tuple[AgentPhase, str | None] = (AgentPhase.ready, None)
        self._session_id: str | None = None
        self._service_name = self.tenant.default_outbound_service
        self._did_id: str | None = self.tenant.dids[0].id if self.tenant.dids else None
        self._depth = 0
        self._frozen_ms: int | None = None
        """While an action runs: its one time (see ``_now``)."""
        self._posted: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._watchers: list[Callable[[Notice], None]] = []
        self._notices: list[Notice] = []
        self.finished: list[Interaction] = []
        """Interactions completed and removed, in order (kept for the window and reports)."""
        self.keep_finished = True
        self.handler_calls = 0
        """Above 0 while the handler host runs an adApi call a handler made from its own thread:
        such actions are recorded ``by_subscriber`` like those made during delivery."""

    # ------------------------------------------------------------------ subscribing

    def on(self, event: EventName | str, callback: Callable[..., Any]) -> None:
        """Call ``callback(*args)`` for each ``event``, with contract models as arguments."""
        self.bus.on(event, callback)

    def remove(self, event: EventName | str, callback: Callable[..., Any]) -> None:
        """Stop calling ``callback`` for ``event``."""
        self.bus.remove(event, callback)

    def subscribe(self, subscriber: Callable[[Event], Any]) -> Callable[[], None]:
        """Receive every ``Event`` in order; returns the unsubscribe function."""
        return self.bus.subscribe(subscriber)

    def watch(self, watcher: Callable[[Notice], None]) -> Callable[[], None]:
        """Receive every ``Notice`` (changes that are not adApi events)."""
        self._watchers.append(watcher)
        return lambda: self._watchers.remove(watcher) if watcher in self._watchers else None

    # ------------------------------------------------------------------ reading

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
        """Offers waiting for the agent to become available."""
        return list(self._queue)

    @property
    def active_interaction_id(self) -> str | None:
        """The interaction the agent is looking at."""
        return self._active

    def interaction(self, interaction_id: str) -> Interaction | None:
        """A live interaction by id."""
        return self._interactions.get(interaction_id)

    def allowed(self, interaction_id: str | None = None) -> frozenset[Action]:
        """Actions allowed now on an interaction (the active one by default)."""
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
        return frozenset(actions)

    # ------------------------------------------------------------------ time

    def advance(self, seconds: float) -> None:
        """Move a virtual clock forward, firing timers in order on the way."""
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

    def drain_posted(self) -> None:
        """Run work posted from other threads (deferred handler answers)."""
        while not self._posted.empty():
            try:
                work = self._posted.get_nowait()
            except queue.Empty:
                return
            self._system("posted", work)

    # ------------------------------------------------------------------ plumbing

    def _perform(
        self, actor: str, name: str, args: dict[str, Any], body: Callable[[], Any]
    ) -> OperationResult:
        by_subscriber = self.bus._delivering or self.handler_calls > 0
        # The time the action was asked for: on the wall clock the body may cross a millisecond,
        # and a replay must act at the moment the original did.
        asked_ms = self._now()
        self._depth += 1
        self._frozen_ms = asked_ms
        try:
            data = body()
            result: OperationResult = ok(data)
        except ActionError as exc:
            result = fail(exc.code, exc.message)
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._frozen_ms = None
        if self.record_actions:
            self.actions.append(
                ActionRecord(
                    asked_ms,
                    actor,
                    name,
                    args,
                    result.ok,
                    by_subscriber,
                    None if result.ok else result.error.name,
                )
            )
        if self._depth == 0:
            self._flush()
        return result

    def _now(self) -> int:
        """The simulation time; one value for everything a single action stamps, so that on the
        wall clock an action crossing a millisecond replays exactly (startTime, its events)."""
        frozen = self._frozen_ms
        return self.clock.now_ms() if frozen is None else frozen

    def _system(self, label: str, work: Callable[[], None]) -> None:
        self._depth += 1
        self._frozen_ms = self._now()
        try:
            work()
        except ActionError:
            pass
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._frozen_ms = None
        if self._depth == 0:
            self._flush()

    def _flush(self) -> None:
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

    def _get(self, interaction_id: str | None) -> Interaction:
        if self._phase is _LOGGED_OUT:  # _require_login(), inline: every action starts here
            raise ActionError(Code.not_logged_in, "log in first (login)")
        key = interaction_id or self._active
        if key is None:
            raise ActionError(Code.no_interaction, "there is no active interaction; pass an id")
        inter = self._interactions.get(key)
        if inter is None:
            raise ActionError(Code.no_interaction, f"no interaction {key!r}")
        return inter

    def _check(self, inter: Interaction, action: Action) -> None:
        if not is_allowed(inter.state, inter.type, action):
            raise ActionError(
                Code.not_suitable_state,
                f"cannot {action.value.replace('_', ' ')} a {inter.type.value} interaction "
                f"in state {inter.state.value}",
            )

    def _sync(self, inter: Interaction) -> None:
        """Emit ``ON_INTERACTION_STATE_CHANGE`` when the payload differs from the last one."""
        wire = inter.wire(self.settings.ivr_state_spelling)
        if wire != inter.last_wire:
            inter.last_wire = wire
            self._emit(_STATE_CHANGE, wire, interaction_id=inter.id)

    def _set_state(self, inter: Interaction, state: InteractionState) -> None:
        now = self._now()
        inter.state = state
        inter.history.append((now, state._value_))
        if state is _DELIVERED and inter.start_ms is None:
            inter.start_ms = now

    def _transition(self, inter: Interaction, action: Action) -> None:
        """Move ``inter`` by the table (the caller has checked the action is allowed)."""
        target = TRANSITIONS[(inter.state, action)]
        if target is RELEASED:
            self._release(inter)
        elif target is REMOVED or target is _COMPLETED:
            self._finish(inter)
        else:
            self._set_state(inter, target)
            self._sync(inter)

    def _release(self, inter: Interaction) -> None:
        """The conversation is over: wrap-up with after-call work, else done."""
        self._unlink_consult(inter)
        service = inter.service
        if service is not None and service.after_call_work:
            self._set_state(inter, S.wrap_up)
            inter.end_ms = self._now()
            self._sync(inter)
            if service.acw_timeout_seconds is not None:
                entered = inter.end_ms
                self._schedule(
                    service.acw_timeout_seconds,
                    lambda: self._acw_timeout(inter.id, entered),
                    "after-call work limit",
                )
        else:
            self._finish(inter)

    def _finish(self, inter: Interaction) -> None:
        """Completed: removed from the desktop, its activity record saved."""
        self._unlink_consult(inter)
        if self.settings.emit_completed_state:
            self._set_state(inter, _COMPLETED)
            self._sync(inter)
            payload = inter.last_wire
        else:
            payload = inter.wire(self.settings.ivr_state_spelling)
            self._set_state(inter, _COMPLETED)
        del self._interactions[inter.id]
        if self.keep_finished:
            self.finished.append(inter)
        self._emit(E.ON_INTERACTION_REMOVED, payload, interaction_id=inter.id)
        self._emit(E.ON_SAVE_ACTIVITY_RECORD, payload, interaction_id=inter.id)
        if self._active == inter.id:
            remaining = list(self._interactions)
            self._switch_to(remaining[-1] if remaining else None)
        self._notice("removed", inter.id)

    def _unlink_consult(self, inter: Interaction) -> None:
        if inter.consult_id is not None:
            other = self._interactions.get(inter.consult_id)
            if other is not None:
                other.consult_of = None
            inter.consult_id = None
        if inter.consult_of is not None:
            other = self._interactions.get(inter.consult_of)
            if other is not None:
                other.consult_id = None
            inter.consult_of = None

    def _switch_to(self, interaction_id: str | None) -> None:
        if interaction_id != self._active:
            self._active = interaction_id
            self._emit(E.ON_ACTIVE_INTERACTION_SWITCHED, interaction_id)
            # Rule 8: a saved CRM screen is replayed when its interaction becomes active again.
            inter = self._interactions.get(interaction_id) if interaction_id else None
            if inter is not None and inter.active_screen is not None:
                self._emit(
                    E.ON_SHOW_SCREEN,
                    dict(inter.active_screen),
                    interaction_id,
                    interaction_id=interaction_id,
                )

    def _schedule(self, seconds: float, work: Callable[[], None], label: str) -> None:
        self.timers.schedule(self._now() + round(seconds * 1000), work, label)

    def _announce(self, inter: Interaction) -> None:
        """First sight: ``ON_NEW_INTERACTION``, agent Busy, the new item active (6.3 order)."""
        self._interactions[inter.id] = inter
        inter.history.append((self._now(), inter.state._value_))
        wire = inter.wire(self.settings.ivr_state_spelling)
        inter.last_wire = wire
        self._emit(E.ON_NEW_INTERACTION, wire, interaction_id=inter.id)
        self._refresh_agent()
        self._switch_to(inter.id)
        self._notice("new", inter.id)

    # ------------------------------------------------------------------ agent state

    def _apply_agent(self, action: AgentAction) -> AgentPhase | None:
        try:
            return AGENT_TRANSITIONS[(self._phase, action)]
        except KeyError:
            raise ActionError(
                Code.not_suitable_state,
                f"cannot {action.value.replace('_', ' ')} while {self._phase.value}",
            ) from None

    def _set_agent(self, phase: AgentPhase, reason: str | None) -> None:
        if phase is not _NOT_READY:
            reason = None
        if phase == self._phase and reason == self._reason:
            return
        self._phase, self._reason = phase, reason
        self._since_ms = self._now()
        if phase is _LOGGED_OUT:
            return
        state = phase._value_
        if reason is not None:
            self._emit(_AGENT_STATE_CHANGE, state, reason)
        else:
            self._emit(_AGENT_STATE_CHANGE, state)
        self._notice("agent_state", None, state)

    def _refresh_agent(self) -> None:
        """Derive the system moves of 6.2 from the interactions the agent has."""
        if self._phase is _LOGGED_OUT:
            return
        if not self._interactions:
            if self._phase not in _WORKING_PHASES:
                return
            action = AgentAction.all_done
        else:
            # A loop rather than all(): this runs after every change of an interaction.
            action = AgentAction.all_in_wrap_up
            for inter in self._interactions.values():
                if not inter.in_wrap_up:
                    action = AgentAction.interaction_live
                    break
        if self._phase in _IDLE_PHASES:
            self._before_work = (self._phase, self._reason)
        target = self._apply_agent(action)
        if target is None:
            phase, reason = self._after_work_state()
            self._chosen = None
            self._set_agent(phase, reason)
            self._deliver_queued()
        else:
            self._set_agent(target, self._reason)
            if self._queue and self._phase is AgentPhase.busy:
                # A chat slot freed while busy with other chats: the next queued chat comes in.
                self._deliver_queued()

    def _after_work_state(self) -> tuple[AgentPhase, str | None]:
        if self._chosen is not None:
            state, reason = self._chosen
            return AgentPhase(state.value), reason
        if self.settings.after_call_state == "ready":
            return AgentPhase.ready, None
        if self.settings.after_call_state == "not_ready":
            return AgentPhase.not_ready, self.tenant.after_call_break_reason
        return self._before_work

    # ------------------------------------------------------------------ adApi: session

    def login(self, username: str | None = None, password: str | None = None) -> OperationResult:
        """``login``: start the agent's session (tenant credentials by default)."""
        profile = self.tenant.agent

        def body() -> None:
            if self._phase is not AgentPhase.logged_out:
                raise ActionError(Code.not_suitable_state, "already logged in")
            if (username or profile.login_id, password or profile.password) != (
                profile.login_id,
                profile.password,
            ):
                self._emit(
                    E.ON_SERVER_ERROR,
                    {
                        "code": int(ServerErrorCode.invalid_credentials),
                        "name": ServerErrorCode.invalid_credentials.name,
                        "timestamp": self._now(),
                        "message": "wrong username or password",
                    },
                )
                self.bus.flush()
                raise ActionError(Code.invalid_args, "wrong username or password")
            self._apply_agent(AgentAction.login)
            self._session_id = self.ids.guid()
            self._phase = AgentPhase.not_ready
            self._reason = None
            self._since_ms = self._now()
            self._emit(E.ON_LOGIN, self._login_state())
            self._emit(E.ON_AGENT_STATE_CHANGE, AgentState.not_ready.value)
            self._notice("agent_state", None, "not_ready")

        return self._perform("agent", "login", {"username": username}, body)

    def logout(self) -> OperationResult:
        """``logout``: end the session (only with no interactions left)."""

        def body() -> None:
            self._require_login()
            if self._interactions:
                raise ActionError(
                    Code.not_suitable_state,
                    "finish your interactions before logging out",
                )
            self._apply_agent(AgentAction.logout)
            self._set_agent(AgentPhase.logged_out, None)
            self._session_id = None
            self._emit(E.ON_LOGOUT)
            self._notice("agent_state", None, "logged_out")

        return self._perform("agent", "logout", {}, body)

    def _login_state(self) -> dict[str, Any]:
        if self._phase is AgentPhase.logged_out:
            return {"isLoggedIn": False}
        return {
            "isLoggedIn": True,
            "agentId": self.tenant.agent.id,
            "username": self.tenant.agent.login_id,
            "sessionId": self._session_id,
        }

    def get_login_state(self) -> OperationResult:
        """``getLoginState``."""
        return ok(self._login_state())

    def get_agent_state(self) -> OperationResult:
        """``getAgentState``: ``{state, reservedForIncomingInteraction, notReadyReason?}``."""
        if self._phase is AgentPhase.logged_out:
            return fail(Code.not_logged_in, "log in first (login)")
        data: dict[str, Any] = {
            "state": self._phase.value,
            "reservedForIncomingInteraction": False,
        }
        if self._reason is not None:
            data["notReadyReason"] = self._reason
        return ok(data)

    def get_agent_not_ready_reasons(self) -> OperationResult:
        """``getAgentNotReadyReasons``: the tenant's custom reasons."""
        if self._phase is AgentPhase.logged_out:
            return fail(Code.not_logged_in, "log in first (login)")
        return ok(list(self.tenant.not_ready_reasons))

    def set_agent_state(
        self, state: AgentState | str, not_ready_reason: str | None = None
    ) -> OperationResult:
        """``setAgentState``: Ready, Not Ready with a configured reason, or Supervising.

        While busy the choice is remembered and applied when the work is done.
        """

        def body() -> None:
            self._require_login()
            try:
                wanted = AgentState(state)
            except ValueError:
                raise ActionError(Code.invalid_args, f"unknown agent state {state!r}") from None
            if wanted not in AGENT_SELECTABLE:
                raise ActionError(
                    Code.invalid_args, f"{wanted.value} is set by the system, not chosen"
                )
            reason = not_ready_reason
            if wanted is AgentState.not_ready:
                if reason not in self.tenant.not_ready_reasons:
                    choices = ", ".join(self.tenant.not_ready_reasons)
                    raise ActionError(
                        Code.invalid_args, f"not_ready needs a reason, one of: {choices}"
                    )
            else:
                reason = None
            action = {
                AgentState.ready: AgentAction.select_ready,
                AgentState.not_ready: AgentAction.select_not_ready,
                AgentState.supervising: AgentAction.select_supervising,
            }[wanted]
            target = self._apply_agent(action)
            if self._phase in (AgentPhase.busy, AgentPhase.after_call_work):
                self._chosen = (wanted, reason)
                self._notice("agent_state", None, f"after work: {wanted.value}")
                return
            assert target is not None
            self._set_agent(target, reason)
            self._deliver_queued()

        return self._perform(
            "agent",
            "set_agent_state",
            {"state": str(state), "not_ready_reason": not_ready_reason},
            body,
        )

    # ------------------------------------------------------------------ routing

    def _can_take(self, offer: QueuedOffer) -> bool:
        if offer.direct:
            return self._phase is not AgentPhase.logged_out
        if self._phase is AgentPhase.ready:
            return True
        if offer.type is InteractionType.voice or self._phase is not AgentPhase.busy:
            return False
        live = list(self._interactions.values())
        return (
            all(inter.type is not InteractionType.voice for inter in live)
            and len(live) < self.settings.max_concurrent_chats
        )

    def _deliver_queued(self) -> None:
        for offer in list(self._queue):
            # A delivery refreshes the agent, which may deliver more: skip what already went.
            if offer in self._queue and self._can_take(offer):
                self._queue.remove(offer)
                self._deliver(offer)

    def _deliver(self, offer: QueuedOffer) -> None:
        customer = offer.customer
        service = offer.service
        inter = Interaction(
            id=offer.id,
            type=offer.type,
            state=S.delivery_pending,
            service=service,
            customer=customer,
            created_ms=self._now(),
            global_interaction_id=self.ids.guid(),
            attached_data=dict(offer.attached_data),
            transfer_data=offer.transfer_data,
            subject_line=offer.subject,
        )
        if self.settings.routed_origination == "auto":
            inter.origination = InteractionOrigination.auto
        if offer.type is InteractionType.voice:
            inter.call_direction = CallDirection.inbound
            inter.phone_number = customer.phone
            inter.ani = customer.phone
            if self.settings.inbound_dnis == "service_did" and service.did:
                inter.dnis = _dnis(service.did)
            inter.parties.append(Party(self.ids.guid(), customer.name, customer.phone))
            inter.step_id = self.ids.guid()
            if self.settings.recording_url == "always":
                inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)
        else:
            inter.email = customer.email
            first = offer.body or ""
            if first:
                inter.transcript.append(ChatMessage(self._now(), "customer", first))
        self._announce(inter)
        if offer.transfer_data is not None:
            self._emit(
                E.ON_LOAD_TRANSFER_DATA,
                inter.id,
                dict(offer.transfer_data),
                interaction_id=inter.id,
            )
        pop = service.web_screen_pop
        if pop is not None and not pop.pop_upon_answer:
            self._screen_pop(inter)
        if self.settings.ring_timeout_seconds is not None:
            self._schedule(
                self.settings.ring_timeout_seconds,
                lambda: self._ring_timeout(inter.id),
                "ring timeout",
            )

    def _screen_pop(self, inter: Interaction) -> None:
        pop = inter.service.web_screen_pop if inter.service else None
        if pop is None:
            return

        def answered(value: Any) -> None:
            inter.screen_pop_suppressed = value is True
            self._notice("screen_pop", inter.id, "suppressed" if value is True else pop.url)

        self._emit(
            E.ON_WEB_SCREEN_POP_CUSTOM,
            inter.id,
            dict(_screen_pop_wire(pop)),
            interaction_id=inter.id,
            then=answered,
        )

    def _ring_timeout(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.delivery_pending:
            return
        self._chosen = (AgentState.not_ready, self.tenant.no_answer_reason)
        self._finish(inter)
        self._refresh_agent()
        self._notice("missed", interaction_id)

    def _acw_timeout(self, interaction_id: str, entered_ms: int) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or not inter.in_wrap_up or inter.end_ms != entered_ms:
            return
        self._transition(inter, Action.acw_timeout)
        self._refresh_agent()

    # ------------------------------------------------------------------ the customer side

    def _resolve_service(self, key: str | None, *types: ServiceType) -> Service:
        if key is None:
            candidates = self.tenant.services_of(*types)
            if not candidates:
                raise ActionError(Code.no_service, "the tenant has no service of that type")
            return candidates[0]
        service = self.tenant.service(key)
        if service is None or service.type not in types:
            names = ", ".join(s.name for s in self.tenant.services_of(*types))
            raise ActionError(Code.no_service, f"no such service {key!r}; one of: {names}")
        return service

    def _resolve_customer(self, customer: Customer | dict[str, Any] | None) -> Customer:
        if customer is None:
            return self.customers.customer()
        if isinstance(customer, Customer):
            return customer
        drawn = self.customers.customer()
        phone = customer.get("phone")
        digits = drawn.phone
        if phone:
            digits = normalize_phone(str(phone)) or digits_only(str(phone))
        first = customer.get("first_name", drawn.first_name)
        last = customer.get("last_name", drawn.last_name)
        email = customer.get("email")
        if not email:
            # A customer given by name writes from an address that matches the name.
            email = email_address(first, last, drawn.email.rsplit("@", 1)[1])
        return Customer(
            first_name=first,
            last_name=last,
            phone=digits,
            email=email,
            company=customer.get("company", drawn.company),
        )

    @staticmethod
    def _customer_args(customer: Customer) -> dict[str, str]:
        return {
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "phone": customer.phone,
            "email": customer.email,
            "company": customer.company,
        }

    def _offer(
        self,
        name: str,
        media: InteractionType,
        service: str | None,
        customer: Customer | dict[str, Any] | None,
        types: tuple[ServiceType, ...],
        **extra: Any,
    ) -> OperationResult:
        resolved = self._resolve_customer(customer)
        record: dict[str, Any] = {
            "service": service,
            "customer": self._customer_args(resolved),
            **{key: value for key, value in extra.items() if value not in (None, "", False, {})},
        }

        def body() -> dict[str, Any]:
            found = self._resolve_service(service, *types)
            offer = QueuedOffer(
                id=self.ids.guid(),
                type=media,
                service=found,
                customer=resolved,
                queued_ms=self._now(),
                attached_data={
                    str(k): str(v) for k, v in (extra.get("attached_data") or {}).items()
                },
                transfer_data=extra.get("transfer_data"),
                direct=bool(extra.get("direct")),
                subject=extra.get("subject") or "",
                body=extra.get("body") or "",
            )
            if self._can_take(offer) and not any(queued.type is media for queued in self._queue):
                self._deliver(offer)
                return {"id": offer.id, "queued": False}
            self._queue.append(offer)
            self._notice("queued", offer.id, found.name)
            return {"id": offer.id, "queued": True}

        return self._perform("customer", name, record, body)

    def offer_call(
        self,
        service: str | None = None,
        customer: Customer | dict[str, Any] | None = None,
        *,
        attached_data: dict[str, str] | None = None,
        transfer_data: dict[str, Any] | None = None,
        direct: bool = False,
    ) -> OperationResult:
        """A customer calls a service (or the agent directly); delivered when the agent is
        available, queued (unreported) until then. ``data`` is ``{id, queued}``."""
        return self._offer(
            "offer_call",
            InteractionType.voice,
            service,
            customer,
            (ServiceType.inbound_voice, ServiceType.blended_voice),
            attached_data=attached_data,
            transfer_data=transfer_data,
            direct=direct,
        )

    def offer_chat(
        self,
        service: str | None = None,
        customer: Customer | dict[str, Any] | None = None,
        message: str | None = None,
        *,
        attached_data: dict[str, str] | None = None,
    ) -> OperationResult:
        """A customer starts a chat with a first message."""
        return self._offer(
            "offer_chat",
            InteractionType.chat,
            service,
            customer,
            (ServiceType.chat,),
            attached_data=attached_data,
            body=message if message is not None else "Hello, I need some help please.",
        )

    def offer_email(
        self,
        service: str | None = None,
        customer: Customer | dict[str, Any] | None = None,
        subject: str | None = None,
        body: str | None = None,
        *,
        attached_data: dict[str, str] | None = None,
    ) -> OperationResult:
        """A customer's email arrives for a service."""
        return self._offer(
            "offer_email",
            InteractionType.email,
            service,
            customer,
            (ServiceType.email,),
            attached_data=attached_data,
            subject=subject if subject is not None else "Question about my order",
            body=body if body is not None else "Hello, could you tell me where my order is?",
        )

    def customer_hang_up(self, interaction_id: str | None = None) -> OperationResult:
        """The customer hangs up a call or leaves a chat (or abandons while queued)."""

        def body() -> None:
            for offer in self._queue:
                if offer.id == interaction_id:
                    self._queue.remove(offer)
                    self._notice("abandoned", offer.id)
                    return
            inter = self._get(interaction_id)
            self._check(inter, Action.customer_hang_up)
            self._transition(inter, Action.customer_hang_up)
            self._refresh_agent()
            self._notice("customer_hang_up", inter.id)

        return self._perform(
            "customer", "customer_hang_up", {"interaction_id": interaction_id}, body
        )

    def customer_answer(self, interaction_id: str | None = None) -> OperationResult:
        """The far end of an agent-initiated call answers (an IVR number answers as ``ivr``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._answer(inter)

        return self._perform(
            "customer", "customer_answer", {"interaction_id": interaction_id}, body
        )

    def _answer(self, inter: Interaction) -> None:
        action = Action.remote_answer
        if inter.phone_number in self.tenant.ivr_numbers:
            action = Action.remote_answer_ivr
        self._check(inter, action)
        self._scenario_data(inter)
        self._transition(inter, action)
        self._refresh_agent()

    def customer_message(self, text: str, interaction_id: str | None = None) -> OperationResult:
        """The customer writes in a chat."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.customer_message)
            if not text.strip():
                raise ActionError(Code.invalid_args, "a chat message needs some text")
            inter.transcript.append(ChatMessage(self._now(), "customer", text))
            self._notice("chat_message", inter.id, text)

        return self._perform(
            "customer",
            "customer_message",
            {"text": text, "interaction_id": interaction_id},
            body,
        )

    # ------------------------------------------------------------------ adApi: interactions

    def accept_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``acceptInteraction``: answer an offered interaction (``delivery_pending`` only)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.accept)
            self._transition(inter, Action.accept)
            pop = inter.service.web_screen_pop if inter.service else None
            if pop is not None and pop.pop_upon_answer:
                self._screen_pop(inter)
            self._refresh_agent()

        return self._perform(
            "agent", "accept_interaction", {"interaction_id": interaction_id}, body
        )

    def reject_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``rejectInteraction``: decline an offered interaction (``delivery_pending`` only)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.reject)
            self._transition(inter, Action.reject)
            self._refresh_agent()

        return self._perform(
            "agent", "reject_interaction", {"interaction_id": interaction_id}, body
        )

    def leave_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``leaveInteraction``: hang up, close the chat or close the email."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.leave)
            self._transition(inter, Action.leave)
            self._refresh_agent()

        return self._perform("agent", "leave_interaction", {"interaction_id": interaction_id}, body)

    def _require_disposition(self, inter: Interaction, disposition_set: bool) -> None:
        service = inter.service
        if (
            service is not None
            and service.use_dispositions
            and service.require_disposition
            and not disposition_set
        ):
            raise ActionError(
                Code.no_disposition,
                f"service {service.name!r} requires a disposition before completing",
            )

    def complete_interaction(self, interaction_id: str | None = None) -> OperationResult:
        """``completeInteraction``: finish after-call work (a service may require a
        disposition: ``no_disposition``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.complete)
            self._require_disposition(inter, inter.disposition is not None)
            self._transition(inter, Action.complete)
            self._refresh_agent()

        return self._perform(
            "agent", "complete_interaction", {"interaction_id": interaction_id}, body
        )

    def leave_and_complete_interaction(
        self,
        disposition: str | None = None,
        note: str | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``leaveAndCompleteInteraction``: set the disposition, add the note, disconnect,
        then complete."""

        def body() -> None:
            inter = self._get(interaction_id)
            if not (is_allowed(inter.state, inter.type, Action.leave) or inter.in_wrap_up):
                self._check(inter, Action.leave)
            found = self._find_disposition(inter, disposition) if disposition else None
            has_disposition = found is not None or inter.disposition is not None
            # It will reach wrap-up (and so a completion) unless the service has no after-call work.
            if (inter.service is not None and inter.service.after_call_work) or inter.in_wrap_up:
                self._require_disposition(inter, has_disposition)
            if note is not None and not note.strip():
                raise ActionError(Code.invalid_args, "a note needs some text")
            if found is not None:
                inter.disposition = found.name
            if note:
                inter.notes.append(note)
            self._sync(inter)
            if not inter.in_wrap_up:
                self._transition(inter, Action.leave)
            if inter.is_live and inter.in_wrap_up:
                self._transition(inter, Action.complete)
            self._refresh_agent()

        return self._perform(
            "agent",
            "leave_and_complete_interaction",
            {"disposition": disposition, "note": note, "interaction_id": interaction_id},
            body,
        )

    def switch_active_interaction(self, interaction_id: str) -> OperationResult:
        """``switchActiveInteraction``."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.switch_active)
            self._switch_to(inter.id)

        return self._perform(
            "agent", "switch_active_interaction", {"interaction_id": interaction_id}, body
        )

    # ------------------------------------------------------------------ adApi: voice

    def set_call_hold(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallHold``: true holds, false resumes."""

        def body() -> None:
            inter = self._get(interaction_id)
            action = Action.hold if state else Action.resume
            self._check(inter, action)
            self._transition(inter, action)

        return self._perform(
            "agent", "set_call_hold", {"state": bool(state), "interaction_id": interaction_id}, body
        )

    def set_call_mute(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallMute``: mute or unmute the agent's microphone (a flag, not a state)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.mute if state else Action.unmute)
            inter.muted = bool(state)
            self._sync(inter)

        return self._perform(
            "agent", "set_call_mute", {"state": bool(state), "interaction_id": interaction_id}, body
        )

    def set_call_recording(self, state: bool, interaction_id: str | None = None) -> OperationResult:
        """``setCallRecording``: start or stop recording the call."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.record_start if state else Action.record_stop)
            inter.recording = bool(state)
            if state:
                if inter.step_id is None:
                    self._scenario_data(inter)
                inter.ever_recorded = True
                if inter.playback_url is None:
                    inter.playback_url = self.ids.playback_url(
                        self.tenant.host, self.tenant.id, self._now()
                    )
                if inter.recording_url is None and inter.step_id is not None:
                    inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)
            self._sync(inter)

        return self._perform(
            "agent",
            "set_call_recording",
            {"state": bool(state), "interaction_id": interaction_id},
            body,
        )

    def send_dtmf(self, dtmf: str, interaction_id: str | None = None) -> OperationResult:
        """``sendDtmf``: send tones on a connected call."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.dtmf)
            if not isinstance(dtmf, str) or not _DTMF.match(dtmf):
                raise ActionError(Code.invalid_args, f"not DTMF digits: {dtmf!r} (0-9 * # A-D ,)")
            inter.dtmf_sent += dtmf
            self._notice("dtmf", inter.id, dtmf)

        return self._perform(
            "agent", "send_dtmf", {"dtmf": dtmf, "interaction_id": interaction_id}, body
        )

    def _dialled(self, phone: str) -> tuple[str, Party | None]:
        """Validate a dialled number: its digits, and the party when it is a team member."""
        if not isinstance(phone, str) or not phone.strip():
            raise ActionError(Code.empty_number, "dial a number")
        raw = phone.strip()
        if digits_only(raw) == self.tenant.agent.extension:
            raise ActionError(Code.self_call, "that is the agent's own extension")
        member = self.tenant.member_by_phone(digits_only(raw))
        if member is not None:
            _team, person = member
            return person.extension, Party(
                self.ids.guid(), person.display_name, person.extension, person.id
            )
        if digits_only(raw) in self.tenant.ivr_numbers:
            return digits_only(raw), None
        number = normalize_phone(raw)
        if number is None:
            raise ActionError(Code.invalid_args, f"{raw!r} is not a valid phone number")
        return number, None

    def _outbound_service(self) -> Service:
        if self._service_name is None:
            raise ActionError(Code.no_service, "select a service first (setService)")
        service = self.tenant.service(self._service_name)
        assert service is not None
        return service

    def _new_outbound(
        self,
        phone: str,
        origination: InteractionOrigination,
        service: Service | None,
        party: Party | None,
    ) -> Interaction:
        inter = Interaction(
            id=self.ids.client_uuid(),
            type=InteractionType.voice,
            state=S.unknown,
            service=service,
            customer=None,
            created_ms=self._now(),
            call_direction=CallDirection.outbound,
            origination=origination,
            phone_number=phone,
            dnis=phone,
        )
        if party is None:
            party = Party(self.ids.guid(), phone, phone)
        inter.parties.append(party)
        if self.settings.outbound_ani == "did":
            did = self._selected_did()
            if did is not None:
                inter.ani = digits_only(did)
        elif self.settings.outbound_ani == "extension":
            inter.ani = self.tenant.agent.extension
        return inter

    def _selected_did(self) -> str | None:
        for did in self.tenant.dids:
            if did.id == self._did_id:
                return did.number
        return None

    def _dial(self, inter: Interaction) -> None:
        self._announce(inter)
        self._schedule(1, lambda: self._scenario_arrives(inter.id), "scenario data")
        answer_after = self.settings.outbound_answer_seconds
        if answer_after is not None:
            self._schedule(answer_after, lambda: self._remote_answers(inter.id), "remote answer")
        self._schedule(
            self.settings.outbound_no_answer_seconds,
            lambda: self._remote_no_answer(inter.id),
            "no answer",
        )

    def _scenario_data(self, inter: Interaction) -> None:
        if inter.global_interaction_id is None:
            inter.global_interaction_id = self.ids.guid()
        if inter.step_id is None:
            inter.step_id = self.ids.guid()
            if self.settings.recording_url == "always" or inter.ever_recorded:
                inter.recording_url = self.ids.recording_url(self.tenant.host, inter.step_id)

    def _scenario_arrives(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        self._scenario_data(inter)
        self._sync(inter)

    def _remote_answers(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        self._answer(inter)

    def _remote_no_answer(self, interaction_id: str) -> None:
        inter = self._interactions.get(interaction_id)
        if inter is None or inter.state is not S.unknown:
            return
        self._scenario_data(inter)
        self._transition(inter, Action.ring_timeout)
        self._refresh_agent()

    def _no_connected_call(self) -> None:
        for inter in self._interactions.values():
            if inter.type is InteractionType.voice and inter.state in (S.delivered, S.unknown):
                raise ActionError(
                    Code.not_suitable_state,
                    "there is a call in progress: hold it or hang up first",
                )
            if inter.type is InteractionType.voice and inter.state is S.delivery_pending:
                raise ActionError(Code.not_suitable_state, "answer or reject the ringing call")

    def start_call(
        self,
        phone_number: str,
        initial_object: dict[str, Any] | None = None,
        *,
        origination: InteractionOrigination | str = InteractionOrigination.integration_api,
        source: str = "integration",
    ) -> OperationResult:
        """``startCall``: dial a number; ``data`` is ``InitiateResult`` ``{id}``."""

        def body() -> dict[str, Any]:
            self._require_login()
            origin = _origination(origination)
            number, party = self._dialled(phone_number)
            service = self._outbound_service() if party is None else None
            did = next((d for d in self.tenant.dids if d.id == self._did_id), None)
            if party is None and did is not None and not did.is_voice:
                raise ActionError(
                    Code.no_permissions_did_call,
                    f"DID {did.number} is not enabled for calls: pick another (setDIDNumber)",
                )
            self._no_connected_call()
            record = self._associated_record(initial_object, source) if initial_object else None
            inter = self._new_outbound(number, origin, service, party)
            if record is not None:
                inter.associated.append(record)
            self._dial(inter)
            return {"id": inter.id}

        return self._perform(
            "agent",
            "start_call",
            {
                "phone_number": phone_number,
                "initial_object": initial_object,
                "origination": str(InteractionOrigination(origination).value)
                if origination in InteractionOrigination._value2member_map_
                or isinstance(origination, InteractionOrigination)
                else str(origination),
            },
            body,
        )

    def consult_call(
        self,
        phone: str,
        *,
        origination: InteractionOrigination | str = InteractionOrigination.integration_api,
    ) -> OperationResult:
        """``consultCall``: hold the active call and dial a second one to consult."""

        def body() -> dict[str, Any]:
            main = self._get(None)
            self._check(main, Action.consult)
            if main.consult_id is not None or main.consult_of is not None:
                raise ActionError(Code.not_suitable_state, "a consult call is already going on")
            number, party = self._dialled(phone)
            origin = _origination(origination)
            if main.state is S.delivered:
                self._transition(main, Action.hold)
            inter = self._new_outbound(number, origin, main.service, party)
            inter.consult_of = main.id
            main.consult_id = inter.id
            self._dial(inter)
            return {"id": inter.id}

        return self._perform(
            "agent", "consult_call", {"phone": phone, "origination": str(origination)}, body
        )

    def _ask_transfer_data(
        self,
        inter: Interaction,
        custom: dict[str, Any] | None,
        then: Callable[[dict[str, Any] | None], None],
    ) -> None:
        if custom is not None:
            then(dict(custom))
            return
        self._emit(
            E.ON_REQUEST_TRANSFER_DATA,
            inter.id,
            interaction_id=inter.id,
            then=lambda value: self._system("transfer data", lambda: then(value)),
        )

    def blind_transfer(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``blindTransfer``: send the call to a number; it ends for this agent."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.blind_transfer)
            self._dialled(phone)

            def carry_out(data: dict[str, Any] | None) -> None:
                if inter.id not in self._interactions or not is_allowed(
                    inter.state, inter.type, Action.blind_transfer
                ):
                    return
                inter.transfer_data = data
                self._notice("transferred", inter.id, phone)
                self._transition(inter, Action.blind_transfer)
                self._refresh_agent()

            self._ask_transfer_data(inter, custom_transfer_data, carry_out)

        return self._perform(
            "agent",
            "blind_transfer",
            {
                "phone": phone,
                "custom_transfer_data": custom_transfer_data,
                "interaction_id": interaction_id,
            },
            body,
        )

    def transfer(self, custom_transfer_data: dict[str, Any] | None = None) -> OperationResult:
        """``transfer``: complete a consult transfer (the consult call must be connected)."""

        def body() -> None:
            current = self._get(None)
            main = current
            if current.consult_of is not None:
                main = self._interactions[current.consult_of]
            consult = self._interactions.get(main.consult_id or "")
            if consult is None:
                raise ActionError(Code.not_suitable_state, "start a consult call first")
            if consult.state is not S.delivered:
                raise ActionError(Code.not_suitable_state, "the consulted party has not answered")
            self._check(main, Action.complete_transfer)

            def carry_out(data: dict[str, Any] | None) -> None:
                if main.id not in self._interactions or consult.id not in self._interactions:
                    return
                if consult.state is not S.delivered or not is_allowed(
                    main.state, main.type, Action.complete_transfer
                ):
                    return
                main.transfer_data = data
                self._notice("transferred", main.id, consult.phone_number or "")
                self._transition(main, Action.complete_transfer)
                self._transition(consult, Action.complete_transfer)
                self._refresh_agent()

            self._ask_transfer_data(main, custom_transfer_data, carry_out)

        return self._perform(
            "agent", "transfer", {"custom_transfer_data": custom_transfer_data}, body
        )

    def invite_to_call_conference(
        self,
        phone: str,
        custom_transfer_data: dict[str, Any] | None = None,
        interaction_id: str | None = None,
    ) -> OperationResult:
        """``inviteToCallConference``: add a party to the call (single-step conference)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.conference_invite)
            number, party = self._dialled(phone)
            if any(existing.phone == number for existing in inter.parties):
                raise ActionError(Code.invalid_args, f"{number} is already on the call")
            new_party = party or Party(self.ids.guid(), number, number)

            def carry_out(data: dict[str, Any] | None) -> None:
                if inter.id not in self._interactions or not is_allowed(
                    inter.state, inter.type, Action.conference_remove
                ):
                    return
                inter.transfer_data = data
                inter.parties.append(new_party)
                self._sync(inter)

            self._ask_transfer_data(inter, custom_transfer_data, carry_out)

        return self._perform(
            "agent",
            "invite_to_call_conference",
            {
                "phone": phone,
                "custom_transfer_data": custom_transfer_data,
                "interaction_id": interaction_id,
            },
            body,
        )

    def remove_from_call_conference(
        self, party_id: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``removeFromCallConference``: drop a party (by ``CallParty.id``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.conference_remove)
            party = next((p for p in inter.parties if p.id == party_id), None)
            if party is None:
                raise ActionError(Code.object_not_found, f"no party {party_id!r} on this call")
            if len(inter.parties) < 2:
                raise ActionError(Code.not_suitable_state, "the only party left: hang up instead")
            inter.parties.remove(party)
            self._sync(inter)

        return self._perform(
            "agent",
            "remove_from_call_conference",
            {"party_id": party_id, "interaction_id": interaction_id},
            body,
        )

    def destroy_call_conference(self, interaction_id: str | None = None) -> OperationResult:
        """``destroyCallConference``: drop every party added to the call."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.conference_destroy)
            if len(inter.parties) < 2:
                raise ActionError(Code.not_suitable_state, "this call is not a conference")
            del inter.parties[1:]
            self._sync(inter)

        return self._perform(
            "agent", "destroy_call_conference", {"interaction_id": interaction_id}, body
        )

    # ------------------------------------------------------------------ adApi: chat, email

    def send_chat_message(self, message: str, interaction_id: str | None = None) -> OperationResult:
        """``sendChatMessage``: the agent writes in a chat."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.send_chat)
            if not isinstance(message, str) or not message.strip():
                raise ActionError(Code.invalid_args, "a chat message needs some text")
            inter.transcript.append(ChatMessage(self._now(), "agent", message))
            self._notice("chat_message", inter.id, message)

        return self._perform(
            "agent",
            "send_chat_message",
            {"message": message, "interaction_id": interaction_id},
            body,
        )

    def send_email_reply(
        self, body_text: str, interaction_id: str | None = None
    ) -> OperationResult:
        """Reply to an email (the agent desktop's reply editor); the email goes to wrap-up."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.send_email_reply)
            if not isinstance(body_text, str) or not body_text.strip():
                raise ActionError(Code.invalid_args, "a reply needs some text")
            inter.transcript.append(ChatMessage(self._now(), "agent", body_text))
            self._notice("email_reply", inter.id, body_text)
            self._transition(inter, Action.send_email_reply)
            self._refresh_agent()

        return self._perform(
            "agent",
            "send_email_reply",
            {"body_text": body_text, "interaction_id": interaction_id},
            body,
        )

    def start_chat(
        self, channel: str, address: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startChat``: not simulated in this version (answers ``api_method_not_implemented``)."""
        return self._perform(
            "agent",
            "start_chat",
            {"channel": channel, "address": address},
            lambda: self._not_implemented("startChat"),
        )

    def start_email(
        self, email: str, initial_object: dict[str, Any] | None = None
    ) -> OperationResult:
        """``startEmail``: the vendor's build answers ``api_method_not_implemented``; so do we."""
        return self._perform(
            "agent", "start_email", {"email": email}, lambda: self._not_implemented("startEmail")
        )

    def _not_implemented(self, method: str) -> None:
        self._require_login()
        raise ActionError(Code.api_method_not_implemented, f"{method} is not implemented")

    # ------------------------------------------------------------------ adApi: wrap-up data

    def _find_disposition(self, inter: Interaction, key: str) -> Disposition:
        service = inter.service
        found = service.find_disposition(key) if service and service.use_dispositions else None
        if found is None:
            raise ActionError(
                Code.object_not_found,
                f"no disposition {key!r} in service {service.name if service else '(none)'!r}",
            )
        return found

    def set_disposition(
        self, disposition: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``setDisposition``: by id, code or name; the payload carries the name."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.disposition)
            found = self._find_disposition(inter, disposition)
            inter.disposition = found.name
            self._sync(inter)

        return self._perform(
            "agent",
            "set_disposition",
            {"disposition": disposition, "interaction_id": interaction_id},
            body,
        )

    def _note(self, name: str, note: str, interaction_id: str | None, mode: str) -> OperationResult:
        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.note)
            if not isinstance(note, str) or not note.strip():
                raise ActionError(Code.invalid_args, "a note needs some text")
            if mode == "add" or not inter.notes:
                inter.notes.append(note)
            elif mode == "update":
                inter.notes[-1] = note
            else:
                inter.notes[:] = [note]
            self._sync(inter)

        return self._perform("agent", name, {"note": note, "interaction_id": interaction_id}, body)

    def add_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``addNote``: append a note (notes join with newlines into ``description``)."""
        return self._note("add_note", note, interaction_id, "add")

    def update_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``updateNote``: replace the latest note."""
        return self._note("update_note", note, interaction_id, "update")

    def replace_note(self, note: str, interaction_id: str | None = None) -> OperationResult:
        """``replaceNote``: replace all notes with this one."""
        return self._note("replace_note", note, interaction_id, "replace")

    def set_variable(
        self, key: str, value: str, interaction_id: str | None = None
    ) -> OperationResult:
        """``setVariable``: set a scenario variable (it shows in ``attachedData``)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.set_data)
            if not isinstance(key, str) or not key:
                raise ActionError(Code.invalid_args, "a variable needs a name")
            inter.attached_data[key] = str(value)
            self._sync(inter)

        return self._perform(
            "agent",
            "set_variable",
            {"key": key, "value": value, "interaction_id": interaction_id},
            body,
        )

    def get_variables(self, keys: list[str], interaction_id: str | None = None) -> OperationResult:
        """``getVariables``: the named scenario variables that are set."""
        try:
            inter = self._get(interaction_id)
        except ActionError as exc:
            return fail(exc.code, exc.message)
        return ok({key: inter.attached_data[key] for key in keys if key in inter.attached_data})

    def _associated_record(self, data: dict[str, Any], source: str) -> dict[str, Any]:
        from pydantic import ValidationError

        from simulator.contract import InteractionAssociatedObject

        try:
            record = InteractionAssociatedObject.model_validate({**data, "source": source})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the object"
            raise ActionError(
                Code.invalid_args,
                f"not an associated object: {where}: {first['msg']} "
                "(needs id, type, displayName, displayType)",
            ) from None
        return record.wire()

    def add_interaction_associated_object(
        self,
        associated_object: dict[str, Any],
        interaction_id: str | None = None,
        *,
        source: str = "integration",
    ) -> OperationResult:
        """``addInteractionAssociatedObject``: associate a CRM record (``source`` = the
        integration key)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.set_data)
            record = self._associated_record(associated_object, source)
            inter.associated = [r for r in inter.associated if r["id"] != record["id"]]
            inter.associated.append(record)
            if inter.selected_record is None:
                inter.selected_record = record["id"]
            self._sync(inter)

        return self._perform(
            "agent",
            "add_interaction_associated_object",
            {"associated_object": associated_object, "interaction_id": interaction_id},
            body,
        )

    def set_interaction_active_screen(
        self, screen: dict[str, Any], interaction_id: str | None = None
    ) -> OperationResult:
        """``setInteractionActiveScreen``: remember the CRM screen (replayed by
        ``ON_SHOW_SCREEN`` when the agent switches back to the interaction)."""

        def body() -> None:
            inter = self._get(interaction_id)
            self._check(inter, Action.set_data)
            inter.active_screen = dict(screen)

        return self._perform(
            "agent",
            "set_interaction_active_screen",
            {"screen": screen, "interaction_id": interaction_id},
            body,
        )

    # ------------------------------------------------------------------ adApi: directory

    def _logged(self, produce: Callable[[], Any]) -> OperationResult:
        if self._phase is AgentPhase.logged_out:
            return fail(Code.not_logged_in, "log in first (login)")
        try:
            return ok(produce())
        except ActionError as exc:
            return fail(exc.code, exc.message)

    def _agent_member_state(self) -> str:
        if self._phase is AgentPhase.logged_out:
            return "offline"
        return self._phase.value

    def get_teams(self) -> OperationResult:
        """``getTeams``."""
        own = self.tenant.agent.team
        return self._logged(
            lambda: [
                team.to_wire(extra_members=1 if team.id == own else 0).wire()
                for team in self.tenant.teams
            ]
        )

    def get_team_members(self, team_id: str) -> OperationResult:
        """``getTeamMembers``: the members with their states (``object_not_found`` for an
        unknown team)."""

        def produce() -> list[dict[str, Any]]:
            team = self.tenant.team(team_id)
            if team is None:
                raise ActionError(Code.object_not_found, f"no team {team_id!r}")
            members = [team.member_to_wire(member).wire() for member in team.members]
            if team.id == self.tenant.agent.team:
                agent = self.tenant.agent
                members.insert(
                    0,
                    {
                        "id": agent.id,
                        "teamId": team.id,
                        "firstName": agent.first_name,
                        "lastName": agent.last_name,
                        "phone": agent.extension,
                        "state": self._agent_member_state(),
                    },
                )
            return members

        return self._logged(produce)

    def get_services_list(self) -> OperationResult:
        """``getServicesList``."""
        return self._logged(lambda: [s.to_wire().wire() for s in self.tenant.services])

    def get_service(self) -> OperationResult:
        """``getService``: the service agent-initiated calls use, or null."""

        def produce() -> dict[str, Any] | None:
            if self._service_name is None:
                return None
            service = self.tenant.service(self._service_name)
            return service.to_wire().wire() if service else None

        return self._logged(produce)

    def set_service(self, service: str | None) -> OperationResult:
        """``setService``: by id or name, or null for none."""

        def body() -> None:
            self._require_login()
            if service is None:
                self._service_name = None
                return
            found = self.tenant.service(service)
            if found is None:
                raise ActionError(Code.object_not_found, f"no service {service!r}")
            self._service_name = found.name

        return self._perform("agent", "set_service", {"service": service}, body)

    def get_did_numbers_list(self) -> OperationResult:
        """``getDIDNumbersList``."""
        return self._logged(lambda: [did.wire() for did in self.tenant.dids])

    def get_did_number(self) -> OperationResult:
        """``getDIDNumber``: the selected DID, or null."""
        return self._logged(
            lambda: next((d.wire() for d in self.tenant.dids if d.id == self._did_id), None)
        )

    def set_did_number(self, did: str | None) -> OperationResult:
        """``setDIDNumber``: by id or number, or null."""

        def body() -> None:
            self._require_login()
            if did is None:
                self._did_id = None
                return
            found = next((d for d in self.tenant.dids if did in (d.id, d.number)), None)
            if found is None:
                raise ActionError(Code.object_not_found, f"no DID {did!r}")
            self._did_id = found.id

        return self._perform("agent", "set_did_number", {"did": did}, body)

    def get_dispositions_list(self, target: dict[str, str] | None = None) -> OperationResult:
        """``getDispositionsList``: of a service (id or name) or of an interaction's service."""

        def produce() -> list[dict[str, Any]]:
            wanted = target or {}
            service: Service | None
            if wanted.get("interactionId"):
                service = self._get(wanted["interactionId"]).service
            elif wanted.get("service"):
                service = self.tenant.service(wanted["service"])
                if service is None:
                    raise ActionError(Code.object_not_found, f"no service {wanted['service']!r}")
            elif self._active is not None:
                service = self._interactions[self._active].service
            else:
                raise ActionError(Code.invalid_args, "give a service or an interactionId")
            if service is None or not service.use_dispositions:
                return []
            return [d.to_wire().wire() for d in service.dispositions]

        return self._logged(produce)

    def get_config(self) -> OperationResult:
        """``getConfig``: the integration's configuration (``{}`` for custom integrations)."""
        return ok({})

    def get_interactions_state(self) -> OperationResult:
        """``getInteractionsState`` (5.24.1): the active id and every interaction's payload."""
        return self._logged(
            lambda: {
                "activeInteractionId": self._active,
                "interactions": [
                    inter.wire(self.settings.ivr_state_spelling)
                    for inter in self._interactions.values()
                ],
            }
        )
