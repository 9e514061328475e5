"""Engine: full voice interactions per second on one core, vs bare InteractionData validate+dump."""

from __future__ import annotations

from benchmarks.measure import Measurement, best_rate
from simulator.contract import InteractionData
from simulator.data import load_tenant
from simulator.engine import Settings, Simulator


def _full_calls(n: int) -> None:
    tenant = load_tenant()
    sim = Simulator(
        tenant,
        seed=1,
        settings=Settings(ring_timeout_seconds=None),
        record_actions=False,
    )
    sim.keep_finished = False
    sim.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
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
    engine = best_rate(_full_calls, 2000, repeat=3)
    bare = best_rate(lambda n: _validate_dump(sample, n), 20000, repeat=3)
    return [
        Measurement(
            "engine: full voice interactions/s (SAVE to one subscriber)",
            engine,
            "interactions/s",
            "InteractionData validate+dump/s",
            bare,
            ">= 10,000 interactions/s",
        )
    ]
