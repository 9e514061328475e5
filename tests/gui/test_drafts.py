"""What a tester typed for one interaction stays with it: switching to another interaction and
back keeps the note, the chat message and the email reply, and none of them is offered to the
other customer."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui

FIELDS = {"chatComposer": "text", "noteEdit": "toPlainText", "emailReply": "toPlainText"}


@pytest.fixture
def sim() -> Any:
    """The window's simulator of conftest, with two emails open at once: an email comes beside
    another only with ``emails_with_chats: route`` (the vendor's capacity has it wait)."""
    from simulator.engine import Settings, Simulator, WallClock

    return Simulator(
        seed=7,
        clock=WallClock(),
        settings=Settings(
            ring_timeout_seconds=None,
            chat_offer_timeout_seconds=None,
            outbound_answer_seconds=None,
            emails_with_chats="route",
        ),
    )


def _two_accepted(desk: Any, offer: str) -> tuple[Any, Any]:
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.click(offer)
    desk.wait(lambda: desk.state() == "delivery_pending")
    first = desk.active()
    desk.click("acceptButton")
    desk.click(offer)
    desk.wait(lambda: len(desk.sim.interactions) == 2 and desk.state() == "delivery_pending")
    second = desk.active()
    desk.click("acceptButton")
    return first, second


def _switch(desk: Any, row: int, inter: Any) -> None:
    desk.keys(getattr(Qt.Key, f"Key_{row}"), Qt.KeyboardModifier.ControlModifier)
    desk.wait(lambda: desk.sim.active_interaction_id == inter.id)


def _text(desk: Any, name: str) -> str:
    return str(getattr(desk.widget(name), FIELDS[name])())


@pytest.mark.parametrize(
    ("offer", "field"),
    [
        ("offerChatButton", "chatComposer"),
        ("offerChatButton", "noteEdit"),
        ("offerEmailButton", "emailReply"),
    ],
)
def test_a_draft_stays_with_its_interaction(bare_desk, offer, field):
    desk = bare_desk
    first, second = _two_accepted(desk, offer)
    _switch(desk, 1, first)
    desk.type(field, "Your refund is on its way.")
    _switch(desk, 2, second)
    assert _text(desk, field) == ""  # not offered to the other customer
    desk.type(field, "Which order?")
    _switch(desk, 1, first)
    assert _text(desk, field) == "Your refund is on its way."
    _switch(desk, 2, second)
    assert _text(desk, field) == "Which order?"


def test_a_chat_draft_is_sent_to_its_own_customer_only(bare_desk):
    desk = bare_desk
    first, second = _two_accepted(desk, "offerChatButton")
    _switch(desk, 1, first)
    desk.type("chatComposer", "Your refund is on its way.")
    _switch(desk, 2, second)
    assert not desk.widget("chatSendButton").isEnabled()
    desk.qtbot.keyClick(desk.widget("chatComposer"), Qt.Key.Key_Return)
    assert [line.text for line in second.transcript if line.sender == "agent"] == []
    _switch(desk, 1, first)
    desk.click("chatSendButton")
    assert [line.text for line in first.transcript if line.sender == "agent"] == [
        "Your refund is on its way."
    ]
