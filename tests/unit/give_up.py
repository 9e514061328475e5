"""For tests of a handler abandoned past its timeout (thread isolation): the watchdog gives up on
the call a test makes hang as soon as it hangs, so the timeout can stay generous for every other
call. On a loaded machine (CI beside other work) a handler that returns at once was seen to take
0.5 s: a 0.1 s timeout gave up on it too, and its ``error`` or ``junk`` outcome became ``timeout``.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from simulator.handlers import HandlerHost
from simulator.handlers.host.dispatch import Dispatcher
from simulator.handlers.registry import Registration

__all__ = ["Hang", "give_up_now", "hangs_given_up"]


def give_up_now(host: HandlerHost) -> None:
    """The watchdog of ``host`` gives up on the call this thread runs, as on one past its
    timeout (at once, not once the timeout has passed)."""
    with host._lock:
        call = host._running
        if call is not None and call.thread == threading.get_ident():
            call.deadline = 0.0
            host._watch.notify_all()


class Hang:
    """Stands in for the ``threading.Event`` a handler hangs on: its ``wait`` makes the host's
    watchdog give up on that call first (``give_up_now``)."""

    def __init__(self, host: Any, event: threading.Event | None = None):
        self.host = host
        self.event = event if event is not None else threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        give_up_now(self.host)
        return self.event.wait(timeout)

    def set(self) -> None:
        self.event.set()

    def is_set(self) -> bool:
        return self.event.is_set()


def hangs_given_up(monkeypatch: pytest.MonkeyPatch, name: str = "release") -> None:
    """The module-level ``threading.Event`` called ``name`` of a plugin run in this process
    (``fixtures/handlers/misbehaving.py``'s ``release``) becomes a ``Hang`` of its host when one
    of the plugin's handlers is first called."""
    real = Dispatcher._invoke

    def invoke(self: Dispatcher, registration: Registration, event: Any) -> Any:
        found = getattr(registration.handler, "__globals__", {})
        if isinstance(found.get(name), threading.Event):
            found[name] = Hang(self, found[name])
        return real(self, registration, event)

    monkeypatch.setattr(Dispatcher, "_invoke", invoke)
