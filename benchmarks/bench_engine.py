"""Engine: full voice interactions per second on one core, vs bare InteractionData validate+dump.

One interaction is offer -> accept -> hold -> resume -> mute -> record -> hang-up -> disposition
-> complete, about 18 events, each delivered to one no-op subscriber. The headline figure uses a
raw ``sim.subscribe`` subscriber (it receives every ``Event`` with its wire payload, as the
journal and the window do); the second figure uses a typed ``sim.on("ON_SAVE_ACTIVITY_RECORD")``
subscriber instead, which adds one ``InteractionData`` validation per interaction.
"""

from __future__ import annotations

from collections.abc import Callable

from benchmarks.measure import Measurement, best_rate
from simulator.contract import InteractionData
from simulator.data import load_tenant
from simulator.engine import Settings, Simulator


def _subscribe_raw(sim: Simulator) -> None:
    sim.subscribe(lambda event: None)


def _subscribe_typed(sim: Simulator) -> None:
    sim.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)


def _full_calls(n: int, subscribe: Callable[[Simulator], None] = _subscribe_raw) -> None:
    tenant = load_tenant()
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
    customer = sim.customers.customer()
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


def _validate_dump(payload: dict, n: int) -> None:
    for _ in range(n):
        InteractionData.model_validate(payload).model_dump(mode="json")


def run() -> list[Measurement]:
    """Measure both rates and return them."""
    from simulator.demo import run_demo_call

    sample = run_demo_call(Simulator(seed=1)).records()[-1]
    raw = best_rate(_full_calls, 2000, repeat=3)
    typed = best_rate(lambda n: _full_calls(n, _subscribe_typed), 2000, repeat=3)
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
