"""Engine: full voice interactions per second on one core, vs bare InteractionData validate+dump.

One interaction is offer -> accept -> hold -> resume -> mute -> record -> hang-up -> disposition
-> complete, about 18 events, each delivered to one no-op subscriber. The headline figure uses a
raw ``sim.subscribe`` subscriber (it receives every ``Event`` with its wire payload, as the
journal and the window do); the second figure uses a typed ``sim.on("ON_SAVE_ACTIVITY_RECORD")``
subscriber instead, which adds one ``InteractionData`` validation per interaction. Only the
interactions are timed: parsing the tenant file and building and logging in the simulator are not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from benchmarks.measure import Measurement, best_rate, best_seconds
from simulator.contract import InteractionData
from simulator.data import Customer, Tenant, load_tenant
from simulator.engine import Settings, Simulator


def _subscribe_raw(sim: Simulator) -> None:
    sim.subscribe(lambda event: None)


def _subscribe_typed(sim: Simulator) -> None:
    sim.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)


def ready_agent(
    tenant: Tenant, subscribe: Callable[[Simulator], None] = _subscribe_raw
) -> tuple[Simulator, Customer]:
    """A logged-in, ready agent with one subscriber, and the customer who will call."""
    sim = Simulator(
        tenant,
        seed=1,
        settings=Settings(ring_timeout_seconds=None),
        record_actions=False,
    )
    sim.keep_finished = False
    subscribe(sim)
    sim.login()
    sim.set_agent_state("ready")
    return sim, sim.customers.customer()


def full_calls(sim: Simulator, customer: Customer, n: int) -> None:
    """``n`` full voice interactions, one after the other."""
    for _ in range(n):
        sim.offer_call("Customer Support", customer)
        sim.advance(2)
        sim.accept_interaction()
        sim.set_call_hold(True)
        sim.set_call_hold(False)
        sim.set_call_mute(True)
        sim.set_call_recording(True)
        sim.advance(60)
        sim.leave_interaction()
        sim.set_disposition("Problem solved")
        sim.complete_interaction()


def _interaction_rate(
    tenant: Tenant, subscribe: Callable[[Simulator], None], n: int, repeat: int = 3
) -> float:
    """Interactions per second, best of ``repeat`` runs, each on a fresh simulator."""
    best = float("inf")
    for _ in range(repeat):
        sim, customer = ready_agent(tenant, subscribe)
        best = min(best, best_seconds(functools.partial(full_calls, sim, customer, n), repeat=1))
    return n / best


def _validate_dump(payload: dict, n: int) -> None:
    for _ in range(n):
        InteractionData.model_validate(payload).model_dump(mode="json")


def run() -> list[Measurement]:
    """Measure both rates and return them."""
    from simulator.demo import run_demo_call

    tenant = load_tenant()
    sample = run_demo_call(Simulator(tenant, seed=1)).records()[-1]
    raw = _interaction_rate(tenant, _subscribe_raw, 2000)
    typed = _interaction_rate(tenant, _subscribe_typed, 2000)
    bare = best_rate(lambda n: _validate_dump(sample, n), 20000, repeat=3)
    return [
        Measurement(
            "engine: full voice interactions/s (raw subscriber)",
            raw,
            "interactions/s",
            "InteractionData validate+dump/s",
            bare,
            ">= 10,000 interactions/s",
        ),
        Measurement(
            "engine: the same, SAVE to a typed sim.on subscriber",
            typed,
            "interactions/s",
            "InteractionData validate+dump/s",
            bare,
            "(informative: adds one validation per interaction)",
        ),
    ]
