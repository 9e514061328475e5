"""The host's dispatcher: handlers called one event at a time, in order, each call timed.

``Dispatcher`` is the part of ``HandlerHost`` that runs on its own threads (see the package's
docstring): the dispatcher thread takes each queued event to its handlers (calling a
plugin process through ``simulator.handlers.supervisor``, or sending it without waiting through
``simulator.handlers.pipeline`` when nobody else gets the event and no answer is due), and the
watchdog thread gives up on a handler still running after the timeout and starts a new
dispatcher thread that goes on with the next handlers and events.

An event that would be pipelined while nothing is queued or running ahead of it is sent by the
simulation thread itself (``_send_now``), sparing the dispatcher thread's wake-up, when the
plugin's pipe takes it at once; otherwise it is queued as any other.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from simulator.contract import EVENTS
from simulator.engine import Event
from simulator.engine.payloads import typed_args
from simulator.handlers import background_errors
from simulator.handlers.answer_budget import AnswerBudget, late_answer_error
from simulator.handlers.answers import AnswerError, check_answer, oversized_answer
from simulator.handlers.host.reporting import OutcomeLog
from simulator.handlers.kept_calls import Window
from simulator.handlers.outcome import (
    PLAIN,
    HandlerOutcome,
    OpaqueResult,
    OversizedResult,
    Reply,
    call_outcome,
    kept_result,
)
from simulator.handlers.registry import Registration
from simulator.handlers.stacks import killed_running, traceback_text
from simulator.handlers.supervisor import PluginProcess, RemoteHandler
from simulator.one_line import exception_text

STOPPED_IN_THREAD = (
    "api_not_answer: adsim stopped while this call was running; not waited for (on a thread of "
    "adsim's own process, with --handler-isolation thread, it cannot be ended)"
)
"""The error of a call still running on a handler thread when adsim stopped (Ctrl-C, a signal)."""


def _stopped_in_thread(waited: float) -> str:
    """``STOPPED_IN_THREAD``, or after a close that waited ``waited`` s for the call (the
    window's close gives the handlers 2 s): "not waited for" would be untrue then."""
    seconds = round(waited, 1)
    if seconds <= 0:
        return STOPPED_IN_THREAD
    return STOPPED_IN_THREAD.replace(
        "not waited for", f"given up after the close's {seconds:g} s wait"
    )


if TYPE_CHECKING:
    import asyncio

__all__ = ["Call", "Dispatcher", "Job"]


@dataclass(slots=True)
class Job:
    """One event on its way to its handlers."""

    event: Event
    resolve: Callable[[Any], None] | None
    registrations: tuple[Registration, ...] = ()
    index: int = 0
    answer: Any = None
    started: bool = False
    budget: AnswerBudget | None = None
    """The widget's wait for this answer (transfer data: ``transfer_data_wait_seconds``)."""
    finished: bool = False
    """Its end was counted (``_finish`` runs once per job, whatever path gets there)."""


@dataclass(slots=True)
class Call:
    """A handler call in progress (what the watchdog watches)."""

    job: Job
    registration: Registration
    started: float
    deadline: float
    thread: int


def _copy_json(value: Any) -> Any:
    """A copy of JSON data (dicts and lists copied all the way down; the rest is immutable)."""
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_copy_json(item) for item in value)
    return value


class Dispatcher(OutcomeLog):
    """The dispatcher and watchdog threads of ``HandlerHost`` (the layer above the outcome log)."""

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
        if loop is None:  # asyncio only for async handlers: ~0.1 s of every adsim start
            loop = background_errors.new_loop(self._task_error, self._plugin_files)
            self._local.loop = loop
        return loop

    def _task_error(self, line: str, trace: str) -> None:
        """An asyncio task a handler left raised (or a callback it scheduled): an incident."""
        background_errors.print_trace(self.secrets.text(trace) or trace)
        name = self._plugin_named(line)
        self.add_incident(
            f"plugin {name}: {line}" if name else line.replace("its ", "a plugin's ", 1)
        )

    def _plugin_files(self) -> list[str]:
        return [os.path.realpath(p.file) for p in self._plugins if p.file and not p.own]

    def _plugin_named(self, line: str) -> str | None:
        """The plugin whose file a ``file:line`` in ``line`` is in."""
        for plugin in self._plugins:
            if plugin.file is None or plugin.own:
                continue
            if any(f" {file}:" in line for file in (plugin.file, os.path.realpath(plugin.file))):
                return plugin.name
        return None

    def _dispatch_loop(self, generation: int, first: HandlerOutcome | None) -> None:
        self._local.mine = True
        if first is not None:
            self._record(first)
        try:
            while True:
                job = self._current
                if job is None:
                    self._arrived.get()
                    with self._lock:
                        if not self._queue:
                            continue  # taken by ``close``
                        job = self._queue.popleft()
                        given_up = generation != self._generation
                        if job is not None and not given_up:
                            self._current = job
                    if job is None:  # queued by ``close``
                        if given_up:  # its end is not this thread's: the next one's too
                            self._put(None)
                            return
                        try:
                            self._end_tasks()
                        finally:
                            self._stopped.set()
                        return
                    if given_up:  # by ``close``: the simulation has its default answer
                        if job.resolve is not None:
                            self.sim.post(partial(job.resolve, None))
                        return
                try:
                    if not self._dispatch(job, generation):
                        return  # abandoned: another dispatcher thread has taken over
                except Exception as exc:
                    # A bug of ours must not end this thread with the job unfinished: every
                    # later event would wait for it, and ``settle`` for ever.
                    with self._lock:
                        abandoned = generation != self._generation
                    # Abandoned (its handler ended past its timeout): said, but the job is
                    # another dispatcher thread's now, and this thread ends.
                    self._lost(job, traceback_text(exc), finish=not abandoned)
                    if abandoned:
                        return
        finally:
            loop = getattr(self._local, "loop", None)
            if loop is not None and self._stopped.is_set():
                loop.close()

    def _put(self, job: Job | None) -> None:
        with self._lock:
            self._queue.append(job)
        self._arrived.put(None)

    def _end_tasks(self) -> None:
        """The asyncio tasks handlers left pending get the grace a plugin's threads get;
        those still pending are cancelled and named (an incident)."""
        loop = getattr(self._local, "loop", None)
        if loop is not None:
            left = background_errors.finish_tasks(loop, self.close_grace)
            if left:
                line = background_errors.tasks_left_line(left, self.close_grace)
                name = self._plugin_named(line)
                self.add_incident(f"plugin {name}: {line}" if name else f"a plugin's {line}")

    def _dispatch(self, job: Job, generation: int) -> bool:
        """Take ``job`` to its handlers; False when this thread was abandoned meanwhile."""
        if not job.started:
            job.started = True
            job.registrations = self.registry.handlers(job.event.name)
            if self.widget.loggers:
                self.widget.log(job.event.name.value, list(job.event.wire_args))
        process = self._pipeline_for(job)  # may wait for another plugin's stuck call
        with self._lock:
            if generation != self._generation:
                return False  # given up meanwhile (``close`` said this job never ran)
            if process is not None and self._current is job:
                # Sent from here on: its calls' outcomes are the pipeline's (a reply, or
                # "never sent" once its process ends), not ``close``'s (twice, with a close
                # in the middle of the sending).
                self._current = None
        if process is not None:
            self._pipeline(job, process)
            return True
        for process in self._processes:
            process.pipeline.drain()  # what was sent earlier ends first
        if not self._run_handlers(job, generation):
            return False
        self._finish(job)
        return True

    def _lost(self, job: Job, trace: str, *, finish: bool = True) -> None:
        """An internal error while ``job`` was handled: said (an incident: exit code 1), and
        (``finish``) the job ended so that the next events and ``settle`` go on."""
        event = job.event
        self.add_incident(
            f"internal error while handling event #{event.seq} {event.name.value} (please "
            f"report it): {trace.strip().splitlines()[-1]}"
        )
        with contextlib.suppress(OSError, ValueError):
            print(trace, file=sys.stderr, end="", flush=True)
        if finish:
            self._finish(job)

    def _pipeline_for(self, job: Job) -> PluginProcess | None:
        """The one plugin process ``job`` goes to when it can be sent without waiting: it
        needs no answer and no other plugin subscribes to it (see ``simulator.handlers.
        pipeline``); None otherwise."""
        if not self._processes or job.event.response is not None or not job.registrations:
            return None
        first = job.registrations[0].handler
        if not isinstance(first, RemoteHandler):
            return None
        process = first.process
        for registration in job.registrations:
            handler = registration.handler
            if not isinstance(handler, RemoteHandler) or handler.process is not process:
                return None
        for other in self._processes:
            if other is not process:
                other.pipeline.drain()  # one plugin's pipeline at a time: events stay in order
        return process

    def _send_now(self, job: Job) -> bool:
        """Send ``job`` from the simulation thread, sparing the dispatcher thread's wake-up,
        when nothing else is queued or running (so it is next in order), it needs no answer,
        no page logs it, and it goes to one handler in a plugin's process whose pipe takes it
        at once (``Pipeline.submit_now``); False, with nothing done, otherwise: it is queued."""
        if job.resolve is not None or self.widget.loggers or not self._processes:
            return False
        registrations = self.registry.handlers(job.event.name)
        if len(registrations) != 1:
            return False
        registration = registrations[0]
        handler = registration.handler
        if not isinstance(handler, RemoteHandler):
            return False
        with self._lock:
            if self._pending != 1 or self._current is not None or self._running is not None:
                return False  # another event is ahead of this one
        job.started = True
        job.registrations = registrations
        done = partial(self._piped, job, registration, [1])
        if handler.process.pipeline.submit_now(handler.index, job.event, done, registration.name):
            return True
        job.started = False
        return False

    def _pipeline(self, job: Job, process: PluginProcess) -> None:
        left = [len(job.registrations)]
        for registration in job.registrations:
            assert isinstance(registration.handler, RemoteHandler)
            process.pipeline.submit(
                registration.handler.index,
                job.event,
                partial(self._piped, job, registration, left),
                registration.name,
            )

    def _piped(
        self,
        job: Job,
        registration: Registration,
        left: list[int],
        reply: Reply,
        duration: float,
    ) -> None:
        """A pipelined call ended (on a supervisor thread): its outcome; the job's end."""
        try:
            self._record(call_outcome(job.event, registration, duration, reply))
        except Exception as exc:
            self._lost(job, traceback_text(exc))  # ends the job now: its other calls too
        with self._lock:
            left[0] -= 1
            last = left[0] == 0
        if last:
            self._finish(job)

    def _run_handlers(self, job: Job, generation: int) -> bool:
        event = job.event
        while job.index < len(job.registrations):
            registration = job.registrations[job.index]
            if isinstance(registration.handler, RemoteHandler):
                registration.handler.process.ensure_started()  # not on the handler's clock
            started = time.perf_counter()
            call = Call(
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
            if isinstance(result, OpaqueResult) and event.response is not None:
                status, error = (
                    "junk",
                    f"{event.name} answer is not JSON ({result.type_name}"
                    + (f": {result.why}" if getattr(result, "why", None) else "")
                    + "); return JSON data",
                )
            elif isinstance(result, OversizedResult) and event.response is not None:
                status, error = (
                    "junk",
                    oversized_answer(event.name, result.size, getattr(result, "at_least", False)),
                )
            elif status == "ok" and job.budget is not None and job.budget.expired:
                status, error = "timeout", late_answer_error(job.budget)
            elif status == "ok" and event.response is not None and result is not None:
                try:
                    job.answer = check_answer(
                        event.name,
                        result,
                        any_transfer_data=self.sim.settings.transfer_data_shape == "any",
                        # A JS plugin (``js:page``, ``js:crm.mjs``) answers JavaScript numbers.
                        from_javascript=registration.plugin.startswith("js:"),
                    )
                except AnswerError as exc:
                    status, error = "junk", str(exc)
            reply = (status, result, error, trace)
            self._record(call_outcome(event, registration, duration, reply))
        return True

    def _invoke(self, registration: Registration, event: Event) -> Reply:
        handler = registration.handler
        if isinstance(handler, RemoteHandler):
            return handler.process.call(handler.index, event)
        who = f"plugin {registration.plugin}: {registration.name}"
        before = self._kept_now(who)
        try:
            # Each handler gets its own copy: what one does to its arguments (a dict, a list)
            # must not reach the next handler, the webhook or the journal. Built afresh from
            # the wire values, which is several times cheaper than a deep copy of the models.
            args = typed_args(
                event.name, _copy_json(event.wire_args), getattr(event, "api_version", "5.19")
            )
            result = handler(*registration.arguments(args))
            if inspect.isawaitable(result):
                result = self._loop().run_until_complete(result)
            if type(result) not in PLAIN or type(result) is str:
                # While the call is timed: a __repr__ that never returns is its timeout.
                result = kept_result(result, copy=False)
        except BaseException as exc:
            # What adsim's own code needs put back first: the traceback is written with it.
            self._mend_kept(who, before)
            return "error", None, exception_text(exc), traceback_text(exc)
        self._mend_kept(who, before)
        return "ok", result, None, None

    def _kept_now(self, who: str = "a plugin's code") -> Window | None:
        """With thread isolation, what ``who`` about to run on this thread must leave as it
        finds it (adsim's streams, the builtins, the current directory ...); None with process
        isolation (``simulator.handlers.kept_calls``)."""
        return None if self.kept is None else self.kept.begin(who)

    def _mend_kept(self, who: str, before: Window | None) -> None:
        """Put back what the code since ``before`` (``_kept_now``) changed, and say so; nothing
        once the host is closing."""
        if before is not None and self.kept is not None:
            self.kept.end(before)

    def _finish(self, job: Job) -> None:
        with self._lock:
            if job.finished:
                return
            job.finished = True
        event = job.event
        if job.resolve is not None and (job.budget is None or job.budget.cancel()):
            self.sim.post(partial(job.resolve, job.answer))
            self._record_answer(event, job.answer)
        with self._lock:
            if self._current is job:
                self._current = None
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()

    def _give_up(self, job: Job) -> None:
        """The widget's wait is over: the simulation goes on with no answer (a timer thread)."""
        if job.resolve is not None:
            self.sim.post(partial(job.resolve, None))
            self._record_answer(job.event, None)

    def _record_answer(self, event: Event, answer: Any) -> None:
        if self.journal is not None:
            spec = EVENTS[event.name]
            try:
                self.journal.record_answer(
                    event.seq, answer if answer is not None else spec.default_response
                )
            except Exception:
                traceback.print_exc(file=sys.stderr)

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
                generation = self._generation
                self._lock.release()
                try:  # killing a plugin's process takes a moment: not under the lock
                    outcome = self._timeout_outcome(call)
                finally:
                    self._lock.acquire()
                self._dispatcher = self._start_dispatcher(generation, outcome)

    def _abandon_running(self, waited: float = 0.0) -> None:
        """Closing with a handler still running on a thread of this process (a stop: ``close``
        waits for nothing; the window's close: ``waited`` s): its call is given up and its
        outcome recorded now, ``timeout``, before the journal closes (its own end, should it
        come, records nothing). It was in neither the journal nor the summary. A call in a
        plugin's process has its outcome from that process's end."""
        with self._lock:
            call = self._running
            if call is None or isinstance(call.registration.handler, RemoteHandler):
                return
            self._running = None
            call.job.index += 1  # its outcome is this one: the next handler's is "never ran"
        frame = sys._current_frames().get(call.thread)
        stack = "".join(traceback.format_stack(frame)) if frame is not None else None
        duration = (time.perf_counter() - call.started) * 1000
        reply: Reply = ("timeout", None, _stopped_in_thread(waited), stack)
        self._record(call_outcome(call.job.event, call.registration, duration, reply))

    def _timeout_outcome(self, call: Call) -> HandlerOutcome:
        handler = call.registration.handler
        error = (
            f"api_not_answer: still running after {self.timeout:g} s; abandoned, "
            "the next handlers and events went on"
        )
        if isinstance(handler, RemoteHandler):
            stack = handler.process.abandon()
            error = killed_running(self.timeout, handler.process.where(stack))
        else:
            if self.kept is not None:  # what it changed so far is its own: put back now
                self.kept.abandon(call.thread)
            frame = sys._current_frames().get(call.thread)
            stack = "".join(traceback.format_stack(frame)) if frame is not None else None
        duration = (time.perf_counter() - call.started) * 1000
        reply: Reply = ("timeout", None, error, stack)
        return call_outcome(call.job.event, call.registration, duration, reply)
