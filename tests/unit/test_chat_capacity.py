"""How many chats an agent holds at once: the contact-center reference (section 2) gives the
vendor's default capacity as "chat 25 %" taken and "chat 25 %" needed free, "hence with defaults
[...] an agent can hold up to 4 chats". ``max_concurrent_chats`` defaulted to 3, so the fourth
chat waited in the queue; it is 4 now, and the setting still chooses any other number."""

from __future__ import annotations

from simulator.contract import InteractionType
from simulator.engine import Settings, Simulator


def _offer_chats(settings: Settings | None, count: int) -> tuple[Simulator, list[dict]]:
    """A Ready agent offered ``count`` chats, accepting each that comes in."""
    sim = Simulator(seed=3, settings=settings)
    sim.login()
    sim.set_agent_state("ready")
    answers = []
    for n in range(count):
        answer = sim.offer_chat("Web Chat", message=f"Question {n + 1}").data
        answers.append(answer)
        if not answer["queued"]:
            assert sim.accept_interaction(answer["id"]).ok
    return sim, answers


def _chats(sim: Simulator) -> int:
    return sum(1 for inter in sim.interactions if inter.type is InteractionType.chat)


def test_the_default_capacity_holds_four_chats_and_the_fifth_waits():
    assert Settings().max_concurrent_chats == 4
    sim, answers = _offer_chats(None, 5)
    assert [answer["queued"] for answer in answers] == [False, False, False, False, True]
    assert _chats(sim) == 4
    assert [offer.id for offer in sim.queued] == [answers[4]["id"]]
    first = answers[0]["id"]
    assert sim.leave_interaction(first).ok
    assert sim.complete_interaction(first).ok
    # A slot is free: the fifth comes in.
    assert sim.queued == []
    assert sim.interaction(answers[4]["id"]) is not None
    assert _chats(sim) == 4


def test_the_setting_still_chooses_three():
    sim, answers = _offer_chats(Settings(max_concurrent_chats=3), 4)
    assert [answer["queued"] for answer in answers] == [False, False, False, True]
    assert _chats(sim) == 3


def test_four_chats_keep_a_call_and_an_email_queued():
    # 4 x 25 % leaves nothing free: a call needs 50 %, an email 100 %.
    sim, _ = _offer_chats(None, 4)
    assert sim.offer_call("Customer Support").data["queued"] is True
    assert sim.offer_email("Email Support").data["queued"] is True
    assert _chats(sim) == 4
    assert len(sim.interactions) == 4
