"""A handler's ``suggest_chat_message`` (``suggestChatMessage``: "put text in the agent's input
box") answered success, but the window's chat composer stayed empty: the integration believed
the agent saw its canned reply, the tester saw nothing. The suggestion shows in its chat's
composer; what the agent typed there is the input box the adApi sees, so a suggestion without
``allow_overwrite`` leaves it alone, and one after the agent sent (the box empty) fills it."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def _chat_and_api(desk: Any) -> tuple[Any, Any]:
    """A connected chat, and an ``ad_api`` as a plugin of the window's host holds it."""
    chat = desk.connected_chat()
    return chat, desk.bridge.host.ad_api("crm")


def test_a_suggested_message_shows_in_the_chat_composer(desk):
    chat, api = _chat_and_api(desk)
    composer = desk.widget("chatComposer")
    assert api.suggest_chat_message("Hello, how can I help?", False, chat.id).ok
    desk.wait(lambda: composer.text() == "Hello, how can I help?")
    desk.click("chatSendButton")
    desk.wait(lambda: [line.text for line in chat.transcript][-1:] == ["Hello, how can I help?"])
    assert composer.text() == ""
    # The box is empty again: the next suggestion fills it, overwrite or not.
    assert api.suggest_chat_message("Anything else?", False, chat.id).ok
    desk.wait(lambda: composer.text() == "Anything else?")


def test_a_suggestion_leaves_what_the_agent_typed_unless_it_may_overwrite(desk):
    chat, api = _chat_and_api(desk)
    composer = desk.widget("chatComposer")
    shown: list[str] = []
    composer.textChanged.connect(shown.append)
    desk.type("chatComposer", "my own words")
    assert api.suggest_chat_message("canned reply", False, chat.id).ok
    assert api.suggest_chat_message("the CRM's reply", True, chat.id).ok
    desk.wait(lambda: composer.text() == "the CRM's reply")
    assert "canned reply" not in shown


def test_a_suggestion_for_another_chat_waits_in_its_composer(desk):
    first, api = _chat_and_api(desk)
    desk.click("offerChatButton")
    desk.wait(lambda: len(desk.sim.interactions) == 2 and desk.state() == "delivery_pending")
    second = desk.active()
    desk.click("acceptButton")
    desk.wait(lambda: desk.state() == "delivered")
    assert api.suggest_chat_message("For the first customer", False, first.id).ok
    composer = desk.widget("chatComposer")
    desk.keys(Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    desk.wait(lambda: desk.sim.active_interaction_id == first.id)
    desk.wait(lambda: composer.text() == "For the first customer")
    desk.keys(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    desk.wait(lambda: desk.sim.active_interaction_id == second.id)
    assert composer.text() == ""
