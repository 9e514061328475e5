"""The parent's end of a plugin process's pipes: messages written whole, and never waited on by
a thread that must not wait.

``PluginProcess`` (``simulator.handlers.supervisor``) is built on ``PluginPipe``: ``_send`` for
threads that may wait for room, ``send_now`` for the simulation thread (a pipelined call written
at once or not at all: ``simulator.handlers.frames``), ``_send_close`` bounded by the close's
grace. ``Life`` is one child process of a plugin (a restart is a new life).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from simulator import interrupts
from simulator.handlers import leftover_threads
from simulator.handlers.frames import frame, write_all, write_some, write_within
from simulator.handlers.pipeline import Pipeline, _Pending
from simulator.handlers.start_marker import StartMarker

if TYPE_CHECKING:
    import subprocess
    from multiprocessing.connection import Connection

__all__ = ["Life", "PluginPipe"]


@dataclass(eq=False)
class Life:
    """One child process of a plugin (a restart is a new life)."""

    process: subprocess.Popen[bytes]
    read: Connection
    write: Connection
    dump_path: str
    restart: bool
    marker: StartMarker
    announced: int = 0
    """Pipelined calls written to it so far (each call's ``ordinal``; under the send lock)."""
    pending: dict[int, _Pending] = field(default_factory=dict)
    started: threading.Event = field(default_factory=threading.Event)
    loaded: threading.Event = field(default_factory=threading.Event)
    load_error: str | None = None
    dead: bool = False
    killed: bool = False
    """Killed by us (a timeout, the end): its exit is no news."""
    closing: bool = False
    left_threads: list[str] | None = None
    close_error: str | None = None
    """Its close() raised: where and what, one line (``file:line: ValueError: ...``)."""
    exiting: tuple[str | None, list[str], int] | None = None
    """The atexit function it said it runs at its end, the first few left after it and how many
    (``simulator.handlers.child_exit``); ``(None, [], 0)`` once they have all returned."""
    exit_errors: list[str] = field(default_factory=list)
    """What its atexit functions raised, one line each."""
    reader: threading.Thread | None = None
    stop_dump: str | None = None
    """Its stacks when a stop's grace ended it with a call running (``end_on_stop``), or
    adsim's close did (the window's): the trace of the call it ran."""
    ended_leftovers: bool = False
    """What it left running was looked for (once: its reader and ``close`` both may)."""


class PluginPipe:
    """Writing to a plugin's process (the layer under ``PluginProcess``, which sets these)."""

    name: str
    grace: float
    pipeline: Pipeline
    _life: Life | None
    _lock: threading.Lock
    _send_lock: threading.Lock
    _ids: itertools.count[int]

    def _send(self, life: Life, message: tuple[Any, ...], call: _Pending | None = None) -> bool:
        """Write ``message`` (``call``: the pipelined call it carries); False when the process
        has gone."""
        try:
            data = frame(message)
            with self._send_lock:
                if call is not None:  # counted before it is written: it may start at once
                    life.announced += 1
                    call.ordinal, call.life = life.announced, life
                write_all(life.write.fileno(), data)
        except (OSError, ValueError):
            return False
        return True

    def send_now(self, call: _Pending) -> bool:
        """Send a pipelined call (``Pipeline.submit_now``) without ever waiting: False, and
        nothing sent, when the process is not running, another thread is writing to it, or
        its pipe is full (a process that is not reading); the caller then sends it the way
        that may wait. A call only partly written is finished by a thread of its own."""
        life = self._life
        if life is None or life.dead or life.killed or life.closing:
            return False
        if not self._send_lock.acquire(blocking=False):
            return False
        release = True
        try:
            if not call.id:
                call.id = next(self._ids)
            try:
                data = frame(("call", call.id, call.index, call.args, True))
            except Exception:
                return False  # the way that may wait says what is wrong with it
            with self._lock:
                if life.dead:
                    return False
                life.pending[call.id] = call
            self.pipeline.sending(call)
            life.announced += 1  # counted before it is written: it may start at once
            call.ordinal, call.life = life.announced, life
            try:
                written = write_some(life.write.fileno(), data)
            except OSError:
                return True  # its process has gone: the reader hands the call on (orphan)
            if written == 0:
                life.announced -= 1  # never written: the next call is that one
                call.ordinal = 0
                with self._lock:
                    # Taken already when the process died meanwhile: handed on (orphan).
                    return life.pending.pop(call.id, None) is not call
            if written < len(data):
                release = False  # the rest of the message first, whoever writes next
                threading.Thread(
                    target=self._write_rest,
                    args=(life, memoryview(data)[written:]),
                    name=f"adsim-plugin-{self.name}-write",
                    daemon=True,
                ).start()
            return True
        finally:
            if release:
                self._send_lock.release()

    def _write_rest(self, life: Life, rest: memoryview) -> None:
        """The end of a message ``send_now`` began (the send lock is held for it)."""
        try:
            write_all(life.write.fileno(), rest)
        except (OSError, ValueError):
            pass  # its process has gone: its reader reports the call
        finally:
            self._send_lock.release()

    def _send_close(self, life: Life) -> bool:
        """The close message, if it gets through within the grace. A process that is not
        reading (a handler asleep with calls queued behind it) leaves its pipe full, and the
        thread sending the next call waits for room holding the pipe: waiting behind it would
        never end (Ctrl-C would hang). With no call in flight the grace is of time the process
        could run (``leftover_threads.wait_runnable``): on a loaded machine one waiting for a
        CPU took nothing meanwhile, and was killed as one stuck in a handler. With one (a stop,
        a handler past its timeout) a handler is what holds it: a busy one waits for a CPU too,
        and lengthening its grace held a second Ctrl-C up to 10 s. Nor during any stop: its
        close is shielded from Ctrl-C. True also when the process has gone meanwhile."""
        pid = life.process.pid
        busy = bool(life.pending) or interrupts.stopping()

        def delay() -> int | None:
            return None if busy else leftover_threads.process_delay(pid)

        if not leftover_threads.wait_runnable(
            lambda seconds: self._send_lock.acquire(timeout=seconds), self.grace, delay
        ):
            return False
        try:
            data = frame(("close", self.grace))
            return write_within(life.write.fileno(), data, self.grace, delay)
        except (OSError, ValueError):
            return True  # gone: nothing left to close
        finally:
            self._send_lock.release()
