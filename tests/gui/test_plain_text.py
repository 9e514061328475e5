"""Text from payloads, customers and handlers is shown as plain text: ``<b>x</b>`` keeps its
angle brackets everywhere."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

pytestmark = pytest.mark.gui

MARKUP = "<b>x</b>"


def test_every_label_of_the_window_is_plain_text(desk):
    labels = desk.window.findChildren(QLabel)
    assert labels
    rich = [
        label.objectName() or label.text()
        for label in labels
        if label.textFormat() != Qt.TextFormat.PlainText
    ]
    assert rich == []


def test_a_customer_named_with_markup_shows_the_brackets(desk, host):
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerName", f"{MARKUP} Smith")
    desk.type("customerMessage", "<script>alert(1)</script> & <i>hello</i>")
    desk.click("offerChatButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    chat = desk.active()
    assert chat.display_name == f"{MARKUP} Smith"
    title = desk.widget("interactionTitle")
    assert title.text() == f"{MARKUP} Smith"
    assert title.textFormat() == Qt.TextFormat.PlainText
    assert desk.widget("detailCustomer").text().startswith(f"{MARKUP} Smith")
    desk.click("acceptButton")
    transcript = desk.widget("chatTranscript").toPlainText()
    assert f"{MARKUP} Smith" in transcript
    assert "<script>alert(1)</script> & <i>hello</i>" in transcript
    desk.type("chatComposer", "<u>agent</u> reply", enter=True)
    assert "<u>agent</u> reply" in desk.widget("chatTranscript").toPlainText()
    # the inspector's interaction filter names the customer
    combo = desk.widget("eventFilterInteraction")
    assert combo.itemText(combo.findData(chat.id)).endswith(f"{MARKUP} Smith")
    # the interaction list's model hands the delegate the raw name
    interactions = desk.widget("interactionList").model()
    assert interactions.data(interactions.index(0, 0)) == f"{MARKUP} Smith"
    # what the handlers received is the same text
    desk.wait(lambda: host.pending == 0)
    new = next(o for o in host.outcomes if o.event_name == "ON_NEW_INTERACTION")
    assert new.result["type"] == "chat"


def test_a_caller_named_with_markup_in_the_event_summary_and_json(desk):
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerName", f"{MARKUP} Caller")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    model = desk.widget("eventTable").model()
    row = next(r for r in range(model.rowCount()) if model.event_at(r).name == "ON_NEW_INTERACTION")
    assert f"{MARKUP} Caller" in model.data(model.index(row, 3))
    desk.click_item("eventTable", model.index(row, 0))
    assert f'"name": "{MARKUP} Caller"' in desk.widget("eventJson").toPlainText()
    parties = desk.widget("partyList")
    assert parties.item(0).text().startswith(f"{MARKUP} Caller")


def test_an_email_with_markup(desk):
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerName", "Tom <em>Jones</em>")
    desk.type("customerSubject", "<h1>Big</h1>")
    desk.type("customerMessage", "<a href='x'>link</a>")
    desk.click("offerEmailButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    assert desk.widget("emailSubject").text() == "<h1>Big</h1>"
    assert desk.widget("emailFrom").text().startswith("Tom <em>Jones</em>")
    assert "<a href='x'>link</a>" in desk.widget("emailBody").toPlainText()
