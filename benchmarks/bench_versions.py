"""adApi versions: full voice interactions/s under 5.24.1 and 2026 vs 5.19 in the same run.

The later versions reshape every event at the emission edge (``PayloadEdge``); 5.19 installs
nothing. Same flow as ``bench_engine`` (about 18 events per interaction, one raw subscriber).
"""

from __future__ import annotations

import functools

from benchmarks.bench_engine import full_calls
from benchmarks.measure import Measurement, best_seconds
from simulator.data import Tenant, load_tenant
from simulator.engine import Settings, Simulator


def _rate(tenant: Tenant, version: str, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        sim = Simulator(
            tenant,
            seed=1,
            settings=Settings(ring_timeout_seconds=None, api_version=version),
            record_actions=False,
        )
        sim.keep_finished = False
        sim.subscribe(lambda event: None)
        sim.login()
        sim.set_agent_state("ready")
        customer = sim.customers.customer()
        best = min(best, best_seconds(functools.partial(full_calls, sim, customer, n), repeat=1))
    return n / best


def run() -> list[Measurement]:
    """The later versions' rates against 5.19's."""
    tenant = load_tenant()
    base = _rate(tenant, "5.19", 2000)
    return [
        Measurement(
            f"versions: interactions/s in adApi {version}",
            _rate(tenant, version, 2000),
            "interactions/s",
            "the same flow in 5.19",
            base,
            "ratio >= 0.5 (each event reshaped once, in Python)",
        )
        for version in ("5.24.1", "2026")
    ]
