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

With process isolation each plugin's handlers run in its own process
(``simulator.handlers.supervisor``).

``settle`` also bounds a step: handlers whose actions cause more than ``max_events`` events (a
handler acting on the event its own action causes) are stopped and ``settle`` raises
``HandlerLoopError`` (see ``simulator.handlers.feedback``).

``HandlerHost`` is built in layers, each using only the ones below it::

    state.py      HostState: the settings, checked, and every field the layers share
    reporting.py  OutcomeLog: each handler call's outcome (masked, journaled), incidents
    dispatch.py   Dispatcher: the dispatcher and watchdog threads, handlers called and timed
    delivery.py   Delivery: events in, ad_api calls run on the simulation thread, settle/wait
    loading.py    PluginLoading: load, add_plugin, reload, the ad_api each plugin gets
    __init__.py   HandlerHost: starts the threads; rebind to another simulator; close
"""

from __future__ import annotations

import threading
from functools import partial
from typing import TYPE_CHECKING

from simulator import interrupts
from simulator.contract import ResultErrorCode, fail
from simulator.engine import AgentDesktop
from simulator.handlers import leftover_processes
from simulator.handlers.feedback import MAX_EVENTS_PER_SETTLE
from simulator.handlers.host import state
from simulator.handlers.host.delivery import kept_past_its_end
from simulator.handlers.host.dispatch import Call, Job
from simulator.handlers.host.loading import PluginLoading
from simulator.handlers.host.state import DEFAULT_TIMEOUT, ISOLATION_MODES
from simulator.handlers.kept_calls import KeptCalls
from simulator.handlers.kept_streams import KeptStreams
from simulator.handlers.leftover_threads import join_within, run_delay, snapshot, wait_runnable
from simulator.handlers.outcome import Reply, call_outcome
from simulator.handlers.pipeline import STOPPED_UNSTARTED
from simulator.handlers.stray_signals import StraySignals
from simulator.handlers.supervisor import CLOSE_GRACE, DEFAULT_LOAD_TIMEOUT, RemoteHandler
from simulator.handlers.widget_state import WidgetState

if TYPE_CHECKING:
    from simulator.journal import Journal

__all__ = ["DEFAULT_TIMEOUT", "ISOLATION_MODES", "HandlerHost"]

_NEVER_RAN: Reply = ("timeout", None, STOPPED_UNSTARTED, None)
"""A handler call queued behind one still running at a stop or the window's close: never run."""
_END_LIMIT = 10.0
"""Seconds past the close grace ``close`` waits for the dispatcher thread's end (a task that
blocks its event loop is a plugin's hang: adsim goes on after that)."""


class HandlerHost(PluginLoading):
    """Loads plugins and runs their handlers off the simulation thread, isolated and timed.

    Build it on the thread that drives ``sim``. Headless drivers call ``wait_idle()`` then
    ``sim.drain_posted()`` after each step (``settle()`` does both until nothing is left).
    ``max_events`` bounds what handlers' actions may cause in one ``settle`` (None: no bound).

    ``isolation="process"`` runs each loaded plugin (file, directory entry, entry point) in its
    own child process (``simulator.handlers.supervisor``): a plugin that exits, is killed by a
    signal, hangs (GIL held included) or whose ``register`` does not return within
    ``load_timeout`` is reported and replaced, and the other plugins go on as if it were not
    there. ``thread`` (the default here; the command line defaults to ``process``) imports
    plugins into this process. Built-in plugins (the webhook, JS pages) always run here.
    """

    def __init__(
        self,
        sim: AgentDesktop,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        journal: Journal | None = None,
        integration_key: str = "simulator",
        max_events: int | None = MAX_EVENTS_PER_SETTLE,
        isolation: str = "thread",
        load_timeout: float = DEFAULT_LOAD_TIMEOUT,
        close_grace: float = CLOSE_GRACE,
    ):
        super().__init__(
            sim,
            timeout=timeout,
            journal=journal,
            integration_key=integration_key,
            max_events=max_events,
            isolation=isolation,
            load_timeout=load_timeout,
            close_grace=close_grace,
        )
        self._signals: StraySignals | None = None
        if self.isolation == "thread":
            self.streams = KeptStreams(self.add_incident)
            self.kept = KeptCalls(self.streams, self.add_incident)
            # A plugin's alarm ends no run, nor does its SIGTERM stop it as the user's.
            self._signals = StraySignals(self.add_incident, self.kept.running_here)
        self.threads_before = snapshot()
        """The threads running before any plugin was loaded (``simulator.handlers.
        leftover_threads``: what a plugin run in this process left running at the end)."""
        self.children_before = leftover_processes.snapshot()
        """This process's children before any plugin was loaded (``simulator.handlers.
        leftover_processes``)."""
        self.threads_loaded: frozenset[threading.Thread] = frozenset()
        """The threads running once the plugins were loaded (set by who loads them: a daemon
        among them was made one on purpose)."""
        if journal is not None:
            self._unsubscribe.append(journal.attach(sim))
        self._unsubscribe.append(sim.subscribe(self._on_event, self._passes_on))
        self._dispatcher = self._start_dispatcher(0, None)
        self._watchdog = threading.Thread(
            target=self._watch_loop, name="adsim-handler-watchdog", daemon=True
        )
        self._watchdog.start()

    def rebind(self, sim: AgentDesktop, journal: Journal | None = None) -> None:
        """Serve another simulator (load mode: one per repeat) with the plugins already loaded
        and their processes running: loading them once per process, not once per run.

        Call it with the handlers idle (after ``settle``). Every ``ad_api`` handed out now acts
        on ``sim``; the widget's own state and the ``ad_api`` calls it records start afresh
        (its message loggers stay);
        ``outcomes``/``failures`` start again (``all_failure_counts`` counts every run's).
        """
        self.wait_idle(self.timeout + 1)
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self.sim = sim
        self.journal = journal
        loggers = self.widget.loggers
        fresh = WidgetState()
        for name in ("minimized", "phone_device", "screen_recording", "reschedule", "suggestions"):
            setattr(self.widget, name, getattr(fresh, name))
        self.widget.loggers = loggers
        with self.widget.lock:  # each run's `api:` expectations see its own calls (not 2 of 1)
            if self.widget.calls is not None:
                self.widget.calls = []
        for api in list(self._apis):
            api._sim = sim
        done, self._outcomes = self._outcomes, []
        self._earlier_calls += len(done)
        for outcome in done:
            if outcome.status != "ok":
                failed = self._earlier_failed
                failed[outcome.status] = failed.get(outcome.status, 0) + 1
                if len(self._earlier_failures) < state.FAILURES_KEPT:
                    self._earlier_failures.append(outcome)
                    self._earlier_failure_runs.append(self.run_number)
        self._standing = None
        self._engine_thread = threading.get_ident()
        if journal is not None:
            self._unsubscribe.append(journal.attach(sim))
        self._unsubscribe.append(sim.subscribe(self._on_event, self._passes_on))

    # ------------------------------------------------------------------ closing

    def close(self, timeout: float | None = None, *, close_wait: float | None = None) -> None:
        """Finish the events already queued (up to ``timeout``, default the handler timeout plus
        1 s), then stop the threads and unsubscribe. Plugins' close hooks run. ``close_wait``:
        the whole wait of a close that shares it among hosts (the window's agents; ``timeout``
        is what is left of it), which the outcome of a call given up says."""
        if self._closed:
            return
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        waited = self.timeout + 1 if timeout is None else timeout
        idle = self.wait_idle(waited)
        if not idle:  # a call here still running is given up: its outcome now, not never
            self._abandon_running(waited if close_wait is None else close_wait)
        if self.kept is not None:  # a mend in progress ends first; none after
            self.kept.over()
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
        self._put(None)  # the dispatcher thread ends
        # Idle, the dispatcher thread has its end left only: the close grace it gives the
        # asyncio tasks handlers left pending, then their names (an incident). That is waited
        # for however slow the machine (1 s was not, under load, and the summary went out
        # without them; the tasks' grace is lengthened by the thread's wait for a CPU, and so
        # is this); a handler still running, or a stop (``timeout=0``: shielded, so another
        # Ctrl-C could not cut a lengthened wait short), is not.
        limit = self.close_grace + _END_LIMIT if idle else 1.0
        tid = self._dispatcher.native_id
        ended = (
            wait_runnable(self._stopped.wait, limit, lambda: run_delay(tid))
            if idle and timeout != 0 and not interrupts.stopping()
            else self._stopped.wait(limit)
        )
        if not ended and idle:
            self.add_incident(
                f"a plugin's asyncio task(s) still running {limit:g} s after the end (one that "
                "blocks the event loop); adsim went on without them"
            )
        never_ran: list[tuple[Job, int]] = []  # each job, and its first handler never called
        with self._lock:
            self._stopped.set()
            # A dispatcher thread still running is given up: it ends at its next step (the
            # call in flight has its outcome), calling nothing else.
            self._generation += 1
            self._watch.notify_all()
            current = self._current
            call = self._running  # in a plugin's process: its outcome comes once that ends
            if current is not None and not current.finished:
                running = call is not None and call.job is current
                never_ran.append((current, current.index + running))
            queued = list(self._queue)  # with the current job: each taken is one or the other
            self._queue.clear()
        for job in queued:  # never handled, they owe the simulation an answer: the default
            if isinstance(job, Job):
                never_ran.append((job, 0))
                if job.resolve is not None:
                    self.sim.post(partial(job.resolve, None))
        for job, first in never_ran:  # as a plugin's process says its calls never sent
            handlers = job.registrations if job.started else self.registry.handlers(job.event.name)
            for registration in handlers[first:]:
                self._record(call_outcome(job.event, registration, 0.0, _NEVER_RAN))
        self._put(None)  # a dispatcher thread given up that comes for its next job ends
        if self._current is not None and self._current.resolve is not None:
            self.sim.post(partial(self._current.resolve, None))
        for plugin in self._plugins:
            self._close_plugin(plugin)
        if call is not None:
            self._await_outcome(call)
        if self._signals is not None:
            self._signals.release()
        self._ended = True
        self.registry.ended = kept_past_its_end("on", self.under_test)

    def _await_outcome(self, call: Call) -> None:
        """The call in a plugin's process still running at the close has its reply once its
        process was ended (``_close_plugin``), on its dispatcher thread: that thread is waited
        for (of time it could run), or on a loaded machine the outcome came after the journal
        had closed, and was in neither the journal nor the summary."""
        if not isinstance(call.registration.handler, RemoteHandler):
            return  # in this process: given up, its outcome recorded (``_abandon_running``)
        for thread in threading.enumerate():
            if thread.ident == call.thread and thread is not threading.current_thread():
                join_within(thread, _END_LIMIT)

    def __enter__(self) -> HandlerHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
