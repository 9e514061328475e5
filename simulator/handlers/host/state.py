"""What a ``HandlerHost`` holds: its settings, checked, and the state its parts share.

``HostState`` is the bottom of the host's layers (see ``simulator.handlers.host``): every field
the dispatcher, the delivery of events and calls, the loading of plugins and the outcome log
read is made here, in one place, with its type.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from simulator.contract import OperationResult
from simulator.engine import AgentDesktop
from simulator.handlers.feedback import MAX_EVENTS_PER_SETTLE, EventBudget, HandlerLoopError
from simulator.handlers.kept_calls import KeptCalls
from simulator.handlers.kept_streams import KeptStreams
from simulator.handlers.outcome import HandlerOutcome
from simulator.handlers.plugins import Plugin, PluginSource
from simulator.handlers.registry import HandlerRegistry
from simulator.handlers.secrets import SecretMask
from simulator.handlers.supervisor import CLOSE_GRACE, DEFAULT_LOAD_TIMEOUT, PluginProcess
from simulator.handlers.widget_state import WidgetState

FAILURES_KEPT = 100
"""Failed calls of the earlier simulators a host keeps whole (``all_failures``); the others
are counted (``all_failure_counts``). The run's summary shows the first 20."""

if TYPE_CHECKING:
    import asyncio

    from simulator.handlers.ad_api import AdApi
    from simulator.handlers.host.dispatch import Call, Job
    from simulator.journal import Journal

__all__ = ["DEFAULT_TIMEOUT", "ISOLATION_MODES", "EngineRequest", "HostState"]

ISOLATION_MODES = ("process", "thread")
"""``process``: each plugin in its own supervised child process; ``thread``: in this process."""

DEFAULT_TIMEOUT = 20.0
"""Seconds: the widget's ``api_not_answer`` limit."""

Caller = tuple[str, str, str]
"""(event, plugin, handler) of an ``ad_api`` call, for naming a feedback loop."""


@dataclass(slots=True)
class EngineRequest:
    """A handler's ``ad_api`` call waiting to run on the simulation thread."""

    method: str
    body: Callable[[], OperationResult]
    caller: Caller
    done: threading.Event = field(default_factory=threading.Event)
    result: OperationResult | None = None
    state: str = "waiting"  # waiting | running | done | cancelled


class DispatcherLocal(threading.local):
    """Per dispatcher thread: the event loop its async handlers run in (made on first use)."""

    loop: asyncio.AbstractEventLoop | None = None
    mine: bool = False
    """This thread is (or was, abandoned) one of the host's dispatchers: a handler's
    ``ad_api`` call from it after the close is a late call, not a kept ``ad_api``'s."""


class CallerHint(threading.local):
    """Per supervisor thread: who makes the ``ad_api`` call it is running."""

    value: Caller | None = None
    """(event, plugin, handler) of a pipelined call whose ``ad_api`` call a supervisor thread
    is running (``simulator.handlers.supervisor``)."""


class HostState:
    """The host's settings and shared state (its threads' locks, queues and records)."""

    _dispatcher: threading.Thread
    """The current dispatcher thread (a new one after a handler is abandoned)."""
    _watchdog: threading.Thread

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
        if isolation not in ISOLATION_MODES:
            raise ValueError(f"isolation is 'process' or 'thread', got {isolation!r}")
        if not load_timeout > 0 or not close_grace >= 0:
            raise ValueError("load_timeout must be positive and close_grace not negative")
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
        self.isolation = isolation
        self.load_timeout = float(load_timeout)
        self.close_grace = float(close_grace)
        self._incidents: list[str] = []
        self._incident_count = 0
        self._incident_lock = threading.Lock()
        self.registry = HandlerRegistry()
        self.widget = WidgetState()
        self.secrets = SecretMask()
        """Masked in plugins' text (outcome errors, tracebacks, load errors) before it is kept."""
        self._plugins: list[Plugin] = []
        self._registering: list[Plugin] = []
        """The plugin whose ``register()`` runs in this process now (not yet in ``_plugins``):
        what its threads raise meanwhile is its (``background_errors``)."""
        self._sources: list[PluginSource] = []
        self._outcomes: list[HandlerOutcome] = []
        """This run's calls (since the last ``rebind``)."""
        self._earlier_calls = 0
        self._earlier_failures: list[HandlerOutcome] = []
        self._earlier_failure_runs: list[int | None] = []
        """The run of a series each of ``_earlier_failures`` came in (``run_number``)."""
        self.run_number: int | None = None
        """Which run of a load series the host serves now (1, 2 ...: ``HostSeries`` counts
        them), None outside a series: the summary, the trace and the incidents then say each
        line's run (a series' failed calls read alike, whichever run they came in)."""
        self._earlier_failed: dict[str, int] = {}
        """Earlier runs' calls: only their number, their first ``FAILURES_KEPT`` failures and
        how many failed by status are kept (a load run of millions of repeats must not keep
        every call it made, nor every failure: ~0.9 KB each with its traceback)."""
        self._processes: list[PluginProcess] = []
        self._apis: weakref.WeakSet[AdApi] = weakref.WeakSet()
        self._outcome_callbacks: list[Callable[[HandlerOutcome], Any]] = []
        self._queue: deque[Job | None] = deque()
        """Events on their way to the dispatcher thread (under ``_lock``; None ends it)."""
        self._lock = threading.RLock()
        """An ``RLock``, not a ``Lock``: a ``Condition`` takes it back after a wait in C, where
        no signal lands. Over a ``Lock`` it did so in Python, and a second Ctrl-C that came
        there left it untaken: "release unlocked lock" hid the stop (the run went on settling,
        for ever) or released another thread's hold (``simulator.handlers.host.delivery``)."""
        self._idle = threading.Condition(self._lock)
        self._watch = threading.Condition(self._lock)
        self._arrived: SimpleQueue[None] = SimpleQueue()
        """One item per job queued: the dispatcher thread's wake-up; it then takes the job and
        makes it current under ``_lock`` at once (a close in between found it neither queued
        nor current: its calls had no outcome)."""
        self._pending = 0
        self._running: Call | None = None
        self._current: Job | None = None
        self._generation = 0
        self._watchdog_idle = False
        self._closed = False
        self._ended = False
        """``close()`` has returned: an ``ad_api`` call from outside the host's threads is a
        kept ``ad_api``'s (``simulator.handlers.host.delivery``)."""
        self.under_test = False
        """A pytest harness's host (``simulator.testing.harness`` sets it): a call after its
        close is an ``ad_api`` an earlier test kept, and is told so."""
        self._stopped = threading.Event()
        self._requests: deque[EngineRequest] = deque()
        self._budget: EventBudget | None = None  # set while settle runs; simulation thread only
        # Between settles (the window): a budget renewed whenever the handlers are at rest.
        self._standing: EventBudget | None = None
        self._loop_callbacks: list[Callable[[HandlerLoopError], Any]] = []
        self._engine_thread = threading.get_ident()
        self._thread_names = itertools.count(1)
        self._local = DispatcherLocal()
        self._callers = CallerHint()
        self._unsubscribe: list[Callable[[], None]] = []
        self.kept: KeptCalls | None = None
        """With thread isolation, what the plugins' code must leave of adsim's process as it
        found it, and whose a change was (``simulator.handlers.kept_calls``)."""
        self.streams: KeptStreams | None = None
        """With thread isolation, adsim's stdout and stderr, put back when a plugin replaced
        or closed them (``simulator.handlers.kept_streams``)."""
