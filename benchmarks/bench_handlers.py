"""Handlers: dispatch cost per event with the journal on; interactions/s with journal + handler."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_engine import full_calls
from benchmarks.measure import Measurement, best_rate
from simulator.contract import EventName
from simulator.data import load_tenant
from simulator.engine import Settings, Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

TENANT = load_tenant()


def _sim() -> Simulator:
    sim = Simulator(
        TENANT, seed=1, settings=Settings(ring_timeout_seconds=None), record_actions=False
    )
    sim.keep_finished = False
    return sim


def _calls(sim: Simulator, n: int, after: Callable[[], object] | None = None) -> None:
    # The same full interaction as the engine benchmark, with ``after`` (the host's settle)
    # between interactions.
    sim.login()
    sim.set_agent_state("ready")
    customer = sim.customers.customer()
    for _ in range(n):
        full_calls(sim, customer, 1)
        if after is not None:
            after()


def _seconds_per_event(run: Callable[[Simulator], None], repeat: int = 3) -> float:
    """Best wall time per emitted event over ``repeat`` fresh runs."""
    best = float("inf")
    for _ in range(repeat):
        sim = _sim()
        start = time.perf_counter()
        run(sim)
        best = min(best, (time.perf_counter() - start) / max(sim.bus.count, 1))
    return best


def _with_host(folder: Path, every_event: bool, n: int) -> Callable[[Simulator], None]:
    def run(sim: Simulator) -> None:
        journal = Journal.open(folder / f"bench-{time.perf_counter_ns()}.sqlite3")
        host = HandlerHost(sim, timeout=20, journal=journal)

        def register(ad_api):
            names = list(EventName) if every_event else [EventName.ON_SAVE_ACTIVITY_RECORD]
            for name in names:
                ad_api.on(name, lambda *args: None)

        host.add_plugin("bench", register)
        _calls(sim, n, after=host.settle)
        host.close()
        journal.close()

    return run


def run() -> list[Measurement]:
    """Measure the dispatch cost ratio and the full-interaction rate."""
    n = 1000
    with tempfile.TemporaryDirectory(prefix="adsim-bench-") as tmp:
        folder = Path(tmp)
        alone = _seconds_per_event(lambda sim: _calls(sim, n))
        journal_only = _seconds_per_event(
            lambda sim: (
                Journal.open(folder / f"j-{time.perf_counter_ns()}").attach(sim),
                _calls(sim, n),
            )
        )
        every = _seconds_per_event(_with_host(folder, every_event=True, n=n))
        engine_rate = best_rate(lambda k: _calls(_sim(), k), n, repeat=3)
        one_handler = best_rate(
            lambda k: _with_host(folder, every_event=False, n=k)(_sim()), n, repeat=3
        )
    per_us = 1e6
    return [
        Measurement(
            "handlers: us/event, journal on (no handler)",
            journal_only * per_us,
            "us/event",
            "engine alone us/event",
            alone * per_us,
            "ratio as low as SQLite's per-event commit allows",
        ),
        Measurement(
            "handlers: us/event, journal + a handler on every event",
            every * per_us,
            "us/event",
            "engine alone us/event",
            alone * per_us,
            "reported; a handler thread round trip per event",
        ),
        Measurement(
            "handlers: full interactions/s, journal + one SAVE handler",
            one_handler,
            "interactions/s",
            "engine alone interactions/s",
            engine_rate,
            ">= 10,000 interactions/s",
        ),
    ]
