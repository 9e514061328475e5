"""The one QObject between the Qt-free simulator and the widgets (psygnal's ``qt.py`` idea).

The bridge subscribes to the simulator (every adApi event, every notice) and to the handler host
(outcomes), and re-emits them as Qt signals on the GUI thread. Widgets read the simulator's public
state and ask for actions through ``act``; they never subscribe to the engine themselves. A
``QTimer`` calls ``sim.poll()`` so ring timeouts, remote answers and deferred handler answers
happen on the wall clock while the event loop keeps turning.

A journal that cannot be written (another process holds its lock, the disk is full): the engine
commits each step's events before delivering them, and a failed commit holds them back. The
bridge is told (``sim.bus.on_commit_error``), says so (``journalStopped``), retries the commit on
the poll timer and says ``journalResumed`` once the held events went through (or once the tester
switched the journal off: ``switch_journal_off``). Held events reach nobody meanwhile: not the
handlers, not the window.

Threading: the simulator runs on the GUI thread. Handler outcomes arrive on the handler thread
and cross to the GUI thread through a queued signal; an event emitted from another thread (a
misbehaving caller) is marshalled the same way rather than touching the models off-thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from simulator.gui.inspector.eventlog import EventLog
from simulator.gui.plugin_loading import LoadJob, PluginLoader
from simulator.gui.transfer_wait import TransferWait, TransferWaits
from simulator.gui.wording import refused_text

if TYPE_CHECKING:
    from simulator.engine import Event, Notice, Simulator

__all__ = ["HandlerHostLike", "SimBridge"]

POLL_MS = 100
"""How often the wall clock is polled for due timers and posted work."""
TICK_MS = 1000
"""How often live timers (time in state, interaction timers) repaint."""
JOURNAL_RETRY_S = 1.0
"""While the journal holds events back: seconds between the end of one failed commit and the
next try (each try may wait the journal's ``busy_timeout`` for a lock, on the GUI thread)."""


class HandlerHostLike(Protocol):
    """What the window needs of ``simulator.handlers.HandlerHost`` (docs/HELPERS.md)."""

    @property
    def plugins(self) -> list[Any]:
        """Load status of each plugin (``.name .source .loaded .error .handler_count``)."""
        ...

    @property
    def outcomes(self) -> list[Any]:
        """Every handler outcome so far, in order."""
        ...

    def load(self, spec: Any) -> list[Any]:
        """Load a plugin file or directory."""
        ...

    def reload(self) -> list[Any]:
        """Re-read every plugin from disk."""
        ...

    def subscribe_outcomes(self, callback: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``callback(outcome)`` on the handler thread for each outcome."""
        ...

    def close(self) -> None:
        """Stop the handler thread."""
        ...


class SimBridge(QObject):
    """Re-emits the simulator's events, notices and handler outcomes as Qt signals."""

    eventArrived = Signal(object)
    """One adApi ``Event``, in order, on the GUI thread."""
    noticeArrived = Signal(object)
    """One ``Notice`` (chat line, DTMF, queued offer ...)."""
    changed = Signal()
    """Something changed: emitted once after each action or poll that produced events/notices."""
    tick = Signal()
    """Once a second, for live timers."""
    outcomeArrived = Signal(object)
    """One handler outcome (``.event_seq .event_name .interaction_id .status .result``),
    delivered on the GUI thread. A test waits for an event to reach the handlers with
    ``qtbot.waitSignal(bridge.outcomeArrived, check_params_cb=...)``."""
    handlersIdle = Signal()
    """The handlers have handled every event dispatched so far and each outcome has reached the
    GUI thread (emitted after the outcome that made it so)."""
    pluginsChanged = Signal()
    """Plugins were loaded or reloaded."""
    pluginsLoading = Signal(str)
    """A plugin load began (off the GUI thread): what is loading. ``pluginsChanged`` follows
    when it ended; ``loading`` says what is still loading meanwhile."""
    actionFailed = Signal(str)
    """An action was refused: what was refused and the engine's message, for the status bar."""
    actionRefused = Signal(str, str)
    """An action was refused: its name (``complete_interaction``) and the same message."""
    actionDone = Signal(str)
    """An action succeeded (its name). One that waited for the handlers' transfer data
    (``actionWaiting``) is said once it happened."""
    actionWaiting = Signal(str)
    """An action was accepted and waits for the handlers' answer to
    ``ON_REQUEST_TRANSFER_DATA`` (its name): ``actionDone`` follows once it happened, or
    ``actionFailed`` when it could not happen any more (the calls changed meanwhile)."""
    journalStopped = Signal(str)
    """A commit to the journal failed: one line naming the journal file and the cause. Until
    ``journalResumed``, events are held back (neither the handlers nor the window get them)."""
    journalResumed = Signal()
    """The held events were committed (or the journal was switched off) and delivered."""

    _crossThreadEvent = Signal(object)
    _crossThreadNotice = Signal(object)
    _crossThreadOutcome = Signal(object)

    def __init__(
        self,
        sim: Simulator,
        host: HandlerHostLike | None = None,
        *,
        poll_ms: int = POLL_MS,
        tick_ms: int = TICK_MS,
        journal: Any | None = None,
        parent: QObject | None = None,
    ):
        """``journal``: the session's journal (default: the host's), for ``switch_journal_off``."""
        super().__init__(parent)
        self.setObjectName("simBridge")
        self._sim = sim
        self._host = host
        self._gui_thread = threading.get_ident()
        self._dirty = False
        self.done_data: Any = None
        """The ``data`` of the last action done (an offer's ``{id, queued}``), for its words."""
        self.done_interaction: Any = None
        """The interaction the last action done was about, as it is now (gone from the desktop
        once completed), for its words: what Hang up did depends on its service."""
        self.chat_topics: dict[str, Any] = {}
        """The topic of each chat whose customer the window made up (``Conversation``): the
        customer's later lines keep to it."""
        self._journal = journal if journal is not None else getattr(host, "journal", None)
        self._retry_at = 0.0
        self.journal_problem: str | None = None
        """While events are held back by a failed journal commit: why (the ``journalStopped``
        text); None while the journal takes every step."""
        # Told instead of raising out of a Qt slot; the engine holds the events back meanwhile.
        sim.bus.on_commit_error = self._on_commit_error
        self.events = EventLog()
        """Every event since the bridge was attached (what the inspector shows)."""
        self.outcomes: list[Any] = []
        """Handler outcomes in the order they reached the GUI thread."""
        self._idle_owed = False
        """An outcome arrived and ``handlersIdle`` has not been said since."""
        self._waits = TransferWaits()
        self._acting: list[Event] | None = None
        """The events of the action running now (``act``)."""
        self.names: dict[str, str] = {}
        """A playing scenario's ``as`` names -> interaction ids (the runner's own dict)."""
        queued = Qt.ConnectionType.QueuedConnection
        self._crossThreadEvent.connect(self._on_queued_event, queued)
        self._crossThreadNotice.connect(self._on_queued_notice, queued)
        self._crossThreadOutcome.connect(self._on_outcome, queued)
        self._unsubscribe: list[Callable[[], Any]] = [
            sim.subscribe(self._event_from_engine),
            sim.watch(self._notice_from_engine),
        ]
        if host is not None:
            self.outcomes.extend(host.outcomes)
            self._unsubscribe.append(host.subscribe_outcomes(self._crossThreadOutcome.emit))
            # A handler feedback loop: its calls are refused past the host's event budget,
            # renewed each time the handlers are at rest (``rest`` on every poll and action).
            subscribe_loops = getattr(host, "subscribe_loops", None)
            if subscribe_loops is not None:
                self._unsubscribe.append(subscribe_loops(self._on_loop))
        self._loader = PluginLoader()
        self.before_timers: list[Callable[[int], Any]] = []
        """Called with the clock's time before each poll fires the timers due by then (the
        window adds the note typed in wrap-up before the after-call work limit ends it)."""
        self._poll = QTimer(self)
        self._poll.setObjectName("pollTimer")
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.poll)
        self._poll.start()
        self._tick = QTimer(self)
        self._tick.setObjectName("tickTimer")
        self._tick.setInterval(tick_ms)
        self._tick.timeout.connect(self.tick.emit)
        self._tick.start()

    # ------------------------------------------------------------------ reading

    @property
    def sim(self) -> Simulator:
        """The simulator this bridge shows."""
        return self._sim

    @property
    def host(self) -> HandlerHostLike | None:
        """The handler host, when handlers are loaded."""
        return self._host

    # ------------------------------------------------------------------ acting

    def customer_line(self) -> str:
        """A line the customer of the active chat writes, on its topic when the window made
        the customer up."""
        topic = self.chat_topics.get(self._sim.active_interaction_id or "")
        return str(self._sim.customers.chat_line(topic))

    def act(self, action: str, *args: Any, **kwargs: Any) -> Any:
        """Call the simulator's public action ``action``; report a refusal, then refresh."""
        self._rest()
        acted: list[Event] = []
        self._acting = acted
        target = kwargs.get("interaction_id", args[2] if len(args) > 2 else None)
        about = target or self._sim.active_interaction_id
        before = self._sim.interaction(about) if about else None
        try:
            result = getattr(self._sim, action)(*args, **kwargs)
        finally:
            self._acting = None
        wait = None
        if result.ok:
            self.done_data = result.data
            self.done_interaction = before
            wait = self._waits.begin(action, acted, self._sim, target)
        if wait is not None:
            self.actionWaiting.emit(action)
        elif result.ok:
            self.actionDone.emit(action)
        else:
            error = result.error
            text = refused_text(action, error.message or error.name, error.name)
            self.actionFailed.emit(text)
            self.actionRefused.emit(action, text)
        self._dirty = True
        self._check_resumed()
        self._settle()
        return result

    def poll(self) -> None:
        """Fire due timers and posted work (deferred handler answers), then refresh; while the
        journal holds events back, first try their commit again."""
        self._rest()
        self._collect_loads()
        bus = self._sim.bus
        if bus.held is not None:
            # No timers while held either: each would try the commit again (and wait for the
            # lock) only to add its events to the held ones.
            if time.monotonic() < self._retry_at:
                return
            bus.flush()
            self._retry_at = time.monotonic() + JOURNAL_RETRY_S
            if bus.held is not None:
                self._settle()
                return
        for before in tuple(self.before_timers):
            before(self._sim.now_ms)
        self._sim.poll()
        self._tell_settled()
        self._check_resumed()
        self._settle()
        self._tell_idle()

    @property
    def waiting(self) -> list[TransferWait]:
        """The actions waiting for the handlers' answer to ``ON_REQUEST_TRANSFER_DATA``
        (``.action``, ``.waiting_text()``), oldest first."""
        return list(self._waits.waits)

    def _tell_settled(self) -> None:
        for wait in self._waits.settled():
            self._dirty = True
            if wait.carried_out():
                self.actionDone.emit(wait.action)
            else:
                self.actionFailed.emit(wait.not_done_text())

    @property
    def journal(self) -> Any | None:
        """The journal the session writes (None: no journal)."""
        return self._journal

    def switch_journal_off(self) -> None:
        """Stop journaling this session (the tester's choice when the journal stays
        unwritable): the held events are delivered now, and no later event is journaled."""
        detach = getattr(self._journal, "detach", None)
        if detach is not None:
            detach()
        self._journal = None
        self._sim.bus.flush()
        self._check_resumed()
        self._settle()

    def load_plugins(
        self, specs: list[str], then: Callable[[], Any] | None = None, *, what: str = ""
    ) -> None:
        """Load each plugin file or directory of ``specs`` off the GUI thread, in order, then
        call ``then()`` on the GUI thread (at once when there is nothing to load). A load that
        raised is said with ``actionFailed``."""
        host = self._host
        if host is None or not specs:
            if then is not None:
                then()
            return
        label = what or ", ".join(_short(spec) for spec in specs)

        def work() -> None:
            for spec in specs:
                if not host.load(spec) and not Path(spec).is_file():
                    # A folder without a plugin loads nothing: said, not a silent no-op.
                    raise LookupError(f"{spec}: no handler plugin (*.py with register) there")

        self._submit(label, work, then)

    def reload_plugins(self) -> None:
        """Re-read every plugin from disk (off the GUI thread)."""
        host = self._host
        if host is not None:
            self._submit("every plugin (reload)", host.reload)

    def load_plugin(self, spec: str) -> None:
        """Load a plugin file or directory (off the GUI thread; ``pluginsChanged`` when done)."""
        self.load_plugins([spec])

    @property
    def loading(self) -> LoadJob | None:
        """The plugin load running now (``.what``, ``.started``), or None."""
        return self._loader.current

    @property
    def loading_all(self) -> list[LoadJob]:
        """Every plugin load not finished yet, the running one first."""
        return self._loader.waiting

    def wait_plugins(self, timeout: float) -> bool:
        """Block up to ``timeout`` s until every plugin load has ended, then take them in (their
        ``pluginsChanged``, their follow-ups); False if one is still running (tests)."""
        done = self._loader.wait(timeout)
        self._collect_loads()
        return done

    def _submit(
        self, what: str, work: Callable[[], Any], then: Callable[[], Any] | None = None
    ) -> None:
        def ended(error: str | None) -> None:
            self.pluginsChanged.emit()
            if error is not None:
                self.actionFailed.emit(f"Loading {what} failed: {error}")
            if then is not None:
                then()

        host = self._host

        def loaded() -> None:
            try:
                work()
            finally:
                if host is not None and hasattr(host, "threads_loaded"):
                    # A daemon a plugin started meanwhile was made one on purpose: the close
                    # leaves it, as ``adsim run`` does (``simulator.handlers.leftover_threads``).
                    host.threads_loaded |= frozenset(threading.enumerate())

        self._loader.submit(what, loaded, ended)
        self.pluginsLoading.emit(what)
        self._dirty = True
        self._settle()

    def _collect_loads(self) -> None:
        for job in self._loader.collect():
            if job.then is not None:
                job.then(job.error)

    def close(self) -> None:
        """Stop polling and unsubscribe from the simulator and the host."""
        self._poll.stop()
        self._tick.stop()
        if self._sim.bus.on_commit_error == self._on_commit_error:
            self._sim.bus.on_commit_error = None
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    # ------------------------------------------------------------------ plumbing

    def _rest(self) -> None:
        rest = getattr(self._host, "rest", None)
        if rest is not None:
            rest()

    def _on_loop(self, error: Any) -> None:
        # On the simulation thread, which is this (the GUI) thread in the window.
        self.actionFailed.emit(str(error))

    def _on_commit_error(self, error: Any) -> None:
        # On the simulation thread: the GUI thread in the window (the engine is driven here).
        text = f"The journal cannot be written: {error}"
        self._retry_at = time.monotonic() + JOURNAL_RETRY_S
        changed = text != self.journal_problem
        self.journal_problem = text
        self._dirty = True
        if changed:
            self.journalStopped.emit(text)

    def _check_resumed(self) -> None:
        if self.journal_problem is not None and self._sim.bus.held is None:
            self.journal_problem = None
            self._dirty = True
            self.journalResumed.emit()

    def _settle(self) -> None:
        if self._dirty:
            self._dirty = False
            self.changed.emit()

    def _event_from_engine(self, event: Event) -> None:
        if threading.get_ident() != self._gui_thread:
            self._crossThreadEvent.emit(event)
            return
        self._on_event(event)

    def _notice_from_engine(self, notice: Notice) -> None:
        if threading.get_ident() != self._gui_thread:
            self._crossThreadNotice.emit(notice)
            return
        self._on_notice(notice)

    def _on_event(self, event: Event) -> None:
        if self._acting is not None:
            self._acting.append(event)
        self.events.append(event)
        self._dirty = True
        self.eventArrived.emit(event)

    def _on_notice(self, notice: Notice) -> None:
        self._waits.note(notice)
        self._dirty = True
        self.noticeArrived.emit(notice)

    def _on_queued_event(self, event: Event) -> None:
        # Crossed from another thread: no action or poll on this thread will settle it.
        self._on_event(event)
        self._settle()

    def _on_queued_notice(self, notice: Notice) -> None:
        self._on_notice(notice)
        self._settle()

    def _on_outcome(self, outcome: Any) -> None:
        self.outcomes.append(outcome)
        self.outcomeArrived.emit(outcome)
        self._idle_owed = True
        self._tell_idle()

    def _tell_idle(self) -> None:
        """``handlersIdle`` once the handlers have nothing pending and every outcome is here.
        An outcome is told before its call stops counting as pending (the host records it
        first): the last one can reach this thread while ``pending`` is still 1, and then the
        next poll says it (under load nothing else came, and the signal never did)."""
        host = self._host
        if not self._idle_owed or host is None or getattr(host, "pending", 0) != 0:
            return
        if len(self.outcomes) >= len(host.outcomes):
            self._idle_owed = False
            self.handlersIdle.emit()


def _short(spec: str) -> str:
    """A plugin path as the tester knows it: its file or folder name."""
    name = spec.rstrip("/\\").replace("\\", "/").rsplit("/", 1)[-1]
    return name or spec
