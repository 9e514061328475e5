"""The widget's side of a page's ``adApi``: vendor packets in, vendor packets out, no Qt.

A CRM page (or a Node handler module) loads the shim ``static/api.js``; its ``AdApi`` talks to
this endpoint as it would to the vendor's widget iframe, with packets ``{uid, type, params,
noHandlers?}`` over any transport (``send`` given here, ``receive`` called by the transport)::

    page                          endpoint (the widget)
    __attach__ [integrationKey]   ->            a new AdApi: a new instance, old answers fail
                                  <-  hello
    hi [key, search, popup]       ->
                                  <-  ready     the page flushes its queued calls
                                  <-  comm-widget-ready   (2.0 adapters: __attach__ [key, "2.0"])
    START_CALL [phone, object]    ->            the ad_api facade, on the engine's thread
                                  <-  START_CALL_RESPONSE [OperationResult]
                                  <-  ON_NEW_INTERACTION [InteractionData]
    __handled__ (error?)          ->            every page handler of that callback finished
                                  <-  ON_REQUEST_TRANSFER_DATA [interactionId]
    ON_REQUEST_TRANSFER_DATA_RESPONSE [answer] | [] noHandlers
    __handled__                   ->

The endpoint is a plugin of a ``HandlerHost`` (``js:<file>``): the host hands it each event on
the handler thread in order, times it (``api_not_answer`` after the host's timeout, the run goes
on), defers the engine's answer for needResponse events and journals the outcome, exactly as for
a Python handler. Requests go through ``simulator.handlers.AdApi`` so the page gets the same
preconditions and error codes as Python handlers.

Requests run one at a time, in the order the page sent them, on the endpoint's request thread;
``__handled__`` waits in the same queue, so a handler that fires a request without awaiting it
(``adApi.setDisposition(...)`` in ``ON_CALL_ENDED``) has its request run before its callback
counts as finished: once ``host.settle()`` returns, the request's effect is there.

With a journal on the host (``host.journal``) every packet is journaled (``Journal.packets``),
``in`` from the page and ``out`` to it, before it is handled or sent: the handshake, events,
requests, answers, ``__handled__`` and our ``__log__`` console lines (useful next to the outcome
of a handler that failed).
"""

from __future__ import annotations

import itertools
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from queue import SimpleQueue
from typing import TYPE_CHECKING, Any

from simulator import interrupts
from simulator.contract import EventName, OperationResult, ResultErrorCode, fail
from simulator.contract.versions import EventNotInVersionError, event_available, events_for
from simulator.handlers import AdApi, HandlerHost, PluginStatus
from simulator.handlers.limits import kept_packet
from simulator.handlers.outcome import OpaqueResult
from simulator.handlers.registry import UnknownEventError
from simulator.web.adapi_requests import REQUESTS, UNSIMULATED, run_request
from simulator.web.forwards import Forwards

if TYPE_CHECKING:
    from simulator.journal.rows import PacketDirection

__all__ = [
    "REQUESTS",
    "UNSIMULATED",
    "JsHandlerError",
    "Packet",
    "PageEndpoint",
]

Packet = dict[str, Any]
"""One vendor packet: ``{uid, type, params, noHandlers?}`` (plus ``error`` on ``__handled__``)."""

_Queue = SimpleQueue[tuple[int, Packet] | None]

_GRACE_S = 1.0

LOOP_HINT = " (a loop that never ends?)"
"""How a blocked page's reason ends: what most often keeps an event loop from a ping."""
_PING_FLOOR_S = 5.0
"""The least time a page has to answer the ping after a timed-out callback: a loaded machine
must not make a live event loop look blocked, whatever ``--handler-timeout`` says."""
_STOP_CHECK_S = 0.2
"""How often a wait for the page's handlers looks whether a stop (Ctrl-C, SIGTERM) began."""


class JsHandlerError(Exception):
    """A page handler threw, or the page went away before it answered."""


@dataclass(slots=True)
class _Waiter:
    generation: int
    event: str = ""
    """The event whose handlers are awaited ("" for a ping)."""
    done: threading.Event = field(default_factory=threading.Event)
    answer: Any = None
    error: str | None = None


class PageEndpoint:
    """One page's widget: connects its packets to ``host``'s simulation as plugin ``name``.

    ``send(packet)`` must be thread-safe (events leave from the handler thread, answers from the
    request thread). Call ``receive(packet)`` from any thread for each packet the page posts.
    ``close`` and ``reopen`` are the plugin's hooks for ``host.close()``/``host.reload()`` (see
    ``HandlerHost.add_plugin``); a page that outlives a reload needs neither. ``blocked(reason)``
    is called when the page's event loop looks blocked (a Node handler ends its process, and
    says so with ``blocked_ends``).
    """

    def __init__(
        self,
        host: HandlerHost,
        send: Callable[[Packet], Any],
        *,
        name: str = "js:page",
        source: str = "page",
        close: Callable[[], Any] | None = None,
        reopen: Callable[[], str | None] | None = None,
        blocked: Callable[[str], Any] | None = None,
        blocked_ends: bool = False,
        places: bool = False,
        unready: str | None = None,
    ):
        self.host = host
        # A Node module's (``places``) are named for where it calls adApi.on (``__on__``).
        self._forwards = Forwards(self.deliver, places=places, source=source)
        self.name = name
        """The plugin's name in ``host.plugins`` and the journal (made unique by the host)."""
        self._send = send
        self._lock = threading.Lock()
        self._uids = itertools.count(1)
        self._generation = 0
        self._waiters: dict[str, _Waiter] = {}
        self._observers: list[Callable[[PacketDirection, Packet], Any]] = []
        self._requests: _Queue = SimpleQueue()
        self._closed = False
        self._api: AdApi | None = None
        self.ready = threading.Event()
        """Set once the handshake is done (``ready`` sent); cleared by a reload."""
        self.registered = threading.Event()
        """Set when the page says its handlers are registered (``__registered__``/``__error__``)."""
        self.error: str | None = None
        """Why the page could not load its handlers (``__error__``), as ``file:line: message``."""
        self._gone: str | None = None
        """Why the page is gone for good (its node process exited), until a reopen or attach."""
        self.gone_said = False
        """Whether a handler outcome has named ``_gone`` (a call it failed, an event after it)."""
        self._blocked: str | None = None
        """Why the page's event loop looks blocked (a callback timed out and the ping after it
        went unanswered), until the page sends anything again."""
        self._on_blocked = blocked
        self._blocked_ends = blocked_ends
        self._unready = unready
        """The error of an event before the handshake (``{event}``: its name), which runs no
        handler (a Node module not loaded yet); None: dropped, as the widget drops a loading
        page's."""
        """Whether ``blocked`` ends the page for good (a Node module's process): the events sent
        meanwhile never run, rather than run once its event loop comes back."""
        self.integration_key: str | None = None
        self.widget = "1.0"
        """The page's adapter generation (``__attach__``'s second param): ``1.0`` or ``2.0``."""
        self.instances = 0
        """How many AdApi instances attached (1 + reloads)."""
        self._worker = self._start_worker()
        self._first_status = host.add_plugin(
            name,
            self._register,
            source,
            close,
            reopen,
            own=True,  # node: its close waits 2 s
        )
        self.name = self._first_status.name

    @property
    def status(self) -> PluginStatus:
        """The plugin's status now (``loaded`` False, with ``error``, after a failed reload)."""
        return next((p for p in self.host.plugins if p.name == self.name), self._first_status)

    # ------------------------------------------------------------------ plumbing

    def _start_worker(self) -> threading.Thread:
        worker = threading.Thread(
            target=self._request_loop,
            args=(self._requests,),
            name=f"adsim-{self.name}-requests",
            daemon=True,
        )
        worker.start()
        return worker

    def _register(self, ad_api: AdApi) -> None:
        self._api = ad_api
        if self.integration_key:  # registered again by a reload: the page keeps its key
            ad_api.integration_key = self.integration_key
        self._forwards.register(ad_api, events_for(self.host.sim.api_version))

    def subscribe_packets(
        self, observer: Callable[[PacketDirection, Packet], Any]
    ) -> Callable[[], None]:
        """``observer(direction, packet)`` for every packet (``"in"`` from the page, ``"out"``
        to it), on the thread that moves it; returns the unsubscribe function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def _notify(self, direction: PacketDirection, packet: Packet) -> None:
        if direction == "in":  # the integration's output: one of hostile size is kept cut
            packet = kept_packet(packet)
        secrets = getattr(self.host, "secrets", None)
        if secrets is not None:  # the page's own text (console lines, errors): masked
            packet = secrets.packet(packet)
        journal = self.host.journal
        if journal is not None:
            try:
                journal.record_packet(self.name, direction, packet)
            except Exception:
                traceback.print_exc(file=sys.stderr)
        for observer in tuple(self._observers):
            try:
                observer(direction, packet)
            except Exception:
                traceback.print_exc(file=sys.stderr)

    def _post(self, packet: Packet) -> None:
        self._notify("out", packet)
        try:
            self._send(packet)
        except (OSError, ValueError):
            # A page adsim found blocked (and ended, a node process) keeps saying so, and one
            # whose exit was said keeps that.
            self.disconnect(
                self._blocked or self._gone or "the page's transport is closed", gone=True
            )

    def _uid(self) -> str:
        return f"w{next(self._uids)}"

    # ------------------------------------------------------------------ from the page

    def receive(self, packet: Packet) -> None:
        """Handle one packet the page posted (any thread)."""
        self._notify("in", packet)
        self._blocked = None  # whatever it sends, its event loop runs
        kind = packet.get("type")
        uid = packet.get("uid")
        params = packet.get("params") or []
        if not isinstance(kind, str):
            return
        if kind == "__pong__":
            self._settle(uid)
            return
        if kind == "__attach__":
            self._attach(params)
        elif kind == "hi":
            self._hi(params)
        elif kind.startswith("ON_") and kind.endswith("_RESPONSE"):
            junk = packet.get("junk")
            if isinstance(junk, list) and junk:
                # What the handlers answered and JSON cannot carry (the shim's ``notJson``):
                # the outcome's ``junk``, as for a Python handler's answer that is no JSON.
                text = str(junk[-1])[:200]
                self._answer(uid, OpaqueResult(str(junk[0])[:200], text))
            else:
                self._answer(uid, None if packet.get("noHandlers") or not params else params[0])
        elif kind == "__registered__":
            self.registered.set()
        elif kind == "__error__":
            self.error = str(params[0]) if params else "the handler module did not load"
            self.registered.set()
        elif kind in ("__log__", "__crash__"):
            return  # journaled above; a crash is its NodeHandler's to report
        elif kind == "__on__":
            later = self._later_event(params)
            if later is not None:
                self.error = later
                self.registered.set()
                return
            self._forwards.placed(params, getattr(self.host, "registry", None))
        elif self.ready.is_set():
            # A request, or ``__handled__`` behind the requests its handlers sent before it.
            self._requests.put((self._generation, packet))
        # Else it comes from no connected instance (the shim queues calls until ``ready``): an
        # AdApi that is gone, e.g. the page before a reload; its own timeout answers it.

    def _later_event(self, params: list[Any]) -> str | None:
        """A Node module registering, in its ``register``, a handler of an event the run's
        version lacks, or of a name no event has: it does not load, as a Python plugin does
        not (``file:line: EventNotInVersionError: ...``, ``file:line: unknown event ...``); it
        loaded, the handler was never called (the shim leaves its console warning to this)."""
        if self.registered.is_set() or not params or not isinstance(params[0], str):
            return None
        places = params[1] if len(params) > 1 and isinstance(params[1], list) else []
        where = str(places[0]) if places and places[0] else "?"
        try:
            name = EventName(params[0])
        except ValueError:
            return f"{where}: {UnknownEventError(params[0])}"
        version = self.host.sim.api_version
        if event_available(name, version):
            return None
        return f"{where}: EventNotInVersionError: {EventNotInVersionError(name, version)}"

    def _attach(self, params: list[Any]) -> None:
        with self._lock:
            self._gone = None
            self.gone_said = False
            self._generation += 1
            self.instances += 1
            self.widget = "2.0" if len(params) > 1 and params[1] == "2.0" else "1.0"
            self.ready.clear()
            self._forwards.attached()  # its __on__ come after its hello
            stale = list(self._waiters.values())
            self._waiters.clear()
        for waiter in stale:
            waiter.error = "the page reloaded (a new hello) before it answered"
            waiter.done.set()
        self._post({"uid": self._uid(), "type": "hello", "params": []})

    def _hi(self, params: list[Any]) -> None:
        key = params[0] if params and isinstance(params[0], str) else None
        self.integration_key = key
        if key and self._api is not None:
            self._api.integration_key = key
        self._post({"uid": self._uid(), "type": "ready", "params": []})
        self.ready.set()
        if self.widget == "2.0":
            # The Comm.Widget 2.0 tells its adapter it is up (after ``ready``: the page's
            # onCommWidgetReady callbacks may call at once).
            self._post({"uid": self._uid(), "type": "comm-widget-ready", "params": []})

    def _answer(self, uid: Any, answer: Any) -> None:
        with self._lock:
            waiter = self._waiters.get(str(uid))
        if waiter is not None:
            waiter.answer = answer

    def _settle(self, uid: Any, error: Any = None) -> None:
        with self._lock:
            waiter = self._waiters.pop(str(uid), None)
        if waiter is not None:
            # ``throw ""`` comes as the error "": still an error, not a handler that succeeded.
            waiter.error = None if error is None else str(error) or "a page handler threw ''"
            waiter.done.set()

    def disconnect(self, reason: str, *, gone: bool = False) -> None:
        """The page is gone: its pending answers fail with ``reason``; events are not sent.
        ``gone``: it will not come back by itself (its process exited), so each later event is
        an error outcome naming ``reason`` until a reload, not an ``ok`` no handler earned."""
        with self._lock:
            if gone:
                self._gone = reason
            self._generation += 1
            self.ready.clear()
            stale = list(self._waiters.values())
            self._waiters.clear()
            self.gone_said = self.gone_said or bool(gone and stale)
        for waiter in stale:
            waiter.error = reason
            waiter.done.set()
        self.registered.set()

    # ------------------------------------------------------------------ requests

    def _request_loop(self, requests: _Queue) -> None:
        while True:
            item = requests.get()
            if item is None:
                return
            generation, packet = item
            if packet["type"] == "__handled__":
                self._settle(packet.get("uid"), error=packet.get("error"))
                continue
            try:
                result = self.call(str(packet["type"]), list(packet.get("params") or []))
            except Exception as exc:
                # Answered, and the thread goes on: dying here left this request and every
                # later one of the page unanswered (each its api_not_answer, 20 s later).
                traceback.print_exc(file=sys.stderr)
                result = fail(
                    ResultErrorCode.unknown_error,
                    f"{packet['type']}: {type(exc).__name__}: {exc}",
                )
            if generation == self._generation:
                self._post(
                    {
                        "uid": packet.get("uid"),
                        "type": f"{packet['type']}_RESPONSE",
                        "params": [result.model_dump(mode="json")],
                    }
                )

    def call(self, message: str, params: list[Any]) -> OperationResult:
        """Run a request message (``SET_CALL_HOLD``) with the page's params on the facade."""
        return run_request(self._api, message, params, self.host.sim.api_version.value)

    # ------------------------------------------------------------------ to the page

    def deliver(self, event: EventName, args: list[Any]) -> Any:
        """Post ``event`` to the page and wait until its handlers finish; the page's answer for a
        needResponse event (None: no handlers, the default applies). Called on the handler
        thread; raises ``JsHandlerError`` when a page handler threw or the page went away."""
        if not self.ready.is_set():
            gone = self._gone
            if gone is not None:
                self.gone_said = True
                raise JsHandlerError(f"{gone} before {event.value}; its handlers did not run")
            if self._unready is not None:  # an ok no handler earned would pass a test
                raise JsHandlerError(self._unready.replace("{event}", event.value))
            return None  # not connected yet (a page loading): the widget posts nothing
        blocked = self._blocked
        if blocked is not None:
            # Not another full timeout per event for a page that reads nothing any more; sent all
            # the same, so a page that comes back (a breakpoint, an alert() closed) has every
            # event, in order.
            self._post({"uid": self._uid(), "type": event.value, "params": args})
            later = (
                "its node process was ended for it: its handlers did not run"
                if self._blocked_ends
                else "its handlers run only if the page's event loop comes back"
            )
            raise JsHandlerError(f"{blocked}; {event.value} was not waited for ({later})")
        waiter = self._expect(event.value)
        self._post({"uid": waiter[0], "type": event.value, "params": args})
        if not self._wait_answer(waiter[1].done, event):
            with self._lock:
                self._waiters.pop(waiter[0], None)
            # The host has already recorded the timeout and gone on: here, on the abandoned
            # call's thread, find out whether the page is waiting (a promise that never
            # settles: later events still run) or stuck (`while (true) {}`: they never would).
            if not self._answers_ping():
                self._block(
                    f"{self.name}'s event loop is blocked: a handler of {event.value} was still "
                    f"running after {self.host.timeout:g} s and it answered no ping for "
                    f"{self._ping_timeout():g} s more{LOOP_HINT}"
                )
            raise JsHandlerError(f"the page did not answer {event.value} (api_not_answer)")
        if waiter[1].error is not None:
            raise JsHandlerError(waiter[1].error)
        return waiter[1].answer

    def _wait_answer(self, done: threading.Event, event: EventName) -> bool:
        """Wait for the page's handlers of ``event`` up to the host's timeout. A stop (Ctrl-C,
        SIGTERM) meanwhile pings the page at once: one whose event loop is blocked (``while
        (true) {}``) is found so now and the wait ends, rather than holding the stop for the
        whole timeout; one that answers (a promise still pending) keeps its timeout, as a
        handler does."""
        deadline = time.monotonic() + self.host.timeout + _GRACE_S
        asked = False
        while not done.wait(min(_STOP_CHECK_S, max(0.0, deadline - time.monotonic()))):
            if time.monotonic() >= deadline:
                return False
            if asked or not interrupts.stopping():
                continue
            asked = True
            if not self._answers_ping(_PING_FLOOR_S):
                reason = self._block(
                    f"{self.name}'s event loop is blocked: a handler of {event.value} was still "
                    f"running when adsim stopped and it answered no ping for {_PING_FLOOR_S:g} s"
                    f"{LOOP_HINT}"
                )
                ended = "its node process was ended" if self._blocked_ends else "not waited for"
                print(f"adsim: {reason}; {ended}", file=sys.stderr, flush=True)
        return True

    def _block(self, reason: str) -> str:
        """The page reads nothing any more: ``blocked`` is told (it may return a truer reason),
        and the events it was sent fail with ``reason`` now, later ones at once (until it sends
        anything again). Returns the reason said."""
        if self._on_blocked is not None:
            said = self._on_blocked(reason)
            if isinstance(said, str) and said:
                reason = said
        with self._lock:
            self._blocked = reason
            stale = list(self._waiters.values())
            self._waiters.clear()
        for waiter in stale:
            waiter.error = reason
            waiter.done.set()
        return reason

    def _expect(self, event: str = "") -> tuple[str, _Waiter]:
        """A new uid and the waiter for the page's answer to it."""
        uid = self._uid()
        with self._lock:
            waiter = _Waiter(self._generation, event)
            self._waiters[uid] = waiter
        return uid, waiter

    def running(self) -> list[str]:
        """The events whose page handlers are still running (sent, not yet finished)."""
        with self._lock:
            return [waiter.event for waiter in self._waiters.values() if waiter.event]

    def _ping_timeout(self) -> float:
        return max(self.host.timeout, _PING_FLOOR_S)

    def _answers_ping(self, timeout: float | None = None) -> bool:
        """Whether the page's event loop still reads packets: a ``__ping__`` it answers (or a
        disconnect meanwhile: then it is not blocked, it is gone) within ``timeout`` (default
        ``_ping_timeout``)."""
        uid, waiter = self._expect()
        self._post({"uid": uid, "type": "__ping__", "params": []})
        answered = waiter.done.wait(self._ping_timeout() if timeout is None else timeout)
        with self._lock:
            self._waiters.pop(uid, None)
        return answered

    def close(self) -> None:
        """Stop the request thread and fail what is still waiting (idempotent)."""
        self.disconnect("the simulator has stopped")
        with self._lock:
            if self._closed:
                return
            self._closed = True
        self._requests.put(None)  # after the requests already queued: they still get answers

    def reopen(self) -> None:
        """Undo ``close`` for a page that starts again (a Node handler restarted by a reload): a
        new request thread, and ``registered``/``error`` cleared for its handshake."""
        with self._lock:
            if self._closed:
                self._closed = False
                self._requests = SimpleQueue()
                self._worker = self._start_worker()
        self.error = None
        self._gone = None
        self.gone_said = False
        self._blocked = None
        self.registered.clear()
