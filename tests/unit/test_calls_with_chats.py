"""A routed call and an agent Busy with chats: the contact-center reference (section 2) reads the
vendor's default capacity as "an agent with 1-2 chats can still receive a call; 3 chats block
voice and email" (a chat or an email takes 25 %, a call needs 50 % free). The simulator never
offered a call to an agent with a chat; ``calls_with_chats: "wait"`` keeps that way."""

from __future__ import annotations

import pytest

from simulator.contract import InteractionType
from simulator.engine import Settings, Simulator


def _chatting(chats: int, settings: Settings | None = None, *, email: bool = False) -> Simulator:
    """Jane Busy with ``chats`` accepted chats (the first an email with ``email``: an email
    comes only to an agent with nothing else)."""
    sim = Simulator(seed=4, settings=settings)
    sim.login()
    sim.set_agent_state("ready")
    for index in range(chats):
        if email and index == 0:
            sim.offer_email("Email Support")
        else:
            sim.offer_chat("Web Chat")
        assert sim.accept_interaction().ok
    return sim


def _calls(sim: Simulator) -> list[str]:
    return [i.state.value for i in sim.interactions if i.type is InteractionType.voice]


@pytest.mark.parametrize(("chats", "email"), [(1, False), (2, False), (2, True)])
def test_a_call_rings_beside_one_or_two_chats(chats, email):
    sim = _chatting(chats, email=email)
    assert sim.agent.phase.value == "busy"
    assert sim.offer_call("Customer Support").ok
    assert _calls(sim) == ["delivery_pending"]
    assert sim.accept_interaction().ok
    assert _calls(sim) == ["delivered"]
    assert len(sim.interactions) == chats + 1


def test_three_chats_keep_the_call_queued_until_one_ends():
    sim = _chatting(3)
    sim.offer_call("Customer Support")
    assert _calls(sim) == []
    first = sim.interactions[0].id
    assert sim.leave_interaction(first).ok
    assert sim.complete_interaction(first).ok
    assert _calls(sim) == ["delivery_pending"]


def test_a_call_on_the_desktop_keeps_the_next_call_queued():
    sim = _chatting(1)
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    sim.offer_call("Customer Support")
    assert _calls(sim) == ["delivered"]


def test_wait_keeps_the_call_queued_until_every_chat_is_done():
    sim = _chatting(1, Settings(calls_with_chats="wait"))
    sim.offer_call("Customer Support")
    assert _calls(sim) == []
    (chat,) = sim.interactions
    sim.leave_interaction(chat.id)
    sim.complete_interaction(chat.id)
    assert _calls(sim) == ["delivery_pending"]


@pytest.mark.parametrize("omar_state", ["ready", "not_ready"])
def test_a_call_goes_to_a_ready_colleague_before_an_agent_busy_with_a_chat(omar_state):
    """Busy with a chat since before the colleague went Ready, Jane was "the longest idle" and
    got the call: the Ready colleague comes first, and Jane only when nobody Ready can take it."""
    sim = Simulator(seed=4)
    omar = sim.center.add_agent("omar")
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_chat("Web Chat")
    assert sim.accept_interaction().ok
    sim.advance(30)
    assert omar.login().ok
    assert omar.set_agent_state(omar_state, *(["Break"] if omar_state == "not_ready" else [])).ok
    sim.advance(30)
    assert sim.offer_call("Customer Support").ok
    omar_calls = [i.state.value for i in omar.interactions if i.type is InteractionType.voice]
    if omar_state == "ready":
        assert (omar_calls, _calls(sim)) == (["delivery_pending"], [])
    else:
        assert (omar_calls, _calls(sim)) == ([], ["delivery_pending"])
