"""Running a scenario headless on the virtual clock, with or without handlers.

``ScenarioRunner(file).run()`` drives a fresh ``Simulator`` step by step and returns a
``ScenarioResult``: the events, the failed expectations, and the step the engine refused (if
any). With a handler host, the runner waits after every step until the handlers have handled
everything (``host.wait_idle()``) and runs their deferred answers (``sim.drain_posted()``), so a
run with handlers is as reproducible as the handlers are.

Exit codes (``ScenarioResult.exit_code``): 0 passed; 1 an expectation failed or a handler
failed; 2 the scenario asks for something the engine refuses (an action that cannot happen in
that state, a disposition the service does not have ...): the file is wrong, as with a syntax
error. Handlers that keep acting on their own events (``HandlerLoopError`` from the host's
``settle``) stop the run at that step with exit code 1: the integration is wrong, not the file.
A journal that cannot commit a step's events (``CommitError``: none of them reached a handler)
stops the run at that step with exit code 1 too, naming the journal and the cause.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from simulator.contract import (
    EventName,
    InteractionOrigination,
    InteractionType,
    OperationResult,
    ResultErrorCode,
    fail,
    ok,
)
from simulator.data import digits_only, normalize_phone
from simulator.engine import AgentDesktop, CommitError, Event, EventRecorder, Simulator
from simulator.engine import widget_requests as requests
from simulator.handlers import HandlerHost, HandlerLoopError
from simulator.scenarios import model as m
from simulator.scenarios.agents import ScenarioAgents, UnknownStepAgentError, settle_hosts
from simulator.scenarios.expectations import ExpectContext, check
from simulator.scenarios.loader import ScenarioFile

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "Failure",
    "ScenarioResult",
    "ScenarioRunner",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2

_MAX_TIMERS_PER_WAIT = 1_000_000
_SYSTEM_ACTIONS = frozenset({"ring_timeout", "acw_timeout"})


class HandlerHostLike(Protocol):
    """What the runner needs of ``simulator.handlers.HandlerHost``."""

    @property
    def outcomes(self) -> list[Any]: ...

    @property
    def failures(self) -> list[Any]: ...

    def wait_idle(self, timeout: float | None = None) -> bool: ...

    def close(self) -> None: ...


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
    outcomes: list[Any] = field(default_factory=list)
    """Every handler outcome, in order (latencies for load mode)."""
    allow_handler_errors: bool = False
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
        if self.failures or self.subscriber_errors:
            return EXIT_FAILED
        if self.handler_failures and not self.allow_handler_errors:
            return EXIT_FAILED
        return EXIT_OK

    @property
    def passed(self) -> bool:
        """True when the exit code is 0."""
        return self.exit_code == EXIT_OK

    def jsonl(self) -> str:
        """The events as JSON lines (``Event.to_json``): byte-identical for the same seed."""
        return "".join(event.to_json() + "\n" for event in self.events)


class StepRefusedError(Exception):
    """The engine refused a step's action (or the step names nothing that exists)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ScenarioRunner:
    """Runs one scenario file on a fresh simulator (``runner.sim``) and returns its result.

    ``host`` is a handler host already bound to ``runner.sim`` (set it after construction), or
    pass ``host_factory(sim)`` to build one; a host the runner built is closed after the run
    (with ``close_host(host)`` when given: the CLI's ``finish_run`` also closes the journal).
    """

    def __init__(
        self,
        source: ScenarioFile,
        *,
        seed: int | None = None,
        host: HandlerHostLike | None = None,
        host_factory: Callable[[Simulator], HandlerHostLike] | None = None,
        close_host: Callable[[HandlerHostLike], Any] | None = None,
    ):
        self.file = source
        scenario = source.scenario
        self.seed = scenario.seed if seed is None else seed
        self.sim = Simulator(source.tenant, seed=self.seed, settings=scenario.settings)
        self.started_ms = self.sim.now_ms
        self.recorder = EventRecorder()
        self.sim.subscribe(self.recorder)
        self.agents = ScenarioAgents(self.sim, scenario.agent)
        """The scenario's agents (``agents:``): their desktops and starting states."""
        self._agent_problem: Failure | None = None
        problem = self.agents.add(scenario.agents, self.recorder)
        if problem is not None:
            index, message = problem
            where = source.where(source.mark("agents", index) or source.mark())
            self._agent_problem = Failure(where, message)
        self._own_host = host is None and host_factory is not None
        self._close_host = close_host
        self.host: HandlerHostLike | None = host
        if host is None and host_factory is not None:
            self.host = host_factory(self.sim)
        self.agent_hosts: list[HandlerHostLike] = []
        """The handler hosts of the scenario's other agents (``agents:``), one per desktop;
        ``add_agent_hosts`` builds them with the same factory as ``host``."""
        if self._own_host and host_factory is not None:
            self.add_agent_hosts(host_factory)
        self.names: dict[str, str] = {}
        """Interaction names given with ``as`` -> interaction ids."""
        self._last_step_from = 0
        self._last_expect_from = 0
        self.should_stop: Callable[[], bool] | None = None
        """Asked before each step; True stops the run there (Ctrl-C under ``--page``)."""

    # ------------------------------------------------------------------ running

    def run(self) -> ScenarioResult:
        """Run every step; stops at a step the engine refuses."""
        scenario = self.file.scenario
        sim = self.sim
        result = ScenarioResult(
            self.file.name,
            self.file.path,
            self.seed,
            allow_handler_errors=scenario.allow_handler_errors,
        )
        started = time.perf_counter()
        try:
            self.start(result)
            if result.error is None:
                for index, step in enumerate(scenario.steps):
                    if self.should_stop is not None and self.should_stop():
                        break
                    if not self.run_step(index, step, result):
                        break
                    result.steps_run += 1
        finally:
            try:
                self._settle()
            except HandlerLoopError as exc:
                if result.error is None:
                    self._stop_loop(result, self.file.where(self.file.mark()), exc)
            except CommitError as exc:
                if result.error is None:
                    self._stop_journal(result, self.file.where(self.file.mark()), exc)
            result.wall_seconds = time.perf_counter() - started
            result.events = list(self.recorder.events)
            result.simulated_ms = sim.now_ms - self.started_ms
            result.interactions = sum(
                1 for e in result.events if e.name is EventName.ON_NEW_INTERACTION
            )
            result.subscriber_errors = [
                f"{error.subscriber} raised on {error.event.name.value} #{error.event.seq}"
                for desk in sim.center.desktops
                for error in desk.bus.errors
            ]
            if self.host is not None:
                result.outcomes = list(self.host.outcomes)
                result.handler_failures = list(self.host.failures)
                if self._own_host:
                    (self._close_host or type(self.host).close)(self.host)
            for host in self.agent_hosts:
                result.outcomes += list(host.outcomes)
                result.handler_failures += list(host.failures)
                if self._own_host:
                    (self._close_host or type(host).close)(host)
        return result

    def new_result(self) -> ScenarioResult:
        """An empty result for a step-by-step run (``start``, then ``run_step`` per step)."""
        return ScenarioResult(
            self.file.name,
            self.file.path,
            self.seed,
            allow_handler_errors=self.file.scenario.allow_handler_errors,
        )

    def add_agent_hosts(self, factory: Callable[[Any], HandlerHostLike]) -> None:
        """One handler host per other agent, built by ``factory(desktop)``: the same plugins
        for every agent by default (``ad_api.agent`` tells them apart)."""
        for desk in self.agents.others():
            self.agent_hosts.append(factory(desk))

    def desk(self, name: str | None) -> AgentDesktop:
        """The desktop of the agent ``name`` (``by:``); the tenant's agent for None."""
        try:
            return self.agents.desk(name)
        except UnknownStepAgentError as exc:
            raise StepRefusedError(str(exc)) from None

    def start(self, result: ScenarioResult) -> None:
        """Bring the agents to the scenario's start states (``result.error`` when refused)."""
        if self._agent_problem is not None:
            result.error = self._agent_problem
            return
        if self.host is None and self.file.handler_paths:
            # The scenario names its handlers and nobody gave a host (set after construction,
            # or a factory): the runner builds one here, and closes it after the run.
            self.host = _scenario_host(self.sim)
            self._own_host = True
        widget = getattr(self.host, "widget", None)
        if widget is not None and hasattr(widget, "record_calls"):
            widget.record_calls()  # for `api:` expectations on the envelopes handlers got
        for index, path in enumerate(self.file.handler_paths):
            failed = self._load_handlers(path)
            if failed is not None:
                mark = self.file.mark("handlers", index)
                result.error = Failure(self.file.where(mark), failed)
                return
        for desk in self.sim.center.desktops:
            start = self.agents.start_states.get(desk.name, "logged_out")
            if desk is self.sim:
                where = self.file.where(self.file.mark("agent") or self.file.mark())
            else:
                where = self.file.where(self.file.mark("agents") or self.file.mark())
            if start == "logged_out":
                continue
            try:
                outcome = desk.login()
                if outcome.ok and start == "ready":
                    outcome = desk.set_agent_state("ready")
                self._settle()
            except HandlerLoopError as exc:
                self._stop_loop(result, where, exc)
                return
            except CommitError as exc:
                self._stop_journal(result, where, exc)
                return
            if not outcome.ok:
                who = "the agent" if desk is self.sim else f"agent `{desk.name}`"
                result.error = Failure(where, f"{who} could not start {start}: {_error(outcome)}")
                return

    def run_step(self, index: int, step: m.StepModel, result: ScenarioResult) -> bool:
        """Run step ``index``; False when the engine refused it or handlers looped
        (``result.error``)."""
        where = self.file.where(self.file.step_mark(index))
        try:
            return self._run_step(index, step, result, where)
        except HandlerLoopError as exc:
            self._stop_loop(result, where, exc)
            return False
        except CommitError as exc:
            self._stop_journal(result, where, exc)
            return False

    def _stop_loop(self, result: ScenarioResult, where: str, exc: HandlerLoopError) -> None:
        result.error = Failure(where, str(exc))
        result.handlers_looped = True

    def _stop_journal(self, result: ScenarioResult, where: str, exc: CommitError) -> None:
        result.error = Failure(where, f"the run stopped here: journal {exc}")
        result.journal_failed = True

    def _run_step(self, index: int, step: m.StepModel, result: ScenarioResult, where: str) -> bool:
        events = self.recorder.events
        if isinstance(step, STEP_MODELS["wait"]):
            self._last_step_from = len(events)
            self._wait(step.value.total_ms)
            return True
        if isinstance(step, STEP_MODELS["expect"]):
            self._expect(index, step, result)
            self._last_expect_from = len(events)
            return True
        self._last_step_from = len(events)
        try:
            desk = self.desk(getattr(step, "by", None))
            outcome = self._act(step, desk)
        except StepRefusedError as exc:
            result.error = Failure(where, exc.message)
            return False
        self._settle()
        wanted = getattr(step, "expect_error", None)
        if outcome.ok:
            given = step.name_given
            if given is not None and isinstance(outcome.data, dict) and "id" in outcome.data:
                self.names[given] = outcome.data["id"]
            if wanted is not None:
                result.failures.append(
                    Failure(where, f"expected `{step.key}` to fail with {wanted}; it succeeded")
                )
            return True
        name = outcome.error.name
        if wanted is None:
            result.error = Failure(where, self._refusal(step, outcome, desk))
            return False
        if wanted not in ("any", name):
            result.failures.append(
                Failure(where, f"expected `{step.key}` to fail with {wanted}; {_error(outcome)}")
            )
        return True

    def _refusal(self, step: m.StepModel, outcome: OperationResult, desk: AgentDesktop) -> str:
        message = f"`{step.key}` was refused: {_error(outcome)}"
        names = self.agents.names_for(desk, self.names)
        for name, iid in names.items():
            message = message.replace(repr(iid), f"`{name}`").replace(iid, f"`{name}`")
        target = names.get(step.target or "") or desk.active_interaction_id
        inter = desk.interaction(target) if target else None
        if inter is not None:
            allowed = sorted(
                action.value
                for action in desk.allowed(inter.id)
                if action.value not in _SYSTEM_ACTIONS
            )
            who = f"`{step.target}`" if step.target else "the active interaction"
            message += (
                f". {who} is a {inter.type.value} in state {inter.state.value}; allowed now: "
                f"{', '.join(allowed) or 'nothing'}"
            )
        message += " (add expect_error: CODE to the step if that is the point)"
        return message

    def _expect(self, index: int, step: m.StepModel, result: ScenarioResult) -> None:
        value = step.value
        specs = value if isinstance(value, list) else [value]
        for number, spec in enumerate(specs):
            result.expectations += 1
            path = ("expect", number) if isinstance(value, list) else ()
            where = self.file.where(self.file.step_mark(index, *path))
            try:
                ctx = self._expect_context(spec.by)
            except StepRefusedError as exc:
                result.failures.append(Failure(where, exc.message))
                continue
            for message in check(spec, ctx):
                result.failures.append(Failure(where, message))

    def _expect_context(self, by: str | None) -> ExpectContext:
        """What an expectation on one agent's desktop sees (its events only, when there are
        several agents)."""
        desk = self.desk(by)
        events, (last_step, last_expect) = self.agents.events_of(
            desk, self.recorder.events, self._last_step_from, self._last_expect_from
        )
        return ExpectContext(
            sim=desk,
            events=events,
            names=self.agents.names_for(desk, self.names),
            host=self.host,
            last_step_from=last_step,
            last_expect_from=last_expect,
            start_ms=self.started_ms,
        )

    # ------------------------------------------------------------------ time and handlers

    def _settle(self) -> None:
        """Let handlers handle everything so far and run their deferred answers
        (``HandlerLoopError`` from a host whose handlers keep acting on their own events;
        ``CommitError`` when the journal refused events, which are then held back)."""
        self._settle_host()
        held = self.sim.bus.held
        if held is not None:  # a commit failed where it could not raise (a handler's call)
            raise held

    def _settle_host(self) -> None:
        host = self.host
        sim = self.sim
        if self.agent_hosts:
            settle_hosts([h for h in (host, *self.agent_hosts) if h is not None], sim)
            return
        if host is None:
            sim.drain_posted()
            return
        settle = getattr(host, "settle", None)
        if settle is not None:
            settle()
            return
        for _ in range(10_000):
            before = sim.bus.count
            host.wait_idle()
            sim.drain_posted()
            if sim.bus.count == before:
                break

    def _wait(self, ms: int) -> None:
        sim = self.sim
        target = sim.now_ms + ms
        if self.host is not None or self.agent_hosts:
            # One timer at a time, so handlers see each timer's events before the next fires.
            for _ in range(_MAX_TIMERS_PER_WAIT):
                due = sim.next_timer_ms()
                if due is None or due > target:
                    break
                sim.advance_ms(max(0, due - sim.now_ms))
                self._settle()
        sim.advance_ms(target - sim.now_ms)
        self._settle()

    # ------------------------------------------------------------------ actions

    def _iid(self, step: m.StepModel, desk: AgentDesktop | None = None) -> str | None:
        name = step.target
        if name is None:
            return None
        iid = self.names.get(name)
        if iid is None:
            raise StepRefusedError(f"`{name}` was never created (the step that names it failed)")
        if desk is not None and desk is not self.sim:
            return self.agents.names_for(desk, self.names)[name]
        return iid

    def _act(self, step: m.StepModel, desk: AgentDesktop | None = None) -> OperationResult:
        handler = _ACTIONS[step.key]
        if desk is None or desk is self.sim:
            return handler(self, step.value, self._iid(step))
        # ``by: NAME``: the step's action runs on that agent's desktop (the actions below all
        # act on ``r.sim``; time, timers and the queue are the center's, shared by all).
        iid = self._iid(step, desk)
        tenant_agent, self.sim = self.sim, desk
        try:
            return handler(self, step.value, iid)
        finally:
            self.sim = tenant_agent

    def _load_handlers(self, path: Any) -> str | None:
        """Load a scenario's handler file into the host; why it failed, or None."""
        load = getattr(self.host, "load", None)
        if load is None:
            return f"this run's handler host cannot load {path}"
        try:
            statuses = load(path)
        except (OSError, ValueError) as exc:
            return f"cannot load handlers from {path}: {exc}"
        for status in statuses:
            if not status.loaded:
                return f"handler {status.name} did not load: {status.error}"
        return None

    def _conference(self, value: m.ConferenceSpec, iid: str | None) -> OperationResult:
        sim = self.sim
        chat = sim.interaction(iid or sim.active_interaction_id or "")
        if chat is not None and chat.type is InteractionType.chat and not value.end:
            # On a chat a conference is a chat conference (a colleague joins the chat).
            if value.invite is not None:
                return sim.invite_to_chat_conference(
                    value.invite, iid, custom_transfer_data=value.data
                )
            return sim.remove_from_chat_conference(value.remove or "", iid)
        if value.invite is not None:
            return sim.invite_to_call_conference(value.invite, value.data, iid)
        if value.end:
            return sim.destroy_call_conference(iid)
        assert value.remove is not None
        party_id = value.remove
        inter = sim.interaction(iid or sim.active_interaction_id or "")
        if inter is not None:
            wanted = {value.remove, digits_only(value.remove)}
            normal = normalize_phone(value.remove)
            if normal:
                wanted.add(normal)
            for party in inter.parties:
                if party.id == value.remove or party.phone in wanted:
                    party_id = party.id
                    break
        return sim.remove_from_call_conference(party_id, iid)


def _scenario_host(sim: Simulator) -> Any:
    """The handler host of a scenario that names its handlers and runs without ``--handler``."""
    return HandlerHost(sim)


def _error(outcome: OperationResult) -> str:
    error = outcome.error
    assert error is not None
    return f"{error.name} ({error.code})" + (f": {error.message}" if error.message else "")


def _customer(spec: m.CustomerSpec | None) -> dict[str, Any] | None:
    if spec is None:
        return None
    return spec.model_dump(exclude_none=True)


def _origination(value: InteractionOrigination | None) -> dict[str, Any]:
    return {} if value is None else {"origination": value}


def _call(r: ScenarioRunner, v: m.CallSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.CallSpec()
    return r.sim.offer_call(
        v.service,
        _customer(v.customer),
        attached_data=dict(v.attached_data) or None,
        transfer_data=v.transfer_data,
        direct=v.direct,
    )


def _chat(r: ScenarioRunner, v: m.ChatSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.ChatSpec()
    return r.sim.offer_chat(
        v.service, _customer(v.customer), v.message, attached_data=dict(v.attached_data) or None
    )


def _email(r: ScenarioRunner, v: m.EmailSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.EmailSpec()
    return r.sim.offer_email(
        v.service,
        _customer(v.customer),
        v.subject,
        v.body,
        attached_data=dict(v.attached_data) or None,
    )


def _record(r: ScenarioRunner, v: Any, iid: str | None) -> OperationResult:
    on = v is None or v is True or v == "start"
    return r.sim.set_call_recording(on, iid)


def _note(r: ScenarioRunner, v: m.NoteSpec, iid: str | None) -> OperationResult:
    method = {"add": r.sim.add_note, "update": r.sim.update_note, "replace": r.sim.replace_note}
    return method[v.mode](v.text, iid)


def _switch(r: ScenarioRunner, v: str, _iid: str | None) -> OperationResult:
    target = r.agents.names_for(r.sim, r.names).get(v)
    if target is None:
        raise StepRefusedError(f"`{v}` was never created (the step that names it failed)")
    return r.sim.switch_active_interaction(target)


def _hang_up(r: ScenarioRunner, v: str | None, iid: str | None) -> OperationResult:
    if v == "customer":
        return r.sim.customer_hang_up(iid)
    return r.sim.leave_interaction(iid)


def _leave_and_complete(
    r: ScenarioRunner, v: m.LeaveAndCompleteSpec | None, iid: str | None
) -> OperationResult:
    v = v or m.LeaveAndCompleteSpec()
    return r.sim.leave_and_complete_interaction(v.disposition, v.note, iid)


def _login(r: ScenarioRunner, v: m.LoginSpec | None, _iid: str | None) -> OperationResult:
    v = v or m.LoginSpec()
    return r.sim.login(v.username, v.password)


def _panel(ask: Callable[[ScenarioRunner, Any, str | None], Any]) -> _Action:
    """A step that sends an event from one of the agent's panels (logged in only)."""

    def act(r: ScenarioRunner, v: Any, iid: str | None) -> OperationResult:
        if not r.sim.agent.logged_in:
            return fail(ResultErrorCode.not_logged_in, "log in first (login)")
        ask(r, v, iid)
        return ok()

    return act


def _validate_records(r: ScenarioRunner, _v: Any, iid: str | None) -> OperationResult:
    state = r.sim.get_interactions_state()
    if not state.ok:
        return state
    target = iid or state.data["activeInteractionId"]
    for payload in state.data["interactions"]:
        if payload["interactionId"] == target:
            requests.validate_associated_records(r.sim, target, payload["associatedObjects"])
            return ok()
    return fail(ResultErrorCode.no_interaction, "there is no active interaction; pass on:")


_Action = Callable[[ScenarioRunner, Any, "str | None"], OperationResult]

_ACTIONS: dict[str, _Action] = {
    "login": _login,
    "logout": lambda r, v, i: r.sim.logout(),
    "set_state": lambda r, v, i: r.sim.set_agent_state(v.state, v.reason),
    "call": _call,
    "chat": _chat,
    "email": _email,
    "hang_up": _hang_up,
    "answer": lambda r, v, i: r.sim.customer_answer(i),
    "customer_says": lambda r, v, i: r.sim.customer_message(v, i),
    "accept": lambda r, v, i: r.sim.accept_interaction(i),
    "reject": lambda r, v, i: r.sim.reject_interaction(i),
    "leave": lambda r, v, i: r.sim.leave_interaction(i),
    "hold": lambda r, v, i: r.sim.set_call_hold(True, i),
    "resume": lambda r, v, i: r.sim.set_call_hold(False, i),
    "mute": lambda r, v, i: r.sim.set_call_mute(True, i),
    "unmute": lambda r, v, i: r.sim.set_call_mute(False, i),
    "record": _record,
    "dtmf": lambda r, v, i: r.sim.send_dtmf(v, i),
    "dial": lambda r, v, i: r.sim.start_call(
        v.phone, v.initial_object, **_origination(v.origination)
    ),
    "consult": lambda r, v, i: r.sim.consult_call(v.phone, **_origination(v.origination)),
    "transfer": lambda r, v, i: r.sim.transfer(v.data if v is not None else None),
    "blind_transfer": lambda r, v, i: r.sim.blind_transfer(v.to, v.data, i),
    "conference": lambda r, v, i: r._conference(v, i),
    "agent_says": lambda r, v, i: r.sim.send_chat_message(v, i),
    "start_chat": lambda r, v, i: r.sim.start_chat(v.channel, v.address, v.initial_object),
    "chat_conference": lambda r, v, i: (
        r.sim.invite_to_chat_conference(v.invite, i)
        if v.invite is not None
        else r.sim.remove_from_chat_conference(v.remove or "", i)
    ),
    "reply": lambda r, v, i: r.sim.send_email_reply(v, i),
    "disposition": lambda r, v, i: r.sim.set_disposition(v, i),
    "note": _note,
    "variable": lambda r, v, i: r.sim.set_variable(v.name, v.value, i),
    "associate": lambda r, v, i: r.sim.add_interaction_associated_object(dict(v), i),
    "screen": lambda r, v, i: r.sim.set_interaction_active_screen(dict(v), i),
    "crm_pop": lambda r, v, i: r.sim.pop_crm_record(v.id, v.type, i),
    "record_mute": lambda r, v, i: r.sim.set_call_recording_mute(v is not False, i),
    "summary": lambda r, v, i: (
        r.sim.generate_summary(i, v.topics, v.error, v.seconds)
        if v is not None
        else r.sim.generate_summary(i)
    ),
    "transcript": lambda r, v, i: r.sim.voice_transcript(v.text, v.party, i),
    "switch": _switch,
    "complete": lambda r, v, i: r.sim.complete_interaction(i),
    "leave_and_complete": _leave_and_complete,
    "set_service": lambda r, v, i: r.sim.set_service(v),
    "set_did": lambda r, v, i: r.sim.set_did_number(v),
    "kb_search": _panel(
        lambda r, v, i: requests.search_knowledge_base(r.sim, v.query, v.language, v.folder_id)
    ),
    "kb_article": _panel(lambda r, v, i: requests.get_knowledge_base_article(r.sim, v)),
    "kb_folder": _panel(
        lambda r, v, i: requests.get_knowledge_base_folder(
            r.sim, v.language if v else None, v.folder_id if v else None
        )
    ),
    "validate_records": _validate_records,
    "record_info": _panel(lambda r, v, i: requests.request_record_info(r.sim, v.id, v.type)),
    "record_on_screen": _panel(lambda r, v, i: requests.request_record_on_screen(r.sim)),
    "open_record": _panel(
        lambda r, v, i: requests.open_record(r.sim, dict(v.record), i, v.in_new_tab, v.source)
    ),
    "search_records": _panel(
        lambda r, v, i: requests.search_records(r.sim, v.text, list(v.types), i)
    ),
}

STEP_MODELS = m.STEP_TYPES
