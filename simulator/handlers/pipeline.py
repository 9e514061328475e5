"""Pipelined calls to a plugin's process: sent without waiting for the answer.

An event that needs no answer and that only one plugin's process subscribes to cannot be seen, or
acted on, by any other plugin in between: the host sends it (``Pipeline.submit``) and goes on
with the next event, so a run of such events is not one round trip each. The child runs its calls
in the order they were sent and marks when it starts each (``PluginProcess.started``), so every
call still has its own timeout, counted from its start. A call still running at its deadline is
reported ``timeout`` and its process killed; a call that crashes is reported ``crashed``. The
calls queued behind it never started: they are sent again, in order, to the fresh process, as
they would have been without pipelining. The host waits for a pipeline to drain before it calls
anything else.

A call the child does not even start within the timeout of its turn (sent, and the call before
it ended) is reported ``timeout`` too, with where the plugin's code was, and its process killed:
a plugin's own thread holding the GIL between calls freezes the whole process, and without that
deadline the run would wait for the call's start for ever.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from simulator.handlers.outcome import Reply
from simulator.handlers.stacks import killed_running, killed_unstarted

if TYPE_CHECKING:
    from simulator.engine import Event
    from simulator.handlers.plugin_pipe import Life
    from simulator.handlers.supervisor import PluginProcess

__all__ = ["Pipeline", "Reply", "wire_payload"]

STOPPED_UNSTARTED = "api_not_answer: adsim stopped before this call could run"
"""The error of a call queued behind others when adsim stopped (it never ran)."""
_MAX_SENDS = 3
"""A call is sent to at most this many processes (a plugin that dies before each call)."""
Done = Callable[[Reply, float], Any]
"""Called once per call with its reply and its duration in ms (on a supervisor thread)."""


@dataclass(eq=False, slots=True)
class _Pending:
    """A call sent to the child: waited for (``done``) or pipelined (``callback``)."""

    done: threading.Event | None = None
    """Set when a waited-for call has its reply (``PluginProcess.call``); None when pipelined."""
    reply: Reply | None = None
    callback: Done | None = None
    index: int = 0
    args: tuple[Any, ...] = ()
    """The event as it crosses: ``(name, wire args, api version)`` (``wire_payload``)."""
    id: int = 0
    started: float | None = None
    finished: bool = False
    timed_out: bool = False
    sends: int = 0
    sent_at: float | None = None
    """When a pipelined call was last sent (``time.monotonic``): it must start within the
    timeout of that (``Pipeline.sending``)."""
    label: tuple[str, str] = ("?", "")
    """(event, handler) of a pipelined call: who an ``ad_api`` call comes from."""
    ordinal: int = 0
    """Which pipelined call of its process's life it was (1, 2 ...): started once the process's
    marker counts that many (``StartMarker``); 0 while not written to any."""
    life: Life | None = None
    """The process (life) it was last written to."""


def wire_payload(event: Event) -> tuple[str, tuple[Any, ...], str]:
    """What crosses to a plugin's process for ``event``: its wire JSON values, which pickle
    several times faster than the contract models; the child builds the models from them
    (``typed_args``), on its own core, a fresh set for each call."""
    return event.name.value, event.wire_args, getattr(event, "api_version", "5.19")


class Pipeline:
    """The pipelined calls of one plugin process (see the module docstring)."""

    def __init__(self, process: PluginProcess, timeout: float):
        self.process = process
        self.timeout = timeout
        lock = threading.RLock()
        self._cond = threading.Condition(lock)
        """Notified when a call ends (``drain`` waits on it)."""
        self._watching = threading.Condition(lock)
        """The watcher's own, notified only for orphans and the close: it times calls by
        waking at deadlines, never at a call's start or end (see ``_watch``)."""
        self._calls: deque[_Pending] = deque()
        self._orphans: list[_Pending] = []
        self._thread: threading.Thread | None = None
        self._closed = False
        self._turn: float | None = None
        """When the call before the first in line ended: the first must start within the
        timeout of that or of its sending, whichever is later."""
        self.sent = 0
        """Calls sent through the pipeline so far."""

    @property
    def busy(self) -> bool:
        """Calls sent and not answered yet."""
        return bool(self._calls)

    def submit(self, index: int, event: Event, done: Done, handler: str = "") -> None:
        """Send handler ``index`` (named ``handler``) the event; ``done(reply, duration_ms)``
        once it has ended."""
        call = _Pending(callback=done, index=index, args=wire_payload(event))
        call.label = (event.name.value, handler)
        with self._cond:
            self.sent += 1
            if not self._calls:
                self._turn = None  # its turn starts when it is sent
            self._calls.append(call)
            if self._thread is None:
                self._start_watching()
        self._send(call)

    def submit_now(self, index: int, event: Event, done: Done, handler: str = "") -> bool:
        """As ``submit``, from the simulation thread, which must never wait: only into an empty
        pipeline, and only when the call can be written at once (``PluginProcess.send_now``);
        False, and nothing sent, otherwise."""
        call = _Pending(callback=done, index=index, args=wire_payload(event), sends=1)
        call.label = (event.name.value, handler)
        with self._cond:
            if self._calls or self._closed:
                return False
            self._turn = None  # its turn starts when it is sent
            self._calls.append(call)
            if self._thread is None:
                self._start_watching()
        if self.process.send_now(call):
            with self._cond:
                self.sent += 1
            return True
        with self._cond, contextlib.suppress(ValueError):
            self._calls.remove(call)
        return False

    def _start_watching(self) -> None:
        self._thread = threading.Thread(
            target=self._watch, name=f"adsim-pipeline-{self.process.name}", daemon=True
        )
        self._thread.start()

    def _send(self, call: _Pending) -> None:
        call.sent_at = None  # a fresh process may take a while to start: not its turn yet
        call.sends += 1
        if call.sends > _MAX_SENDS:
            text = "crashed: its process kept ending before it could run this call"
            self.finished(call, ("crashed", None, text, None))
            return
        life, error = self.process._alive()
        if life is None and self.process._closed:  # adsim stopped meanwhile: it never ran
            self.finished(call, ("timeout", None, STOPPED_UNSTARTED, None))
            return
        if life is None:
            text = f"crashed: its process could not be started again ({error})"
            self.finished(call, ("crashed", None, text, None))
            return
        self.process._dispatch(life, call)

    def sending(self, call: _Pending) -> None:
        """``call`` is about to be written to a running process: from now on it must start
        within the timeout (once the call before it has ended)."""
        call.sent_at = time.monotonic()

    def running(self) -> tuple[str, str] | None:
        """(event, handler) of the call the child is running now, if it is a pipelined one."""
        with self._cond:
            head = self._calls[0] if self._calls else None
            if head is not None and not head.finished and self.process.started(head) is not None:
                return head.label
        return None

    def finished(self, call: _Pending, reply: Reply, waited_ms: float | None = None) -> None:
        """A call ended (its reply, a crash, or our timeout): report it once. ``waited_ms``: the
        duration of a call that never started (how long its start was waited for)."""
        with self._cond:
            if call.finished or (call.timed_out and reply[0] != "timeout"):
                return
            call.finished = True
            head = self._calls[0] if self._calls else None
            with contextlib.suppress(ValueError):
                self._calls.remove(call)
            if call is head:
                self._turn = time.monotonic()  # the next call's turn starts now
            self._cond.notify_all()
        started = call.started
        duration = (time.monotonic() - started) * 1000 if started is not None else 0.0
        if started is None and waited_ms is not None:
            duration = waited_ms
        if call.callback is not None:  # every pipelined call has one
            call.callback(reply, duration)

    def orphan(self, call: _Pending) -> None:
        """A call that never started in a process that died: send it again to a fresh one."""
        with self._cond:
            if call.finished or call.timed_out:
                return  # reported already (or about to be): never run twice
            if not self._closed:
                self._orphans.append(call)
                self._watching.notify()
                return
        self.finished(call, ("timeout", None, STOPPED_UNSTARTED, None))

    def drain(self) -> None:
        """Wait until every pipelined call has ended (each is bounded by its timeout)."""
        with self._cond:
            while self._calls:
                self._cond.wait()

    def close(self) -> None:
        """Stop watching; calls left are reported (``timeout``: adsim stopped) when their
        process ends."""
        with self._cond:
            self._closed = True
            orphans, self._orphans = self._orphans, []
            self._cond.notify_all()
            self._watching.notify_all()
        for call in orphans:
            self.finished(call, ("timeout", None, STOPPED_UNSTARTED, None))

    def _watch(self) -> None:
        while True:
            orphans: list[_Pending] = []
            late: _Pending | None = None
            with self._cond:
                while True:
                    if self._closed:
                        return
                    if self._orphans:
                        orphans, self._orphans = self._orphans, []
                        break
                    head = self._calls[0] if self._calls else None
                    if head is None or (
                        self.process.started(head) is None and head.sent_at is None
                    ):
                        # Nothing sent to time. A call sent from now on has its deadline a
                        # timeout or more from now: looking again then is never late.
                        self._watching.wait(self.timeout)
                        continue
                    # Running: its deadline. Sent and not started: the deadline of its start.
                    if head.started is not None:
                        since = head.started
                    else:
                        since = max(head.sent_at or 0.0, self._turn or 0.0)
                    remaining = since + self.timeout - time.monotonic()
                    if remaining <= 0:
                        head.timed_out = True
                        late = head
                        break
                    # Not woken when this call starts or ends: a start moves its deadline later,
                    # and the next call's deadline is at least this one's (its turn comes after
                    # this call started), so looking again at this deadline is never late.
                    self._watching.wait(remaining)
            for call in sorted(orphans, key=lambda c: c.id):
                self._send(call)
            if late is not None:
                self._time_out(late)

    def _time_out(self, call: _Pending) -> None:
        since = max(call.sent_at or 0.0, self._turn or 0.0)  # its turn (if it never started)
        dump = self.process.abandon()
        if self.process.started(call) is None:
            error = killed_unstarted(self.timeout, self.process.where_any(dump))
            self.finished(call, ("timeout", None, error, dump), (time.monotonic() - since) * 1000)
            return
        error = killed_running(self.timeout, self.process.where(dump))
        self.finished(call, ("timeout", None, error, dump))
