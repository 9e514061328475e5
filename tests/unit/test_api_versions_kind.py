"""``interactionKind`` (2026): ``direct_call`` for a call that rings the agent directly (a direct
offer, a colleague's consult, transfer or conference), ``scenario`` for a routed one."""

from __future__ import annotations

import pytest

from simulator.data import load_tenant
from simulator.engine import EventRecorder, Settings, Simulator


def _kinds(recorder: EventRecorder) -> list[str]:
    return [e.wire_args[0]["interactionKind"] for e in recorder.of("ON_NEW_INTERACTION")]


def test_a_direct_offer_is_a_direct_call_and_a_routed_one_is_scenario():
    sim = Simulator(load_tenant(), seed=4, settings=Settings(api_version="2026"))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    direct = sim.offer_call("Customer Support", direct=True).data["id"]
    sim.advance(2)
    sim.accept_interaction(direct)
    sim.leave_interaction(direct)
    sim.complete_interaction(direct)
    sim.set_agent_state("ready")
    sim.offer_call("Customer Support")
    assert _kinds(recorder) == ["direct_call", "scenario"]
    (record,) = recorder.records()
    assert record["interactionKind"] == "direct_call"


@pytest.mark.parametrize("how", ["blind_transfer", "consult_call"])
def test_a_colleagues_call_is_a_direct_call_on_the_receivers_side(how):
    jane = Simulator(load_tenant(), seed=4, settings=Settings(api_version="2026"))
    omar = jane.center.add_agent("omar")
    rec = EventRecorder()
    omar.subscribe(rec)
    for desk in (jane, omar):
        desk.login()
    jane.set_agent_state("ready")
    jane.offer_call("Customer Support", {"phone": "+1 415 555 0123"})
    jane.accept_interaction()
    omar.set_agent_state("ready")
    jane.advance(5)
    assert getattr(jane, how)("1002").ok
    assert _kinds(rec) == ["direct_call"]
