"""Fixtures for the Qt-free unit tests: a simulator on a virtual clock and what it emitted."""

from __future__ import annotations

import signal

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


@pytest.fixture
def sigint_heard():
    """SIGINT as an interactive shell leaves it, in the test and in the adsim it starts (a
    handler Python set is reset at exec, an ignored signal stays ignored): a CI job started in
    the background has it ignored, and adsim leaves an ignored signal ignored (its Ctrl-C and a
    plugin's SIGINT then stop nothing). Use with ``pytest.mark.usefixtures("sigint_heard")``."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before)
