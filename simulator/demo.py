"""The headless demo: one inbound call from offer to saved activity record, on the virtual clock."""

from __future__ import annotations

from simulator.engine import EventRecorder, Simulator

__all__ = ["run_demo_call"]


def run_demo_call(sim: Simulator) -> EventRecorder:
    """Drive one realistic inbound call through ``sim`` and return what it emitted."""
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    sim.advance(12)
    sim.offer_call("Sales")
    sim.advance(4)
    sim.accept_interaction()
    sim.set_call_recording(True)
    sim.advance(95)
    sim.set_call_hold(True)
    sim.advance(30)
    sim.set_call_hold(False)
    sim.advance(41)
    sim.add_note("Customer asked for the premium plan.")
    sim.customer_hang_up()
    sim.advance(18)
    sim.set_disposition("Product sold")
    sim.complete_interaction()
    return recorder
