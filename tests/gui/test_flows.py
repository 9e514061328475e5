"""Whole interactions driven through the window by clicks and key presses only, checking what the
handlers received. After every step each action control must be enabled exactly when the engine
allows it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def _log_in_ready(desk: Any) -> None:
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.choose("agentStateCombo", "Ready")
    assert str(desk.sim.agent.phase) == "ready"
    assert desk.widget("agentStateCombo").currentText() == "Ready"


def _handled(desk: Any, host: Any) -> list[Any]:
    """Wait until the handlers have handled every event so far; their outcomes."""
    desk.wait(lambda: host.pending == 0 and len(desk.bridge.outcomes) == len(host.outcomes))
    return list(host.outcomes)


def _received(outcomes: list[Any], iid: str) -> list[tuple[str, Any]]:
    return [(o.event_name, o.result) for o in outcomes if o.interaction_id == iid]


def test_inbound_call_with_hold_mute_record_and_wrap_up(desk, host):
    _log_in_ready(desk)
    desk.type("customerName", "Ada Lovelace")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    call = desk.active()
    assert desk.widget("interactionTitle").text() == "Ada Lovelace"
    assert desk.widget("acceptButton").isVisible()
    desk.check_enabling()

    desk.click("acceptButton")
    assert desk.state() == "delivered"
    desk.check_enabling()
    desk.click("holdButton")
    assert desk.state() == "hold"
    assert desk.widget("holdButton").isChecked()
    assert desk.widget("holdButton").text() == "Resume"
    desk.check_enabling()
    desk.click("holdButton")
    assert desk.state() == "delivered"
    desk.click("muteButton")
    assert call.muted
    assert desk.widget("muteButton").text() == "Unmute"
    desk.click("recordButton")
    assert call.recording
    desk.check_enabling()
    desk.click("dtmfKey5")
    desk.click("dtmfKeyHash")
    assert call.dtmf_sent == "5#"
    assert desk.widget("dtmfSent").text() == "Sent: 5#"

    desk.click("hangUpButton")
    assert desk.state() == "wrap_up"
    assert str(desk.sim.agent.phase) == "after_call_work"
    assert desk.widget("agentStateCombo").currentText() == "After Call Work"
    assert desk.widget("acwTimer").text().startswith("ACW")
    desk.check_enabling()
    desk.choose("dispositionCombo", "Problem solved")
    assert call.disposition == "Problem solved"
    desk.type("noteEdit", "Asked about the premium plan.")
    desk.click("addNoteButton")
    assert call.notes == ["Asked about the premium plan."]
    assert desk.widget("notesView").toPlainText() == "Asked about the premium plan."
    desk.click("completeButton")
    assert desk.sim.interactions == []
    assert str(desk.sim.agent.phase) == "ready"
    assert desk.widget("contextStack").currentIndex() == 0
    desk.check_enabling()

    received = _received(_handled(desk, host), call.id)
    names = [name for name, _ in received]
    assert names[0] == "ON_NEW_INTERACTION"
    assert names[-2:] == ["ON_INTERACTION_REMOVED", "ON_SAVE_ACTIVITY_RECORD"]
    states = [result["state"] for name, result in received if name.endswith("STATE_CHANGE")]
    assert states[:3] == ["delivered", "hold", "delivered"]
    assert "wrap_up" in states
    saved = received[-1][1]
    muted = [r for n, r in received if n.endswith("STATE_CHANGE") and r["callMuted"]]
    assert muted and all(r["state"] in ("delivered", "hold") for r in muted)
    assert saved["callMuted"] is False  # the call is gone (mute_after_call: clear)
    assert saved["callRecording"] is True
    assert saved["disposition"] == "Problem solved"
    assert saved["description"] == "Asked about the premium plan."
    assert all(outcome.status == "ok" for outcome in host.outcomes)


def test_outbound_call_with_consult_transfer(desk, host):
    _log_in_ready(desk)
    desk.type("dialNumber", "+1 415 555 0123", enter=True)
    desk.wait(lambda: desk.state() == "unknown")
    outbound = desk.active()
    assert outbound.call_direction.value == "outbound"
    assert outbound.origination.value == "dialpad"
    desk.check_enabling()
    desk.click("customerAnswerButton")
    assert desk.state() == "delivered"

    # Pick Priya Nair (Sales, 2001) in the directory: her extension goes to the transfer field.
    tree = desk.widget("directoryTree")
    match = tree.model().match(
        tree.model().index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        "Priya Nair",
        1,
        Qt.MatchFlag.MatchRecursive,
    )[0]
    desk.click_item("directoryTree", match)
    assert desk.widget("transferNumber").text() == "2001"
    assert desk.widget("dialNumber").text() == "2001"

    desk.click("consultButton")
    desk.wait(lambda: desk.active() is not None and desk.active().id != outbound.id)
    consult = desk.active()
    assert consult.consult_of == outbound.id
    assert outbound.state.value == "hold"
    assert desk.widget("interactionList").model().rowCount() == 2
    assert not desk.widget("completeTransferButton").isEnabled()
    desk.click("customerAnswerButton")
    assert consult.state.value == "delivered"
    desk.check_enabling()
    desk.click("completeTransferButton")
    # The transfer waits for the handler's ON_REQUEST_TRANSFER_DATA answer (handler thread),
    # which the window's poll timer applies.
    desk.wait(lambda: outbound.state.value == "wrap_up")
    assert outbound.transfer_data == {"caseId": "CASE-42"}
    desk.wait(lambda: desk.active() is not None)
    desk.check_enabling()
    while desk.sim.interactions:
        desk.click("completeButton")
    assert str(desk.sim.agent.phase) == "ready"

    outcomes = _handled(desk, host)
    requests = [o for o in outcomes if o.event_name == "ON_REQUEST_TRANSFER_DATA"]
    assert [o.result for o in requests] == [{"caseId": "CASE-42"}]
    saved = [o.interaction_id for o in outcomes if o.event_name == "ON_SAVE_ACTIVITY_RECORD"]
    assert sorted(saved) == sorted([outbound.id, consult.id])
    first = _received(outcomes, outbound.id)[0]
    assert first[0] == "ON_NEW_INTERACTION"
    assert first[1]["state"] == "unknown"
    assert first[1]["callDirection"] == "outbound"


def test_chat(desk, host):
    _log_in_ready(desk)
    desk.type("customerMessage", "Hi, my parcel is late.")
    desk.click("offerChatButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    chat = desk.active()
    assert desk.widget("mediaStack").currentWidget().objectName() == "chatPage"
    desk.click("acceptButton")
    desk.type("chatComposer", "Let me check that for you.", enter=True)
    assert desk.widget("chatComposer").text() == ""
    desk.click("chatSimulateReplyButton")
    desk.type("customerMessage", "Thanks!")
    desk.click("customerWriteButton")
    senders = [line.sender for line in chat.transcript]
    assert senders == ["customer", "agent", "customer", "customer"]
    transcript = desk.widget("chatTranscript").toPlainText()
    assert "Hi, my parcel is late." in transcript
    assert "Let me check that for you." in transcript
    assert "Thanks!" in transcript
    assert desk.widget("hangUpButton").text() == "End chat"
    desk.check_enabling()
    desk.click("hangUpButton")
    assert desk.state() == "wrap_up"
    desk.check_enabling()
    desk.click("completeButton")
    assert desk.sim.interactions == []

    received = _received(_handled(desk, host), chat.id)
    assert received[0][0] == "ON_NEW_INTERACTION"
    assert received[0][1]["type"] == "chat"
    assert received[-1][0] == "ON_SAVE_ACTIVITY_RECORD"


def test_email(desk, host):
    _log_in_ready(desk)
    desk.type("customerSubject", "Invoice 1234")
    desk.type("customerMessage", "Please resend my invoice.")
    desk.click("offerEmailButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    email = desk.active()
    assert desk.widget("emailSubject").text() == "Invoice 1234"
    assert "Please resend my invoice." in desk.widget("emailBody").toPlainText()
    desk.click("acceptButton")
    desk.check_enabling()
    desk.type("emailReply", "Here it is again.")
    desk.click("emailSendButton")
    assert desk.state() == "wrap_up"
    desk.choose("dispositionCombo", "Answer provided")
    desk.click("completeButton")
    assert desk.sim.interactions == []

    received = _received(_handled(desk, host), email.id)
    assert received[0][1]["type"] == "email"
    saved = received[-1]
    assert saved[0] == "ON_SAVE_ACTIVITY_RECORD"
    assert saved[1]["disposition"] == "Answer provided"


def test_keyboard_shortcuts_drive_a_call(desk):
    _log_in_ready(desk)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    call = desk.active()
    control = Qt.KeyboardModifier.ControlModifier
    desk.keys(Qt.Key.Key_A, control)
    desk.wait(lambda: desk.state() == "delivered")
    desk.keys(Qt.Key.Key_H, control)
    desk.wait(lambda: desk.state() == "hold")
    desk.keys(Qt.Key.Key_H, control)
    desk.wait(lambda: desk.state() == "delivered")
    desk.keys(Qt.Key.Key_M, control)
    desk.wait(lambda: call.muted)
    desk.keys(Qt.Key.Key_R, control)
    desk.wait(lambda: call.recording)
    desk.keys(Qt.Key.Key_E, control)
    desk.wait(lambda: desk.state() == "wrap_up")
    desk.keys(Qt.Key.Key_Return, control)
    desk.wait(lambda: desk.sim.interactions == [])


def test_a_refused_action_shows_the_engines_message(bare_desk):
    desk = bare_desk
    _log_in_ready(desk)
    desk.type("dialNumber", "1001")  # the agent's own extension
    desk.click("callButton")
    status = desk.widget("statusMessage")
    assert "own extension" in status.text()
    assert "(self_call)" in status.text()
    assert status.property("error") is True
    assert desk.sim.interactions == []


def test_several_interactions_and_switching(bare_desk):
    desk = bare_desk
    _log_in_ready(desk)
    desk.click("offerChatButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    first = desk.active()
    desk.click("acceptButton")
    desk.click("offerChatButton")
    desk.wait(lambda: len(desk.sim.interactions) == 2)
    second = desk.active()
    assert second.id != first.id
    view = desk.widget("interactionList")
    model = view.model()
    assert model.rowCount() == 2
    assert model.data(model.index(1, 0), model.ActiveRole) is True
    desk.click_item("interactionList", model.index(0, 0))
    assert desk.sim.active_interaction_id == first.id
    assert model.data(model.index(0, 0), model.ActiveRole) is True
    desk.keys(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    desk.wait(lambda: desk.sim.active_interaction_id == second.id)


def test_not_ready_reason_and_logout(bare_desk):
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Not Ready: Lunch")
    assert desk.sim.agent.reason == "Lunch"
    combo = desk.widget("agentStateCombo")
    items = [combo.itemText(row) for row in range(combo.count())]
    reasons = [f"Not Ready: {reason}" for reason in desk.sim.tenant.not_ready_reasons]
    assert items == ["Ready", *reasons, "Log out"]
    desk.choose("agentStateCombo", "Log out")
    assert not desk.sim.agent.logged_in
    assert desk.widget("agentLoginButton").isVisible()
    assert not combo.isEnabled()


def test_a_shortcut_on_a_greyed_control_says_why(ringing_desk):
    """Ctrl+H with no call, Ctrl+T with no number, Ctrl+Return on a required disposition did
    nothing and said nothing: the tester could not tell a dead key from a dead window. Each
    says why, in the status bar and under the control, as a refused click does."""
    desk = ringing_desk
    status = desk.widget("statusMessage")
    note = desk.widget("refusalNote")
    control = Qt.KeyboardModifier.ControlModifier
    desk.keys(Qt.Key.Key_H, control)
    said = "Ctrl+H did nothing: Hold is greyed: there is no active interaction"
    desk.wait(lambda: status.text() == said)
    assert note.isVisible() and note.property("control") == "holdButton"
    assert status.property("error") is True
    desk.select("customerService", "Sales")  # requires a disposition
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.keys(Qt.Key.Key_H, control)
    desk.wait(
        lambda: status.text().endswith("Hold is greyed: not while the active call is ringing")
    )
    desk.click("acceptButton")
    desk.keys(Qt.Key.Key_T, control)
    desk.wait(
        lambda: status.text().startswith("Ctrl+T did nothing: Blind transfer is greyed: type")
    )
    desk.click("hangUpButton")
    desk.keys(Qt.Key.Key_Return, control)
    desk.wait(
        lambda: (
            status.text()
            == "Ctrl+Return did nothing: Complete is greyed: the service requires a disposition: "
            "choose one first"
        )
    )


def test_an_email_offered_beside_a_chat_waits_in_the_queue_until_the_chat_is_done(bare_desk):
    """The window offers what the engine does: an email needs the agent's whole capacity, so
    beside a chat it waits (said in the status and the queue line), and rings once it is done."""
    desk = bare_desk
    _log_in_ready(desk)
    desk.click("offerChatButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    chat = desk.active()
    desk.click("acceptButton")
    desk.click("offerEmailButton")
    status = desk.widget("statusMessage")
    desk.wait(lambda: "An email waits in the queue" in status.text())
    queue = desk.widget("queueLabel")
    desk.wait(lambda: queue.isVisible() and "email (Email Support)" in queue.text())
    view = desk.widget("interactionList")
    assert view.model().rowCount() == 1
    assert desk.active() is chat
    desk.check_enabling()
    desk.click("hangUpButton")
    desk.click("completeButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    assert desk.active().type.value == "email"
    desk.wait(lambda: not queue.isVisible())
    assert view.model().rowCount() == 1


def test_an_email_the_customer_makes_up_is_signed_by_them_on_its_subject(desk):
    """With the customer side's fields empty, the email was signed with a random first name
    (`From: Allen Greene`, `Thanks, Melvin`), on a random topic under the fixed subject
    "Question about my order" (the body asked to change an address)."""
    from simulator.data.texts import TOPICS

    _log_in_ready(desk)
    desk.click("offerEmailButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    email = desk.active()
    body = desk.widget("emailBody").toPlainText()
    assert body.rstrip().endswith(f",\n{email.customer.first_name}"), body
    subject = desk.widget("emailSubject").text()
    topics = [t for t in TOPICS if _fits(t.subject, subject)]
    assert topics, subject
    # Under a greeting of its own the opening greets no more ("Hi, my order" -> "My order").
    openings = [
        line.removeprefix("Hi, ").removeprefix("Hello, ") for t in topics for line in t.opening
    ]
    assert any(_fits(line[1:], body) for line in openings), (subject, body)


def _fits(template: str, text: str) -> bool:
    """Whether ``text`` holds ``template`` with its ``{...}`` values filled in anyhow."""
    pattern = re.sub(r"\\\{[a-z]+\\\}", ".+?", re.escape(template))
    return re.search(pattern, text) is not None


def test_a_chat_the_customer_makes_up_opens_on_a_topic_and_stays_on_it(desk):
    """Every chat offered with the message empty opened "Hello, I need some help please.", and
    each line the customer then wrote was on a topic of its own (a late order, then a locked
    account, then a double charge)."""
    from simulator.data.texts import TOPICS

    _log_in_ready(desk)
    firsts = []
    for _ in range(3):
        desk.click("offerChatButton")
        desk.wait(lambda: desk.state() == "delivery_pending")
        chat = desk.active()
        firsts.append(chat.transcript[0].text if chat.transcript else None)
        desk.click("acceptButton")
        desk.wait(lambda: desk.state() == "delivered")
        desk.click("customerWriteButton")
        desk.wait(lambda c=chat: len(c.transcript) >= 2)
        lines = [entry.text for entry in chat.transcript]
        topics = [t for t in TOPICS if any(_fits(o, lines[0]) for o in t.opening)]
        assert topics, lines
        assert any(_fits(d, lines[1]) for t in topics for d in t.details), lines
        desk.click("hangUpButton")
        desk.wait(lambda: desk.state() == "wrap_up")
        desk.choose("dispositionCombo", desk.widget("dispositionCombo").itemText(1))
        desk.click("completeButton")
        desk.wait(lambda: desk.active() is None)
    assert "Hello, I need some help please." not in firsts


def test_the_reply_sent_is_in_view_in_the_thread(bare_desk):
    """The reply went to the end of the thread, below the customer's email and out of sight:
    the reply box emptied and the thread looked as before, as if the reply had gone nowhere."""
    desk = bare_desk
    _log_in_ready(desk)
    long = "\n".join(f"Line {n} of a long email." for n in range(60))
    desk.widget("customerMessage").setPlainText(long)  # pasted (keyClicks types no newline)
    desk.click("offerEmailButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.wait(lambda: desk.state() == "delivered")
    body = desk.widget("emailBody")
    bar = body.verticalScrollBar()
    desk.wait(lambda: bar.maximum() > 0)
    assert bar.value() == 0  # a new email opens at its top
    desk.type("emailReply", "Here it is again.")
    desk.click("emailSendButton")
    desk.wait(lambda: "Here it is again." in body.toPlainText())
    desk.wait(lambda: bar.value() == bar.maximum() > 0)
