"""The simulation thread's side of the host: events handed to the dispatcher (answers deferred),
handlers' ``ad_api`` calls run on the simulation thread within the settle's event budget, and
the waits (``wait_idle``, ``wait_for``, ``settle``, ``rest``) that run those calls meanwhile."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable
from functools import partial
from typing import Any

from simulator import interrupts
from simulator.contract import OperationResult, ResultErrorCode, fail
from simulator.engine import Event
from simulator.handlers.answer_budget import answer_budget
from simulator.handlers.feedback import EventBudget, HandlerLoopError
from simulator.handlers.host.dispatch import Dispatcher, Job
from simulator.handlers.host.state import EngineRequest
from simulator.handlers.supervisor import RemoteHandler

__all__ = ["Delivery", "kept_past_its_end"]

_WAIT_STEP_S = 0.02
_SIGNAL_LOOK_S = 0.1
"""The longest the main thread waits for handlers without looking for a stop: a signal the
kernel hands to another of adsim's threads (it may: any thread that does not block it) only
marks Python's handler as due, and the main thread runs it when it next runs Python code. A
wait with no end, there, held SIGTERM until the handler's timeout (a JS module's ``while (true)
{}`` with ``--handler-timeout 300``: adsim ignored the stop for 300 s)."""
_AFTER_STOP_S = 5.0
"""Seconds a wait goes on for the outcomes of the calls a stop's grace ended (their readers
report them as their processes end)."""


def _raise_the_stop_under(error: RuntimeError) -> None:
    """Raise the stop (Ctrl-C: ``KeyboardInterrupt``) that ``error`` hides, if any. A stop
    that lands while a wait has let the host's lock go (Python's ``Condition.wait`` lets it go,
    then checks for signals before its ``try``; a contended ``acquire`` is interrupted) leaves
    it untaken, and the ``with`` that ends said "cannot release un-acquired lock" over the stop:
    the test failed with that error (a lie, and its teardown then waited for the stuck handler
    up to its timeout), or a scenario run went on settling with both Ctrl-Cs spent."""
    stop = error.__context__
    if isinstance(stop, KeyboardInterrupt):
        raise stop from None


def kept_past_its_end(method: str, under_test: bool) -> str:
    """The ``api_not_answer`` message of an ``ad_api`` called after its host closed: under
    pytest (``under_test``, a harness's host) one an earlier test's ``register()`` gave; else
    (``adsim run``, the window) a plugin's thread calling once the simulator stopped."""
    if not under_test:
        return f"{method}: the simulator has stopped"
    return (
        f"{method}: this ad_api's handler host was closed (its run ended; under pytest, the "
        "test whose adsim loaded the plugin ended), so the call does nothing. An ad_api kept "
        "from an earlier register() call acts on nothing: use the one the latest "
        "register(ad_api) gave (under pytest, register() runs again for each adsim fixture)"
    )


class Delivery(Dispatcher):
    """Events in, ``ad_api`` calls out, and the waits (the layer above the dispatcher)."""

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once every event emitted so far is handled (or its handler timed out).

        On the simulation thread it also runs the ``ad_api`` calls handlers make meanwhile.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        on_engine = threading.get_ident() == self._engine_thread
        on_main = threading.current_thread() is threading.main_thread()
        stop_end: float | None = None  # a stop's grace for handlers in plugins' processes
        try:
            with self._lock:
                while True:
                    if on_engine and self._requests:
                        self._serve_requests_locked()
                        continue
                    if self._pending == 0:
                        return True
                    now = time.monotonic()
                    if stop_end is None and self._processes:
                        stopped = interrupts.stop_started() if on_engine else None
                        if stopped is not None:
                            stop_end = stopped + interrupts.STOP_GRACE
                    if stop_end is not None and now >= stop_end:
                        stop_end = float("inf")  # once: then the outcomes are waited for
                        self._lock.release()
                        try:
                            ended = self._end_on_stop()
                        finally:
                            self._lock.acquire()
                        if ended:  # their reports come from their readers: a bounded wait
                            limit = time.monotonic() + _AFTER_STOP_S
                            deadline = limit if deadline is None else min(deadline, limit)
                        continue
                    remaining = None if deadline is None else deadline - now
                    if remaining is not None and remaining <= 0:
                        return False
                    if stop_end is not None and stop_end - now < (remaining or float("inf")):
                        remaining = stop_end - now
                    if on_main and (remaining is None or remaining > _SIGNAL_LOOK_S):
                        remaining = _SIGNAL_LOOK_S  # a signal another thread took: its stop
                    self._idle.wait(remaining)
        except RuntimeError as exc:
            _raise_the_stop_under(exc)
            raise

    def let_call_here_end(self, until: float) -> None:
        """A stop (Ctrl-C, SIGTERM) before the host is abandoned (``adsim demo``): a call
        running in this process gets to end and record its outcome, so that the journal has
        it, as ``adsim run`` waits for it: adsim's own (the webhook's delivery, which ends
        itself within the stop's grace) until ``until`` (``time.monotonic``), a plugin's
        (thread isolation, which cannot be ended) until its timeout's outcome. A call in a
        plugin's process is not waited for here (its process has the close's grace)."""
        with self._lock:
            call = self._running
            calls = self.all_calls
        if call is None or isinstance(call.registration.handler, RemoteHandler):
            return
        if not any(p.own and p.name == call.registration.plugin for p in self._plugins):
            until = call.deadline + 1.0  # the watchdog's ``timeout`` outcome comes then
        on_engine = threading.get_ident() == self._engine_thread
        try:
            with self._lock:
                while self._running is call or self.all_calls == calls:
                    if on_engine and self._requests:  # its ad_api calls, as wait_idle runs them
                        self._serve_requests_locked()
                        continue
                    remaining = until - time.monotonic()
                    if remaining <= 0:
                        return
                    # Not notified when one handler of several is done: looked at each step.
                    self._idle.wait(min(remaining, _WAIT_STEP_S))
        except RuntimeError as exc:
            _raise_the_stop_under(exc)
            raise

    def _serve_requests_locked(self) -> None:
        """Run the ``ad_api`` calls handlers made (on the simulation thread), from a wait that
        holds the lock: released while they run (they emit events, which take it)."""
        self._lock.release()
        try:
            self._run_engine_requests()
        finally:
            self._lock.acquire()

    def _end_on_stop(self) -> bool:
        """A stop's grace is over: each plugin process still running a call is ended, and a
        line on stderr names the plugin, the handler, the event and where it was (as a JS
        module's blocked event loop is). True when one was ended."""
        ended = False
        for process in list(self._processes):
            line = process.end_on_stop(interrupts.STOP_GRACE)
            if line is not None:
                ended = True
                process.say(line)
        return ended

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
            try:
                with self._lock:
                    if not self._requests:
                        # ``done`` is set on another thread that cannot notify us: look again.
                        self._idle.wait(min(remaining, _WAIT_STEP_S))
            except RuntimeError as exc:
                _raise_the_stop_under(exc)
                raise

    def settle(self, timeout: float | None = None, max_events: int | None = None) -> bool:
        """Wait for the handlers and run their answers' continuations until nothing is left;
        False when ``timeout`` passed first.

        Once the handlers' ``ad_api`` calls have caused ``max_events`` events (default
        ``self.max_events``) their further calls fail with ``api_not_answer`` and, when the
        handlers are done, ``HandlerLoopError`` says who kept acting on which event.
        """
        if not self._pending and not self._requests and not self.sim.has_posted:
            return True  # nothing in flight, nothing to run (most steps of a run): no budget
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

    def _passes_on(self, event: Event) -> bool:
        """Whether ``event`` goes to a handler (the webhook, a JS page ...) or a page's logger:
        the journal commits it before ``_on_event`` sees it (``EventBus.subscribe``)."""
        return bool(self.registry.handlers(event.name)) or bool(self.widget.loggers)

    def _on_event(self, event: Event) -> None:
        self._engine_thread = threading.get_ident()
        if self._closed:
            return None
        has_handlers = bool(self.registry.handlers(event.name))
        if not has_handlers and not self.widget.loggers:
            return None
        # Ctrl-C or SIGTERM in the middle would leave the event counted and its call unwritten
        # (or written in part): the stop would wait for an answer that never comes.
        with interrupts.deferred():
            resolve = None
            if has_handlers and event.response is not None:
                resolve = event.response.defer()
            job = Job(event, resolve)
            if resolve is not None:
                job.budget = answer_budget(self.sim, event.name, partial(self._give_up, job))
            with self._lock:
                self._pending += 1
            if not self._send_now(job):
                self._put(job)
        return None

    def _call_on_engine(
        self, method: str, body: Callable[[], OperationResult], plugin: str = ""
    ) -> OperationResult:
        with self._lock:
            running = self._running
        hint = getattr(self._callers, "value", None)
        if hint is not None and hint[1] == plugin:
            caller = hint
        elif running is not None and running.registration.plugin == plugin:
            caller = (running.job.event.name.value, plugin, running.registration.name)
        else:  # not from a handler call (a module's timer, a late abandoned handler ...)
            caller = ("?", plugin, "")
        if self._ended and hint is None and not self._local.mine:
            # Not one of its handlers running late: an ad_api kept past its host's end (a
            # global set by an earlier test's register()). On the simulation thread it acted
            # on the stopped simulator and answered success; elsewhere it said only "stopped".
            return fail(ResultErrorCode.api_not_answer, kept_past_its_end(method, self.under_test))
        if threading.get_ident() == self._engine_thread:
            return self._run_request(method, body, caller)
        request = EngineRequest(method, body, caller)
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
        # What a handler's call causes is committed before the call answers (no lazy commit):
        # a call whose events the journal refuses answers the handler with the error.
        buses = [desk.bus for desk in self.sim.center.desktops]
        lazy = [bus.lazy_commits for bus in buses]
        for bus in buses:
            bus.lazy_commits = False
        try:
            return body()
        finally:
            self.sim.handler_calls -= 1
            for bus, was in zip(buses, lazy, strict=True):
                bus.lazy_commits = was

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
