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
stops the run at that step with exit code 1 too, naming the journal and the cause. During
``run`` the desktops' buses commit lazily (``EventBus.lazy_commits``): the runner's own record
passes nothing on, so a step's events are committed with the next step whose events a handler
gets, and what is left when the run ends.

What each step does to the simulator is ``step_actions``; how handlers and time settle between
steps, ``settling``; the result and the exit codes are ``result``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from simulator import interrupts
from simulator.contract import EventName, OperationResult, OperationSuccess
from simulator.engine import NOBODY, AgentDesktop, CommitError, EventRecorder, Simulator
from simulator.handlers import HandlerHost, HandlerLoopError
from simulator.scenarios import model as m
from simulator.scenarios.agents import ScenarioAgents, UnknownStepAgentError
from simulator.scenarios.expectations import ExpectContext, applies, check
from simulator.scenarios.loader import ScenarioFile
from simulator.scenarios.result import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    Failure,
    ScenarioResult,
    StepRefusedError,
)
from simulator.scenarios.settling import HandlerHostLike, Settling
from simulator.scenarios.step_actions import _ACTIONS, _error
from simulator.scenarios.version_steps import version_lacks, version_problem

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILED",
    "EXIT_OK",
    "Failure",
    "ScenarioResult",
    "ScenarioRunner",
]

_SYSTEM_ACTIONS = frozenset({"ring_timeout", "acw_timeout"})
_ARGUMENT_ERRORS = frozenset({"invalid_args", "empty_number", "self_call", "object_not_found"})
"""Refusals of what an action was given (a number, a disposition's name), not of the action."""
_STEP_OF = {"cancel_dial": "cancel_dial (the step `hang_up`)"}
"""Engine actions no step is named after: the step that performs them."""


class ScenarioRunner(Settling):
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
        # The acting desktop: the tenant's agent's, another agent's during a ``by:`` step.
        self.sim: AgentDesktop = Simulator(
            source.tenant, seed=self.seed, settings=scenario.settings
        )
        self.started_ms = self.sim.now_ms
        self.recorder = EventRecorder()
        # The runner's own record (expectations, the result): it passes nothing on, so a journal
        # commits events when a handler is about to get one, or at the run's end.
        self.sim.subscribe(self.recorder, NOBODY)
        self.agents = ScenarioAgents(self.sim, scenario.agent, "agent" in scenario.model_fields_set)
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
        self._host_of: dict[str, HandlerHostLike] = {}
        """Each other agent's host by the agent's name (``by:`` on ``handler:``, ``api:``)."""
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
        desks = self.sim.center.desktops
        for desk in desks:  # the journal commits when a handler is to get an event, and at the end
            desk.bus.lazy_commits = True
        interrupted = False
        try:
            self.start(result)
            if result.error is None:
                for index, step in enumerate(scenario.steps):
                    interrupts.check()  # a stop Python dropped (a signal in a finalizer)
                    if self.should_stop is not None and self.should_stop():
                        break
                    if not self.run_step(index, step, result):
                        break
                    result.steps_run += 1
        except KeyboardInterrupt:
            interrupted = True
            raise
        finally:
            try:
                if interrupted:
                    self._let_handlers_finish()
                else:
                    self._settle()
            except HandlerLoopError as exc:
                if result.error is None:
                    self._stop_loop(result, self.file.where(self.file.mark()), exc)
            except CommitError as exc:
                if result.error is None:
                    self._stop_journal(result, self.file.where(self.file.mark()), exc)
            for desk in desks:
                # The events no handler got: the journal has every event when the run ends.
                try:
                    desk.bus.commit_pending()
                except CommitError as exc:
                    if result.error is None:
                        self._stop_journal(result, self.file.where(self.file.mark()), exc)
                desk.bus.lazy_commits = False
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
            taken: list[str] = []  # the events the hosts' handlers take, every agent's
            unsubscribed: list[str] = []  # the plugins loaded that take none
            node: list[str] = []  # which of them are Node modules (adApi.on, not ad_api.on)
            called = False  # a handler of the integration's ran (not a Node module's forwarder
            # of an event the module has no handler of: a module is sent every event)
            for host in self._hosts():
                result.outcomes += list(host.outcomes)
                result.handler_failures += list(host.failures)
                registry = getattr(host, "registry", None)
                taken += registry.events() if registry is not None else ()
                unsubscribed += [
                    plugin.name
                    for plugin in getattr(host, "plugins", ())
                    if plugin.loaded and not plugin.handler_count
                ]
                node += [name for name in unsubscribed if registry and registry.forwards(name)]
                idle = registry.forwarders() if registry is not None else set()
                called = called or any((o.plugin, o.handler) not in idle for o in host.outcomes)
                if self._own_host:
                    (self._close_host or type(host).close)(host)
            if not called and taken:
                order = [name.value for name in EventName]
                result.idle_handlers = tuple(sorted(set(taken), key=order.index))
            result.unsubscribed = tuple(dict.fromkeys(unsubscribed))
            result.unsubscribed_node = tuple(dict.fromkeys(node))
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
            host = factory(desk)
            self.agent_hosts.append(host)
            self._host_of[desk.name] = host

    def _hosts(self) -> list[HandlerHostLike]:
        """Every agent's handler host, the tenant's agent's first."""
        return ([self.host] if self.host is not None else []) + self.agent_hosts

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
        late = version_problem(self.file, self.sim.api_version.value)
        if late is not None:  # a step this version has not: it would do nothing, silently
            result.error = Failure(self.file.where(late[0]), late[1])
            return
        if self.host is None and self.file.handler_paths:
            # The scenario names its handlers and nobody gave a host (set after construction,
            # or a factory): the runner builds one here, one per agent as ``--handler`` has
            # them, and closes them after the run.
            self.host = _scenario_host(self.sim)
            self._own_host = True
            self.add_agent_hosts(_scenario_host)
        for host in self._hosts():
            widget = getattr(host, "widget", None)
            if widget is not None and hasattr(widget, "record_calls"):
                widget.record_calls()  # for `api:` expectations on the envelopes handlers got
        for index, path in enumerate(self.file.handler_paths):
            failed = self._load_handlers(path)
            if failed is not None:
                mark = self.file.mark("handlers", index)
                result.error = Failure(self.file.where(mark), failed)
                return
        if self.file.handler_paths:  # loaded after the host was built, which could not say so
            interrupts.handlers_loaded()  # Ctrl-C's line: a second one does not wait for them
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
        if isinstance(outcome, OperationSuccess):
            given = step.name_given
            if given is not None and isinstance(outcome.data, dict) and "id" in outcome.data:
                self.names[given] = outcome.data["id"]
            if wanted is not None:
                result.failures.append(
                    Failure(where, f"expected `{step.key}` to fail with {wanted}; it succeeded")
                )
            return True
        name = outcome.error.name
        if wanted is None and version_lacks(step.key, outcome):
            return True  # a later version's file run under this one on purpose: a no-op here
        if wanted not in (None, "any", name) and version_lacks(step.key, outcome, self.file.raw):
            return True  # the same, with the refusal its version gave recorded (a replay)
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
            # ``allowed`` is by state: an action refused for another reason (``complete``
            # without the disposition its service requires) is not offered back; one refused
            # for its arguments (``consult: abc``) is allowed now with others, and is.
            offered = outcome.error is not None and outcome.error.name in _ARGUMENT_ERRORS
            allowed = sorted(
                _STEP_OF.get(action.value, action.value)
                for action in desk.allowed(inter.id)
                if action.value not in _SYSTEM_ACTIONS and (offered or action.value != step.key)
            )
            who = f"`{step.target}`" if step.target else "The active interaction"
            stop = "" if message.endswith(".") else "."  # a message that ends a sentence
            message += (
                f"{stop} {who} is a {inter.type.value} in state {inter.state.value}; allowed now: "
                f"{', '.join(allowed) or 'nothing'}"
            )
        message += " (add expect_error: CODE to the step if that is the point)"
        return message

    def _expect(self, index: int, step: m.StepModel, result: ScenarioResult) -> None:
        value = step.value
        specs = value if isinstance(value, list) else [value]
        for number, spec in enumerate(specs):
            if not applies(spec, self.sim.api_version.value):
                continue  # not checked, so not counted: the summary said "2 checked" for none
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
            # Its handlers' outcomes and calls: ``by: omar`` looked at the tenant's agent's.
            host=self.host if desk is self.sim else self._host_of.get(desk.name),
            last_step_from=last_step,
            last_expect_from=last_expect,
            start_ms=self.started_ms,
        )

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
        """Load a scenario's handler file into every agent's host; why it failed, or None."""
        for host in self._hosts():  # every agent's, as ``--handler`` loads its plugins
            load = getattr(host, "load", None)
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


def _scenario_host(sim: AgentDesktop) -> Any:
    """The handler host of a scenario that names its handlers and runs without ``--handler``."""
    return HandlerHost(sim)


STEP_MODELS = m.STEP_TYPES
