"""Fixtures for the Qt-free unit tests: a simulator on a virtual clock and what it emitted."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator

import pytest

from simulator.data import load_tenant
from simulator.engine import EventRecorder, Simulator


@pytest.fixture(scope="session")
def tenant():
    """The built-in tenant."""
    return load_tenant()


@pytest.fixture
def sim(tenant) -> Simulator:
    """A fresh simulator, seed 7, virtual clock, agent not logged in."""
    return Simulator(tenant, seed=7)


@pytest.fixture
def recorder(sim) -> EventRecorder:
    """Everything ``sim`` emits from now on."""
    recorder = EventRecorder()
    sim.subscribe(recorder)
    return recorder


@pytest.fixture
def ready(sim, recorder) -> Simulator:
    """The simulator with the agent logged in and Ready (events so far forgotten)."""
    assert sim.login().ok
    assert sim.set_agent_state("ready").ok
    recorder.clear()
    return sim


_STRAY = tuple(
    getattr(signal, name)
    for name in ("SIGUSR1", "SIGUSR2", "SIGALRM", "SIGVTALRM", "SIGPROF")
    if hasattr(signal, name)
)


@pytest.fixture(autouse=True)
def _no_signal_catcher_left() -> Iterator[None]:
    """Fails the test that leaves a handler host of thread isolation open (its
    ``StraySignals`` catcher still listening) or a handler of SIGUSR1, SIGALRM ... set: every
    later host handed the signals to that host, and test_stray_signals_hosts skipped itself in
    the full suite. What was left is put back, so only that test fails."""
    module = sys.modules.get("simulator.handlers.stray_signals")
    orphaned = getattr(module, "_orphaned", lambda handler: False)
    for signum in _STRAY:  # a released host's, left by an unguarded test's close off the main
        if orphaned(signal.getsignal(signum)):  # thread (the GUI's, run first): the default
            signal.signal(signum, signal.SIG_DFL)
    handlers = {signum: signal.getsignal(signum) for signum in _STRAY}
    before = list(_listening())
    yield
    left = [catcher for catcher in _listening() if catcher not in before]
    for catcher in left:
        catcher.release()
    changed = [
        signal.Signals(signum).name
        for signum, handler in handlers.items()
        if signal.getsignal(signum) != handler
    ]
    for signum, handler in handlers.items():
        if handler is not None:  # None: set outside Python, cannot be put back
            signal.signal(signum, handler)
    if left:
        pytest.fail(
            f"{len(left)} handler host(s) of thread isolation left open (their signal catcher "
            "still listening): close each host the test makes"
        )
    if changed:
        pytest.fail(f"the test left a handler of {', '.join(changed)} set: put it back")


def _listening() -> list[object]:
    """The stray-signal catchers listening (none before ``stray_signals`` is imported)."""
    module = sys.modules.get("simulator.handlers.stray_signals")
    return list(getattr(module, "_listening", ()))
