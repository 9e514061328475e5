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


def readme_calls(sim: Simulator, customer: Customer | None, n: int) -> None:
    """The README's engine flow ``n`` times: a call to Sales, answered, 130 s, the customer hangs
    up, disposition, complete. ``customer=None`` draws a fresh customer per call, as the README
    does."""
    for _ in range(n):
        sim.offer_call("Sales", customer)
        sim.advance(5)
        sim.accept_interaction()
        sim.advance(130)
        sim.customer_hang_up()
        sim.set_disposition("Product sold")
        sim.complete_interaction()


def _readme_rate(tenant: Tenant, fresh: bool, n: int, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        sim, customer = ready_agent(tenant)
        work = functools.partial(readme_calls, sim, None if fresh else customer, n)
        best = min(best, best_seconds(work, repeat=1))
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
    reused = _readme_rate(tenant, fresh=False, n=2000)
    fresh = _readme_rate(tenant, fresh=True, n=2000)
    return [
        Measurement(
            "engine: README flow, a fresh customer per call",
            fresh,
            "calls/s",
            "the same flow, one customer reused",
            reused,
            ">= 0.83 of the reused rate (a customer costs <= 1/5 of a call)",
        ),
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
