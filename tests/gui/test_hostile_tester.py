"""A hostile but ordinary tester: only the keyboard, closing the window mid-call. What the
window must still do: reach every action, and say what a close left unfinished."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def _connected_call(desk: Any) -> Any:
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.keys(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # Accept
    desk.wait(lambda: desk.state() == "delivered")
    return desk.active()


def test_dtmf_can_be_sent_with_the_keyboard_only(bare_desk):
    """The keypad's keys took no focus at all: Tab never reached them, and no shortcut sends
    a digit, so a keyboard-only tester could not answer an IVR menu."""
    desk = bare_desk
    call = _connected_call(desk)
    desk.widget("holdButton").setFocus(Qt.FocusReason.TabFocusReason)
    key = desk.widget("dtmfKey1")
    for _ in range(60):  # Tab through the call's controls until the keypad's "1"
        if desk.window.focusWidget() is key:
            break
        desk.qtbot.keyClick(desk.window.focusWidget(), Qt.Key.Key_Tab)
    assert desk.window.focusWidget() is key, desk.window.focusWidget().objectName()
    desk.qtbot.keyClick(key, Qt.Key.Key_Space)
    desk.wait(lambda: call.dtmf_sent == "1")
    assert desk.widget("dtmfSent").text() == "Sent: 1"


def test_a_click_on_the_keypad_leaves_the_focus_where_it_was(bare_desk):
    desk = bare_desk
    _connected_call(desk)
    number = desk.widget("transferNumber")
    number.setFocus(Qt.FocusReason.OtherFocusReason)
    desk.click("dtmfKey5")
    assert desk.window.focusWidget() is number


def test_closing_the_window_mid_call_says_the_call_had_no_activity_record(qtbot, window, tmp_path):
    """Quit mid-call ended with exit 0 and not a word: the tester looked in the CRM for a
    record that was never saved."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    session = open_session(WindowOptions(journal=":memory:", login=True), window.settings, window)
    try:
        assert session.open_work() == []
        session.bridge.act("set_agent_state", "ready")
        session.bridge.act("offer_call", None, None)
        session.bridge.act("accept_interaction")
        (call,) = session.sim.interactions
        (line,) = session.open_work()
        assert line == (
            f"note: the window closed with {session.sim.name}'s voice with {call.display_name} "
            "still open (delivered): no activity record was saved for it"
        )
    finally:
        assert session.close() == []  # said, not lost: the exit code stays the tester's


@pytest.mark.parametrize("field", ["noteEdit", "emailReply", "customerMessage"])
def test_tab_leaves_a_text_box_instead_of_typing_a_tab(bare_desk, field):
    """Tab typed a tab character into the note (the email reply, the customer's message) and
    the focus stayed: a keyboard-only tester was stuck there (Ctrl+Tab was the only way)."""
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.select("agentStateCombo", "ready")
    desk.click("offerEmailButton" if field == "emailReply" else "offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    box = desk.widget(field)
    desk.wait(box.isEnabled)
    desk.type(field, "Called back")
    desk.qtbot.keyClick(box, Qt.Key.Key_Tab)
    assert box.toPlainText() == "Called back"
    assert desk.window.focusWidget() is not box
