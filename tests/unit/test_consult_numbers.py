"""ANI and DNIS of internal calls: a consult call to a colleague leaves from the agent's
extension, not from the main line (issue 14)."""

from __future__ import annotations

from simulator.engine import Settings, Simulator


def _consult(sim: Simulator) -> dict:
    sim.login()
    sim.set_agent_state("ready")
    call = sim.offer_call("Sales").data["id"]
    sim.advance(2)
    sim.accept_interaction(call)
    consult = sim.consult_call("2001").data["id"]
    return sim.interaction(consult).wire()


def test_a_consult_call_shows_the_agents_extension_as_ani(tenant):
    wire = _consult(Simulator(tenant, seed=7))
    assert wire["ANI"] == tenant.agent.extension == "1001"
    assert wire["DNIS"] == "2001"


def test_an_external_call_still_leaves_from_the_did(tenant):
    sim = Simulator(tenant, seed=7)
    sim.login()
    call = sim.start_call("+1 415 555 0134").data["id"]
    wire = sim.interaction(call).wire()
    assert wire["ANI"] not in ("1001", None) and len(wire["ANI"]) == 11
    assert wire["DNIS"] == "14155550134"


def test_omit_leaves_ani_out_of_internal_calls_too(tenant):
    wire = _consult(Simulator(tenant, seed=7, settings=Settings(outbound_ani="omit")))
    assert "ANI" not in wire


def test_a_consult_to_an_outside_number_carries_the_held_calls_giid(tenant):
    """Manual consult calls, internal or outbound, inherit the held call's GIID (the
    reference's contact-center.md, [DOC D6]): a consult to a number no simulated desktop has
    got a GIID of its own."""
    sim = Simulator(tenant, seed=7)
    sim.login()
    sim.set_agent_state("ready")
    call = sim.offer_call("Sales").data["id"]
    sim.advance(2)
    sim.accept_interaction(call)
    giid = sim.interaction(call).wire()["globalInteractionId"]
    consult = sim.consult_call("+1 415 555 0134").data["id"]
    sim.advance(2)  # its scenario data arrives
    assert sim.interaction(consult).wire()["globalInteractionId"] == giid


def test_a_colleague_consulting_shows_their_own_extension_as_ani(tenant):
    """A consult placed by another simulated agent (Omar, 1002) leaves from Omar's extension,
    on his item as on the receiver's (ANI = sender's extension); it read the tenant's agent's
    (Jane's 1001, the number it dialled)."""
    sim = Simulator(tenant, seed=7)
    omar = sim.center.add_agent("omar")
    sim.login()
    omar.login()
    omar.set_agent_state("ready")
    call = sim.offer_call("Customer Support").data["id"]
    omar.accept_interaction(call)
    consult = omar.consult_call("1001").data["id"]
    wire = omar.interaction(consult).wire()
    assert wire["ANI"] == omar.profile.extension == "1002"
    assert wire["DNIS"] == "1001"
    (landed,) = sim.interactions
    assert landed.wire()["ANI"] == "1002"
