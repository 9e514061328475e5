"""A routed email and an agent Busy with chats or emails: the contact-center reference (section 2)
gives the vendor's default capacity: a chat or an email takes 25 %, and to receive one the agent
needs 25 % free for a chat but 100 % for an email. So an email waits until the agent has no
interaction, while a chat still comes in beside an email. The simulator offered an email beside
chats and emails below ``max_concurrent_chats``; ``emails_with_chats: "route"`` keeps that way."""

from __future__ import annotations

from simulator.contract import InteractionType
from simulator.engine import Settings, Simulator


def _ready(settings: Settings | None = None) -> Simulator:
    sim = Simulator(seed=5, settings=settings)
    sim.login()
    sim.set_agent_state("ready")
    return sim


def _emails(sim: Simulator) -> list[tuple[str, str]]:
    """(subject, state) of the emails on the desktop, oldest first."""
    return [
        (i.subject_line, i.state.value) for i in sim.interactions if i.type is InteractionType.email
    ]


def _done(sim: Simulator, interaction_id: str) -> None:
    """The agent finishes a chat or an accepted email."""
    inter = sim.interaction(interaction_id)
    assert inter is not None
    if inter.type is InteractionType.email:
        assert sim.send_email_reply("Done.", interaction_id).ok
    else:
        assert sim.leave_interaction(interaction_id).ok
    assert sim.complete_interaction(interaction_id).ok


def test_an_email_waits_while_a_chat_is_open_and_comes_when_the_agent_is_free():
    sim = _ready()
    chat = sim.offer_chat("Web Chat").data["id"]
    sim.accept_interaction(chat)
    offered = sim.offer_email("Email Support", subject="Refund")
    assert offered.data["queued"] is True
    assert _emails(sim) == []
    assert [offer.type for offer in sim.queued] == [InteractionType.email]
    _done(sim, chat)
    assert _emails(sim) == [("Refund", "delivery_pending")]
    assert sim.queued == []
    assert sim.agent.phase.value == "busy"


def test_a_second_email_waits_for_the_first():
    sim = _ready()
    first = sim.offer_email("Email Support", subject="First").data["id"]
    sim.accept_interaction(first)
    assert sim.offer_email("Email Support", subject="Second").data["queued"] is True
    assert _emails(sim) == [("First", "delivered")]
    _done(sim, first)
    assert _emails(sim) == [("Second", "delivery_pending")]


def test_an_email_still_ringing_keeps_the_next_one_queued():
    sim = _ready()
    sim.offer_email("Email Support", subject="First")
    assert sim.offer_email("Email Support", subject="Second").data["queued"] is True
    assert _emails(sim) == [("First", "delivery_pending")]


def test_a_chat_comes_in_beside_an_email():
    # A chat needs 25 % free: beside an email (25 %) it is offered at once.
    sim = _ready()
    sim.accept_interaction(sim.offer_email("Email Support").data["id"])
    assert sim.offer_chat("Web Chat").data["queued"] is False
    assert [i.type.value for i in sim.interactions] == ["email", "chat"]


def test_waiting_emails_come_one_at_a_time_in_queue_order():
    sim = _ready()
    chat = sim.offer_chat("Web Chat").data["id"]
    sim.accept_interaction(chat)
    for subject in ("A", "B", "C"):
        sim.offer_email("Email Support", subject=subject)
    assert [offer.subject for offer in sim.queued] == ["A", "B", "C"]
    _done(sim, chat)
    assert _emails(sim) == [("A", "delivery_pending")]
    assert [offer.subject for offer in sim.queued] == ["B", "C"]
    first = sim.interactions[0].id
    sim.accept_interaction(first)
    _done(sim, first)
    assert _emails(sim) == [("B", "delivery_pending")]
    assert [offer.subject for offer in sim.queued] == ["C"]


def test_a_chat_is_not_held_behind_a_waiting_email():
    sim = _ready()
    sim.accept_interaction(sim.offer_chat("Web Chat").data["id"])
    sim.offer_email("Email Support", subject="Waiting")
    assert sim.offer_chat("Web Chat", message="Next chat").data["queued"] is False
    assert [offer.type.value for offer in sim.queued] == ["email"]


def test_the_agent_free_takes_the_first_of_the_queue_first():
    sim = _ready(Settings(max_concurrent_chats=1))
    chat = sim.offer_chat("Web Chat").data["id"]
    sim.accept_interaction(chat)
    sim.offer_email("Email Support", subject="Waiting")
    sim.offer_chat("Web Chat", message="Next chat")
    assert [offer.type.value for offer in sim.queued] == ["email", "chat"]
    _done(sim, chat)
    # The email, first in the queue, came; the chat waits: an email is open, at the cap of 1.
    assert _emails(sim) == [("Waiting", "delivery_pending")]
    assert [offer.type.value for offer in sim.queued] == ["chat"]


def test_an_email_goes_to_a_ready_colleague_not_to_the_agent_busy_with_a_chat():
    # Jane's Busy began before Omar became Ready: by "longest idle" alone she came first.
    sim = _ready()
    omar = sim.center.add_agent("omar")
    omar.login()
    sim.accept_interaction(sim.offer_chat("Web Chat").data["id"])
    sim.advance(5)
    omar.set_agent_state("ready")
    assert sim.offer_email("Email Support", subject="Refund").data["queued"] is False
    assert _emails(sim) == []
    assert _emails(omar) == [("Refund", "delivery_pending")]


def test_route_keeps_the_email_beside_chats():
    sim = _ready(Settings(emails_with_chats="route"))
    sim.accept_interaction(sim.offer_chat("Web Chat").data["id"])
    assert sim.offer_email("Email Support", subject="Refund").data["queued"] is False
    assert _emails(sim) == [("Refund", "delivery_pending")]
    assert sim.offer_email("Email Support", subject="More").data["queued"] is False
    assert sim.offer_email("Email Support", subject="Last").data["queued"] is False
    assert sim.offer_email("Email Support", subject="Full").data["queued"] is True  # the cap: 4


def test_a_call_on_the_desktop_keeps_an_email_queued_either_way():
    for setting in ("wait", "route"):
        sim = _ready(Settings(emails_with_chats=setting))
        sim.accept_interaction(sim.offer_call("Customer Support").data["id"])
        assert sim.offer_email("Email Support").data["queued"] is True
