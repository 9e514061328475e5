"""The service queue is read in order, and an offer waits only for what holds it back: one that
waits for somebody else (declined by the free agent, or of another team) never keeps a later
offer of its media from an agent who can take that one now."""

from __future__ import annotations

import pytest

from simulator.engine import Simulator

MEDIA = [
    ("offer_call", "Customer Support"),
    ("offer_chat", "Web Chat"),
    ("offer_email", "Email Support"),
]


def _center() -> tuple[Simulator, Simulator]:
    """Jane Ready, Omar logged in and Not Ready."""
    sim = Simulator(seed=6)
    omar = sim.center.add_agent("omar")
    omar.login()
    sim.login()
    sim.set_agent_state("ready")
    return sim, omar


@pytest.mark.parametrize(("offer", "service"), MEDIA)
def test_a_later_offer_comes_to_the_free_agent_who_declined_the_waiting_one(offer, service):
    sim, omar = _center()
    declined = getattr(sim, offer)(service).data["id"]
    assert sim.reject_interaction(declined).ok
    assert sim.agent.phase.value == "ready"
    assert len(sim.queued) == 1  # it waits for Omar
    later = getattr(sim, offer)(service).data
    # It waited behind the declined one, Jane Ready and free, until somebody's state changed.
    assert later["queued"] is False
    assert [i.id for i in sim.interactions] == [later["id"]]
    assert omar.set_agent_state("ready").ok
    assert len(omar.interactions) == 1
    assert sim.queued == []


def test_a_later_offer_still_queues_behind_one_the_agent_could_take_first():
    # Nobody free: the second email waits behind the first, and the first comes first.
    sim, _omar = _center()
    sim.accept_interaction(sim.offer_chat("Web Chat").data["id"])
    first = sim.offer_email("Email Support", subject="First").data
    second = sim.offer_email("Email Support", subject="Second").data
    assert first["queued"] and second["queued"]
    chat = sim.interactions[0].id
    sim.leave_interaction(chat)
    sim.complete_interaction(chat)
    assert [i.subject_line for i in sim.interactions] == ["First"]
    assert [offer.subject for offer in sim.queued] == ["Second"]


def test_a_direct_call_offered_while_logged_out_rings_at_the_login():
    """A direct call rings a logged-in agent in any state; offered before the login it waited
    until an unrelated later offer read the queue again (and then rang the agent Not Ready)."""
    sim = Simulator(seed=3)
    offered = sim.offer_call(direct=True).data
    assert offered["queued"] is True and sim.interactions == []
    assert sim.login().ok
    assert [i.id for i in sim.interactions] == [offered["id"]]
    assert sim.queued == []
