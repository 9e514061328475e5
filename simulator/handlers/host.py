"""The handler host: plugins' handlers run on their own thread, one event at a time, in order.

Threads::

    simulation thread   sim -> journal (commit) -> HandlerHost._on_event -> queue
    dispatcher thread   queue -> each registered handler, timed -> outcomes -> answer posted back
    watchdog thread     a handler still running after ``timeout``: reported as ``timeout``
                        (``api_not_answer``), abandoned on its thread, and a new dispatcher
                        thread goes on with the next handler and the next events

For an event that needs an answer the simulation defers (``event.response.defer()``); the
dispatcher posts the last non-None answer back with ``sim.post`` and the simulation continues at
its next ``drain_posted``/``advance``/``poll``. An ``ad_api`` method called from a handler runs on
the simulation thread: inside ``wait_idle`` (headless drivers) or at the next ``poll`` (window).

``settle`` also bounds a step: handlers whose actions cause more than ``max_events`` events (a
handler acting on the event its own action causes) are stopped and ``settle`` raises
``HandlerLoopError`` (see ``simulator.handlers.feedback``).
"""

from __future__ import annotations

import inspect
import itertools
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from simulator.contract import EVENTS, OperationResult, ResultErrorCode, fail
from simulator.engine import Event, Simulator
from simulator.handlers.ad_api import AdApi, WidgetState
from simulator.handlers.answers import AnswerError, check_answer
from simulator.handlers.feedback import MAX_EVENTS_PER_SETTLE, EventBudget, HandlerLoopError
from simulator.handlers.outcome import HandlerOutcome, PluginStatus, jsonable
from simulator.handlers.plugins import (
    ENTRY_POINT_GROUP,
    Plugin,
    PluginSource,
    discover_entry_points,
    discover_path,
    register_plugin,
)
from simulator.handlers.registry import HandlerRegistry, Registration
from simulator.handlers.secrets import SecretMask

if TYPE_CHECKING:
    import asyncio

__all__ = ["DEFAULT_TIMEOUT", "HandlerHost"]

DEFAULT_TIMEOUT = 20.0
"""Seconds: the widget's ``api_not_answer`` limit."""

_STOP = object()
_WAIT_STEP_S = 0.02


@dataclass(slots=True)
class _Job:
    event: Event
    resolve: Callable[[Any], None] | None
    registrations: tuple[Registration, ...] = ()
    index: int = 0
    answer: Any = None
    started: bool = False


@dataclass(slots=True)
class _Call:
    job: _Job
    registration: Registration
    started: float
    deadline: float
    thread: int


@dataclass(slots=True)
class _EngineRequest:
    method: str
    body: Callable[[], OperationResult]
    caller: tuple[str, str, str]
    """(event, plugin, handler) of the call, for naming a feedback loop."""
    done: threading.Event = field(default_factory=threading.Event)
    result: OperationResult | None = None
    state: str = "waiting"  # waiting | running | done | cancelled


class HandlerHost:
    """Loads plugins and runs their handlers off the simulation thread, isolated and timed.

    Build it on the thread that drives ``sim``. Headless drivers call ``wait_idle()`` then
    ``sim.drain_posted()`` after each step (``settle()`` does both until nothing is left).
    ``max_events`` bounds what handlers' actions may cause in one ``settle`` (None: no bound).
    """

    def __init__(
        self,
        sim: Simulator,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        journal: Any = None,
        integration_key: str = "simulator",
        max_events: int | None = MAX_EVENTS_PER_SETTLE,
    ):
        if timeout <= 0:
            raise ValueError(f"the handler timeout must be positive, got {timeout}")
        if max_events is not None and max_events <= 0:
            raise ValueError(f"max_events must be positive or None, got {max_events}")
        self.sim = sim
        self.timeout = float(timeout)
        self.journal = journal
        self.integration_key = integration_key
        self.max_events = max_events
        """Events the handlers' actions may cause in one ``settle`` before it stops them."""
        self.registry = HandlerRegistry()
        self.widget = WidgetState()
        self.secrets = SecretMask()
        """Masked in plugins' text (outcome errors, tracebacks, load errors) before it is kept."""
        self._plugins: list[Plugin] = []
        self._sources: list[PluginSource] = []
        self._outcomes: list[HandlerOutcome] = []
        self._outcome_callbacks: list[Callable[[HandlerOutcome], Any]] = []
        self._queue: SimpleQueue[Any] = SimpleQueue()
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._watch = threading.Condition(self._lock)
        self._pending = 0
        self._running: _Call | None = None
        self._current: _Job | None = None
        self._generation = 0
        self._watchdog_idle = False
        self._closed = False
        self._stopped = threading.Event()
        self._requests: deque[_EngineRequest] = deque()
        self._budget: EventBudget | None = None  # set while settle runs; simulation thread only
        # Between settles (the window): a budget renewed whenever the handlers are at rest.
        self._standing: EventBudget | None = None
        self._loop_callbacks: list[Callable[[HandlerLoopError], Any]] = []
        self._engine_thread = threading.get_ident()
        self._thread_names = itertools.count(1)
        self._local = threading.local()
        self._unsubscribe: list[Callable[[], None]] = []
        if journal is not None:
            self._unsubscribe.append(journal.attach(sim))
        self._unsubscribe.append(sim.subscribe(self._on_event))
        self._dispatcher = self._start_dispatcher(0, None)
        self._watchdog = threading.Thread(
            target=self._watch_loop, name="adsim-handler-watchdog", daemon=True
        )
        self._watchdog.start()

    # ------------------------------------------------------------------ plugins

    def ad_api(self, plugin: str = "") -> AdApi:
        """A fresh ``ad_api`` whose ``on`` registrations belong to ``plugin``."""
        return AdApi(
            self.sim,
            registry=self.registry,
            plugin=plugin,
            integration_key=self.integration_key,
            widget=self.widget,
            call_on_engine=partial(self._call_on_engine, plugin=plugin),
        )

    def load(self, spec: str | Path) -> list[PluginStatus]:
        """Load a plugin file, or every ``*.py`` in a directory (``FileNotFoundError`` if none)."""
        source = discover_path(Path(spec))
        self._sources.append(source)
        return self._load_source(source)

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[PluginStatus]:
        """Load the plugins installed packages declare in the entry-point ``group``."""
        source = discover_entry_points(group)
        self._sources.append(source)
        return self._load_source(source)

    def add_plugin(
        self,
        name: str,
        register: Callable[[AdApi], Any],
        source: str = "built-in",
        close: Callable[[], Any] | None = None,
        reopen: Callable[[], str | None] | None = None,
    ) -> PluginStatus:
        """Register a built-in plugin (the webhook, a JS page) through the same path as loaded
        ones. ``close()`` runs when the host closes and before a reload; ``reopen()`` at the
        reload, before ``register`` runs again: it restarts what ``close`` ended and returns why
        the plugin cannot load (``file:line: message``, shown in ``plugins``) or None."""
        plugin_source = PluginSource.builtin(name, register, source, close, reopen)
        self._sources.append(plugin_source)
        return self._load_source(plugin_source)[0]

    def _load_source(self, source: PluginSource) -> list[PluginStatus]:
        statuses = []
        for plugin in source.plugins():
            plugin.name = self._unique_name(plugin.name)
            register_plugin(plugin, self.ad_api(plugin.name), self.registry)
            self._plugins.append(plugin)
            statuses.append(self._status(plugin))
        return statuses

    def _unique_name(self, name: str) -> str:
        taken = {p.name for p in self._plugins}
        candidate, n = name, 2
        while candidate in taken:
            candidate, n = f"{name}#{n}", n + 1
        return candidate

    def _status(self, plugin: Plugin) -> PluginStatus:
        return PluginStatus(
            plugin.name,
            plugin.source,
            plugin.error is None,
            self.secrets.text(plugin.error),
            self.registry.count(plugin.name) if plugin.error is None else 0,
        )

    @property
    def plugins(self) -> list[PluginStatus]:
        """Every plugin, loaded or not, in load order."""
        return [self._status(plugin) for plugin in self._plugins]

    def reload(self) -> list[PluginStatus]:
        """Re-read every plugin from disk (directories are scanned again) and re-register."""
        self.registry.clear()
        for plugin in self._plugins:
            plugin.close()
        self._plugins.clear()
        for source in self._sources:
            source.refresh()
            self._load_source(source)
        return self.plugins

    # ------------------------------------------------------------------ outcomes

    @property
    def outcomes(self) -> list[HandlerOutcome]:
        """Every handler call so far, in order."""
        return list(self._outcomes)

    @property
    def failures(self) -> list[HandlerOutcome]:
        """The calls that raised, timed out, or answered junk."""
        return [outcome for outcome in self._outcomes if outcome.status != "ok"]

    def subscribe_outcomes(self, callback: Callable[[HandlerOutcome], Any]) -> Callable[[], None]:
        """``callback(outcome)`` for each handler call, on the handler thread; returns the
        unsubscribe function."""
        self._outcome_callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._outcome_callbacks:
                self._outcome_callbacks.remove(callback)

        return unsubscribe

    def _record(self, outcome: HandlerOutcome) -> None:
        outcome = self.secrets.outcome(outcome)
        self._outcomes.append(outcome)
        if self.journal is not None:
            try:
                self.journal.record_outcome(outcome)
            except Exception:
                traceback.print_exc(file=sys.stderr)
        for callback in tuple(self._outcome_callbacks):
            try:
                callback(outcome)
            except Exception:
                traceback.print_exc(file=sys.stderr)

    # ------------------------------------------------------------------ waiting

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every event emitted so far is handled (or its handler timed out).

        On the simulation thread it also runs the ``ad_api`` calls handlers make meanwhile.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        on_engine = threading.get_ident() == self._engine_thread
        with self._lock:
            while True:
                if on_engine and self._requests:
                    self._lock.release()
                    try:
                        self._run_engine_requests()
                    finally:
                        self._lock.acquire()
                    continue
                if self._pending == 0:
                    return True
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._idle.wait(remaining)

    def wait_for(self, done: threading.Event, timeout: float) -> bool:
        """Wait up to ``timeout`` s for ``done`` (a plugin starting up); on the simulation thread
        run meanwhile the ``ad_api`` calls handlers make, as ``wait_idle`` does: a JS module's
        ``register`` may await an adApi call before it says it is registered."""
        deadline = time.monotonic() + timeout
        if threading.get_ident() != self._engine_thread:
            return done.wait(timeout)
        while True:
            self._run_engine_requests()
            remaining = deadline - time.monotonic()
            if done.is_set() or remaining <= 0:
                return done.is_set()
            with self._lock:
                if not self._requests:
                    # ``done`` is set on another thread that cannot notify us: look again soon.
                    self._idle.wait(min(remaining, _WAIT_STEP_S))

    def settle(self, timeout: float | None = None, max_events: int | None = None) -> bool:
        """Wait for the handlers and run their answers' continuations until nothing is left;
        False when ``timeout`` passed first.

        Once the handlers' ``ad_api`` calls have caused ``max_events`` events (default
        ``self.max_events``) their further calls fail with ``api_not_answer`` and, when the
        handlers are done, ``HandlerLoopError`` says who kept acting on which event.
        """
        limit = self.max_events if max_events is None else max_events
        budget = None if limit is None else EventBudget(self.sim.bus.count, limit)
        outer, self._budget = self._budget, budget
        settled = True
        try:
            while True:
                if not self.wait_idle(timeout):
                    settled = False
                    break
                self.sim.drain_posted()
                with self._lock:
                    if self._pending == 0 and not self._requests:
                        break
        finally:
            self._budget = outer
        if budget is not None and budget.exhausted:
            raise budget.error()  # even after a timeout: the loop is the news
        return settled

    @property
    def pending(self) -> int:
        """Events queued or being handled."""
        return self._pending

    def rest(self) -> None:
        """For drivers that never ``settle`` (the window polls instead): when the handlers are
        at rest, renew the budget their ``ad_api`` calls run in outside a settle. A feedback
        loop is never at rest, so past ``max_events`` its calls fail with ``api_not_answer``
        and ``subscribe_loops`` callbacks hear of it once; the loop stops there."""
        with self._lock:
            busy = self._pending > 0 or bool(self._requests)
        if self.max_events is None:
            self._standing = None
        elif not busy or self._standing is None:
            self._standing = EventBudget(self.sim.bus.count, self.max_events)

    def subscribe_loops(self, callback: Callable[[HandlerLoopError], Any]) -> Callable[[], None]:
        """``callback(error)`` when handlers looped outside a settle (see ``rest``), on the
        simulation thread; returns the unsubscribe function."""
        self._loop_callbacks.append(callback)
        return lambda: (
            self._loop_callbacks.remove(callback) if callback in self._loop_callbacks else None
        )

    # ------------------------------------------------------------------ engine side

    def _on_event(self, event: Event) -> None:
        self._engine_thread = threading.get_ident()
        if self._closed:
            return None
        has_handlers = bool(self.registry.handlers(event.name))
        if not has_handlers and not self.widget.loggers:
            return None
        resolve = None
        if has_handlers and event.response is not None:
            resolve = event.response.defer()
        with self._lock:
            self._pending += 1
        self._queue.put(_Job(event, resolve))
        return None

    def _call_on_engine(
        self, method: str, body: Callable[[], OperationResult], plugin: str = ""
    ) -> OperationResult:
        with self._lock:
            running = self._running
        if running is not None and running.registration.plugin == plugin:
            caller = (running.job.event.name.value, plugin, running.registration.name)
        else:  # not from a handler call (a module's timer, a late abandoned handler ...)
            caller = ("?", plugin, "")
        if threading.get_ident() == self._engine_thread:
            return self._run_request(method, body, caller)
        request = _EngineRequest(method, body, caller)
        with self._lock:
            if self._closed:
                return fail(ResultErrorCode.api_not_answer, f"{method}: the simulator has stopped")
            self._requests.append(request)
            self._idle.notify_all()
        self.sim.post(self._run_engine_requests)
        if not request.done.wait(self.timeout):
            with self._lock:
                if request.state == "waiting":
                    request.state = "cancelled"
                    return fail(
                        ResultErrorCode.api_not_answer,
                        f"{method}: the simulator did not answer within {self.timeout:g} s",
                    )
            request.done.wait()
        assert request.result is not None
        return request.result

    def _run_request(
        self, method: str, body: Callable[[], OperationResult], caller: tuple[str, str, str]
    ) -> OperationResult:
        """Run a handler's ``ad_api`` call on the simulation thread, within the settle's budget."""
        budget = self._budget if self._budget is not None else self._standing
        if budget is not None:
            if not budget.allows(self.sim.bus.count):
                if budget is self._standing and not budget.reported:
                    budget.reported = True
                    self._report_loop(budget.error())
                return budget.refusal(method)
            budget.spend(*caller, method)
        # Actions a handler asks for are recorded as the subscriber's (record-and-replay).
        self.sim.handler_calls += 1
        try:
            return body()
        finally:
            self.sim.handler_calls -= 1

    def _report_loop(self, error: HandlerLoopError) -> None:
        for callback in tuple(self._loop_callbacks):
            try:
                callback(error)
            except Exception:
                traceback.print_exc(file=sys.stderr)

    def _run_engine_requests(self) -> None:
        """Run the handlers' ``ad_api`` calls (on the simulation thread)."""
        while True:
            with self._lock:
                if not self._requests:
                    return
                request = self._requests.popleft()
                if request.state != "waiting":
                    continue
                request.state = "running"
            try:
                request.result = self._run_request(request.method, request.body, request.caller)
            finally:
                request.state = "done"
                request.done.set()

    # ------------------------------------------------------------------ dispatcher

    def _start_dispatcher(self, generation: int, first: HandlerOutcome | None) -> threading.Thread:
        thread = threading.Thread(
            target=self._dispatch_loop,
            args=(generation, first),
            name=f"adsim-handlers-{next(self._thread_names)}",
            daemon=True,
        )
        thread.start()
        return thread

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None:
            import asyncio  # only for async handlers: ~0.1 s of the window's start otherwise

            loop = asyncio.new_event_loop()
            self._local.loop = loop
        return loop

    def _dispatch_loop(self, generation: int, first: HandlerOutcome | None) -> None:
        if first is not None:
            self._record(first)
        try:
            while True:
                job = self._current
                if job is None:
                    job = self._queue.get()
                    if job is _STOP:
                        self._stopped.set()
                        return
                    self._current = job
                if not job.started:
                    job.started = True
                    job.registrations = self.registry.handlers(job.event.name)
                    if self.widget.loggers:
                        self.widget.log(job.event.name.value, list(job.event.wire_args))
                if not self._run_handlers(job, generation):
                    return  # abandoned: another dispatcher thread has taken over
                self._finish(job)
        finally:
            loop = getattr(self._local, "loop", None)
            if loop is not None and self._stopped.is_set():
                loop.close()

    def _run_handlers(self, job: _Job, generation: int) -> bool:
        event = job.event
        while job.index < len(job.registrations):
            registration = job.registrations[job.index]
            started = time.perf_counter()
            call = _Call(
                job, registration, started, time.monotonic() + self.timeout, threading.get_ident()
            )
            with self._lock:
                if generation != self._generation:
                    return False
                self._running = call
                if self._watchdog_idle:
                    self._watch.notify()
            status, result, error, trace = self._invoke(registration, event)
            duration = (time.perf_counter() - started) * 1000
            with self._lock:
                if self._running is not call:
                    return False
                self._running = None
                job.index += 1
            if status == "ok" and event.response is not None and result is not None:
                try:
                    job.answer = check_answer(event.name, result)
                except AnswerError as exc:
                    status, error = "junk", str(exc)
            self._record(
                HandlerOutcome(
                    event.seq,
                    event.name.value,
                    event.interaction_id,
                    registration.name,
                    registration.plugin,
                    duration,
                    status,
                    jsonable(result),
                    error,
                    trace,
                )
            )
        return True

    def _invoke(
        self, registration: Registration, event: Event
    ) -> tuple[str, Any, str | None, str | None]:
        try:
            result = registration.handler(*registration.arguments(event.args))
            if inspect.isawaitable(result):
                result = self._loop().run_until_complete(result)
        except BaseException as exc:
            return "error", None, f"{type(exc).__name__}: {exc}", traceback.format_exc()
        return "ok", result, None, None

    def _finish(self, job: _Job) -> None:
        event = job.event
        if job.resolve is not None:
            answer = job.answer
            self.sim.post(partial(job.resolve, answer))
            if self.journal is not None:
                spec = EVENTS[event.name]
                try:
                    self.journal.record_answer(
                        event.seq, answer if answer is not None else spec.default_response
                    )
                except Exception:
                    traceback.print_exc(file=sys.stderr)
        with self._lock:
            self._current = None
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    # ------------------------------------------------------------------ watchdog

    def _watch_loop(self) -> None:
        with self._lock:
            while not self._stopped.is_set():
                call = self._running
                if call is None:
                    self._watchdog_idle = True
                    self._watch.wait()
                    self._watchdog_idle = False
                    continue
                remaining = call.deadline - time.monotonic()
                if remaining > 0:
                    self._watch.wait(remaining)
                    continue
                # Still running at its deadline: give up on it and go on without it.
                self._running = None
                call.job.index += 1
                self._generation += 1
                outcome = self._timeout_outcome(call)
                self._dispatcher = self._start_dispatcher(self._generation, outcome)

    def _timeout_outcome(self, call: _Call) -> HandlerOutcome:
        frame = sys._current_frames().get(call.thread)
        stack = "".join(traceback.format_stack(frame)) if frame is not None else None
        event = call.job.event
        return HandlerOutcome(
            event.seq,
            event.name.value,
            event.interaction_id,
            call.registration.name,
            call.registration.plugin,
            (time.perf_counter() - call.started) * 1000,
            "timeout",
            None,
            f"api_not_answer: still running after {self.timeout:g} s; abandoned, "
            "the next handlers and events went on",
            stack,
        )

    # ------------------------------------------------------------------ closing

    def close(self, timeout: float | None = None) -> None:
        """Finish the events already queued (up to ``timeout``, default the handler timeout plus
        1 s), then stop the threads and unsubscribe. Plugins' close hooks run."""
        if self._closed:
            return
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self.wait_idle(self.timeout + 1 if timeout is None else timeout)
        with self._lock:
            self._closed = True
            cancelled = list(self._requests)
            self._requests.clear()
            self._watch.notify_all()
        for request in cancelled:
            if request.state == "waiting":
                request.state = "cancelled"
                request.result = fail(ResultErrorCode.api_not_answer, "the simulator has stopped")
                request.state = "done"
                request.done.set()
        self._queue.put(_STOP)
        self._stopped.wait(1.0)
        self._stopped.set()
        with self._lock:
            self._watch.notify_all()
        # Events never handled still owe the simulation an answer: the default.
        while True:
            try:
                job = self._queue.get_nowait()
            except Exception:
                break
            if isinstance(job, _Job) and job.resolve is not None:
                self.sim.post(partial(job.resolve, None))
        if self._current is not None and self._current.resolve is not None:
            self.sim.post(partial(self._current.resolve, None))
        for plugin in self._plugins:
            plugin.close()

    def __enter__(self) -> HandlerHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
