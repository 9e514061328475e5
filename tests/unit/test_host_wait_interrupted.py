"""A Ctrl-C (``KeyboardInterrupt``) that lands while the host's wait has let its lock go, or
takes it back, comes out of ``wait_idle`` as itself, the lock free.

A second Ctrl-C comes just there: the first one wakes the wait, and Python looks for the
second as the wait takes its lock back. Over a ``threading.Lock`` the ``Condition`` did that
in Python: the stop left the lock untaken and ``with`` said "release unlocked lock" over it.
A pytest test then failed with that error (its teardown waited for the stuck handler, ten
minutes), and a scenario run went on settling for ever with both Ctrl-Cs spent.

The signal is driven, not sent: a profile function raises ``KeyboardInterrupt`` where Python
checks for signals (a Python function's start, and just after a call returns), on this thread
only, around the lock's release and retake inside ``Condition.wait``."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

import pytest

from simulator.engine import Simulator
from simulator.handlers import HandlerHost

WAIT = 30.0
"""Generous bound for waits on threads (never reached when things work)."""


class _Landing:
    """A profile function (this thread's) that raises ``KeyboardInterrupt`` once, where Python
    would handle a signal: at the first event of ``kinds`` of a function called ``where``, once
    the wait has let its lock go (``_release_save`` returned). ``on_let_go`` runs then."""

    def __init__(
        self,
        where: str,
        kinds: set[str],
        on_let_go: Callable[[], None],
        on_landing: Callable[[], None],
    ):
        self.where = where
        self.kinds = kinds
        self.on_let_go = on_let_go
        self.on_landing = on_landing
        self.let_go = False
        self.fired = False

    def __call__(self, frame: Any, event: str, arg: Any) -> None:
        if self.fired:
            return
        name = getattr(arg, "__name__", "") if event.startswith("c_") else frame.f_code.co_name
        returned = event in ("return", "c_return")
        if name == "_release_save" and returned and not self.let_go:
            self.let_go = True
            self.on_let_go()
        if name == self.where and event in self.kinds and self.let_go:
            self.fired = True
            self.on_landing()
            raise KeyboardInterrupt


def _free(lock: Any) -> bool:
    """Whether another thread can take ``lock`` (nobody holds it)."""
    taken: list[bool] = []

    def take() -> None:
        if lock.acquire(timeout=WAIT):
            taken.append(True)
            lock.release()

    other = threading.Thread(target=take)
    other.start()
    other.join(WAIT)
    return taken == [True]


class _Contender:
    """Another thread (the dispatcher, ending a call) that takes the host's lock if it is free
    when the signal lands, and lets it go once the wait is over."""

    def __init__(self, lock: Any):
        self.lock = lock
        self.done = threading.Event()
        self.tried = threading.Event()
        self.errors: list[BaseException] = []
        self.thread = threading.Thread(target=self._run)

    def start(self) -> None:
        self.thread.start()
        assert self.tried.wait(WAIT)

    def _run(self) -> None:
        taken = self.lock.acquire(blocking=False)  # held by the wait: it is not its to take
        self.tried.set()
        if not taken:
            return
        self.done.wait(WAIT)
        try:
            self.lock.release()
        except RuntimeError as exc:  # the wait's ``with`` released it meanwhile
            self.errors.append(exc)

    def end(self) -> None:
        self.done.set()
        self.thread.join(WAIT)


@pytest.mark.parametrize(
    ("where", "kinds", "contended"),
    [
        # Taking the lock back once woken (in Python over a Lock: its start is a check).
        ("_acquire_restore", {"call", "c_return"}, False),
        # The same while the dispatcher takes the lock the wait has not taken back yet: the
        # wait's ``with`` released the dispatcher's hold, whose own release then failed.
        ("_acquire_restore", {"call", "c_return"}, True),
        # Just after letting it go, before the wait's ``try`` (a check after any call).
        ("_release_save", {"return", "c_return"}, False),
    ],
)
def test_a_ctrl_c_as_the_wait_lets_go_of_or_retakes_its_lock_is_a_ctrl_c(where, kinds, contended):
    sim = Simulator(seed=0)
    host = HandlerHost(sim, timeout=WAIT * 4)
    entered = threading.Event()
    release = threading.Event()

    def stuck(interaction: Any) -> None:
        entered.set()
        release.wait(WAIT * 2)  # the stuck handler (a CRM call with no timeout)

    def register(ad_api: Any) -> None:
        ad_api.on("ON_NEW_INTERACTION", stuck)

    try:
        assert host.add_plugin("stuck", register).loaded
        sim.login()
        sim.set_agent_state("ready")
        host.settle(timeout=WAIT)
        sim.offer_call("Sales")
        assert entered.wait(WAIT)
        # Let go: the handler ends, notifies the wait, and the wait takes its lock back.
        wake = release.set if where == "_acquire_restore" else (lambda: None)
        contender = _Contender(host._lock)
        landing = _Landing(where, kinds, wake, contender.start if contended else lambda: None)
        sys.setprofile(landing)
        try:
            with pytest.raises(KeyboardInterrupt):
                host.wait_idle(WAIT * 2)
        finally:
            sys.setprofile(None)
            if contended:
                contender.end()
        assert landing.fired
        assert contender.errors == []
        assert _free(host._lock)  # the dispatcher is not left without it, nor robbed of it
    finally:
        release.set()
        host.close(timeout=WAIT)
