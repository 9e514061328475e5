"""The headless demo: one inbound call from offer to saved activity record, on the virtual clock."""

from __future__ import annotations

from collections.abc import Callable

from simulator.engine import EventRecorder, Simulator

__all__ = ["run_demo_call"]


def run_demo_call(sim: Simulator, after_step: Callable[[], object] | None = None) -> EventRecorder:
    """Drive one realistic inbound call through ``sim`` and return what it emitted.

    ``after_step`` runs after each step (the handler host's ``settle``, so handlers' answers
    and ``ad_api`` calls land before the next step, as in a headless scenario run).
    """
    recorder = EventRecorder()
    sim.subscribe(recorder)
    steps: list[Callable[[], object]] = [
        sim.login,
        lambda: sim.set_agent_state("ready"),
        lambda: sim.advance(12),
        lambda: sim.offer_call("Sales"),
        lambda: sim.advance(4),
        sim.accept_interaction,
        lambda: sim.set_call_recording(True),
        lambda: sim.advance(95),
        lambda: sim.set_call_hold(True),
        lambda: sim.advance(30),
        lambda: sim.set_call_hold(False),
        lambda: sim.advance(41),
        lambda: sim.add_note("Customer asked for the premium plan."),
        sim.customer_hang_up,
        lambda: sim.advance(18),
        lambda: sim.set_disposition("Product sold"),
        sim.complete_interaction,
    ]
    for step in steps:
        step()
        if after_step is not None:
            after_step()
    return recorder
