"""The webhook's cutoff: one thread per webhook handler that ends an HTTP attempt at its time
limit by shutting the attempt's sockets down (httpx's timeouts bound each read, not a whole
answer)."""

from __future__ import annotations

import contextlib
import math
import socket
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["Cutoff"]

_IDLE_SECONDS = 30.0
"""How long the cutoff's thread waits unarmed before it ends (a handler nobody closed)."""
_BOUND_LOOK_SECONDS = 0.25
"""How often an armed cutoff with a ``bound`` asks it (a stop that came meanwhile)."""


class Cutoff:
    """Ends an attempt at its time limit, whatever the server keeps sending: httpx's timeout
    bounds each read, not the whole answer, so a server that trickled its headers held the
    attempt (and the handler thread) for as long as it trickled.

    Every socket the handler's client connects is noted, through httpx's ``trace`` extension,
    in a weak set (a closed connection's socket leaves it by itself). The connections are kept
    alive, so an attempt may run on a socket an earlier attempt connected: when the time is up
    every noted socket is shut down, which wakes the blocked read; one handler's deliveries run
    one at a time, so the others are idle and only dropped from the pool (a shut socket reads
    as closed). One thread per handler keeps the time, armed and disarmed by each attempt: a
    ``threading.Timer`` per attempt cost more than the keep-alive request it guarded."""

    _CONNECTED = ("connection.connect_tcp.complete", "connection.start_tls.complete")

    def __init__(self, bound: Callable[[], float | None] | None = None) -> None:
        self._bound = bound
        """Asked while armed: a time (``time.monotonic``) that comes before the deadline ends
        the attempt then (a stop's grace: ``interrupts.STOP_GRACE`` after Ctrl-C, SIGTERM)."""
        self.fired = False
        """Whether the time ran out since the last ``arm``."""
        self.connected = False
        """Whether a new connection was made since the last ``arm`` (False: a reused one)."""
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self._lock = threading.Condition()
        self._deadline: float | None = None
        self._wakes_at = math.inf  # when the thread looks at the deadline next
        self._thread: threading.Thread | None = None
        self._stop = False

    def arm(self, until: float) -> None:
        """Shut the sockets down at ``until`` (``time.monotonic``) unless disarmed before."""
        with self._lock:
            self.fired = self.connected = False
            self._set(until)
            if self._thread is None:
                self._stop = False
                self._thread = threading.Thread(
                    target=self._watch, name="adsim-webhook-cutoff", daemon=True
                )
                self._thread.start()

    def shorten(self, until: float) -> None:
        """Bring an armed deadline forward to ``until`` (never later than it was)."""
        with self._lock:
            if self._deadline is not None and until < self._deadline:
                self._set(until)

    def disarm(self) -> bool:
        """Stop the clock; whether the time had run out."""
        with self._lock:
            self._deadline = None
            return self.fired

    def _set(self, until: float) -> None:
        self._deadline = until
        # Woken only when it would look too late: a later deadline is seen when it wakes.
        if until < self._wakes_at:
            self._lock.notify()

    def trace(self, name: str, info: dict[str, Any]) -> None:
        """httpx's trace hook: note each socket the client connects (TLS: its wrapper too)."""
        if name not in self._CONNECTED:
            return
        stream = info.get("return_value")
        sock = stream.get_extra_info("socket") if stream is not None else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.add(sock)
                self.connected = True
                if self.fired:  # connected after the time was up
                    self._shut(sock)

    def _watch(self) -> None:
        with self._lock:
            while not self._stop:
                now = time.monotonic()
                if self._deadline is None:
                    self._wakes_at = now + _IDLE_SECONDS
                    if not self._lock.wait(_IDLE_SECONDS) and self._deadline is None:
                        break
                elif now >= self._deadline:
                    self._deadline = None
                    self.fired = True
                    # Under the lock: once ``disarm`` has returned, no socket is shut for it.
                    for sock in list(self._sockets):
                        self._shut(sock)
                else:
                    bound = self._bound() if self._bound is not None else None
                    if bound is not None and bound < self._deadline:
                        self._deadline = bound
                        continue
                    self._wakes_at = self._deadline
                    if self._bound is not None:
                        self._wakes_at = min(self._deadline, now + _BOUND_LOOK_SECONDS)
                    self._lock.wait(self._wakes_at - now)
            self._wakes_at = math.inf
            self._thread = None

    def close(self, timeout: float = 5.0) -> None:
        """End the thread (it is started again by the next ``arm``)."""
        with self._lock:
            thread, self._stop = self._thread, True
            self._lock.notify()
        if thread is not None:
            thread.join(timeout)

    @staticmethod
    def _shut(sock: socket.socket) -> None:
        # The plain socket's shutdown, even on an SSLSocket: its own unwraps the TLS object
        # under the reading thread's feet (a ValueError instead of an end of stream).
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
