"""The dial pad's Call is enabled exactly when a call can be placed: not while a call is
connected, dialling or ringing (the engine refuses it then)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui

NUMBER = "4155550177"


def test_call_is_greyed_while_a_call_is_in_progress_and_says_why(bare_desk):
    """Call stayed green with a call connected (or dialling): Enter in the dial pad or a click
    on it was refused, `Cannot call: there is a call in progress: hold it or hang up first
    (not_suitable_state)`, where every other control greys when its action cannot succeed."""
    desk = bare_desk
    call = desk.connected_call()
    desk.type("dialNumber", NUMBER)
    button = desk.widget("callButton")
    assert not button.isEnabled()
    desk.check_enabling()
    desk.keys(Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    status = desk.widget("statusMessage")
    desk.wait(
        lambda: (
            status.text()
            == "Ctrl+D did nothing: Call is greyed: a call is connected, dialling or ringing: hold "
            "it or hang up first"
        )
    )
    desk.click("holdButton")
    desk.wait(lambda: call.state.value == "hold")
    desk.wait(button.isEnabled)
    desk.check_enabling()
    desk.click("callButton")  # the customer on hold, the agent calls out
    desk.wait(lambda: desk.active() is not None and desk.active().id != call.id)
    assert not button.isEnabled()  # dialling
    desk.check_enabling()


def test_call_is_greyed_while_a_call_rings(ringing_desk):
    desk = ringing_desk
    desk.type("dialNumber", NUMBER)
    button = desk.widget("callButton")
    assert button.isEnabled()
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.wait(lambda: not button.isEnabled())
    desk.check_enabling()


def test_enter_in_the_dial_pad_with_call_greyed_says_why(bare_desk):
    """Enter in the dial pad calls (docs/window.md); with Call greyed it did nothing and said
    nothing, where Ctrl+D on it says why."""
    desk = bare_desk
    desk.connected_call()
    desk.type("dialNumber", NUMBER, enter=True)
    status = desk.widget("statusMessage")
    desk.wait(
        lambda: (
            status.text()
            == "Enter did nothing: Call is greyed: a call is connected, dialling or ringing: "
            "hold it or hang up first"
        )
    )
    note = desk.widget("refusalNote")
    assert note.isVisible() and note.property("control") == "callButton"
    assert len(desk.sim.interactions) == 1


def test_a_call_still_dialling_can_be_hung_up(bare_desk):
    """Hang up was greyed while the agent's own call was dialling: the tester could only wait
    for the far end (30 s) to cancel a dial, where a real desktop hangs it up at once."""
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.type("dialNumber", NUMBER)
    desk.click("callButton")
    desk.wait(lambda: desk.state() == "unknown")
    hang_up = desk.widget("hangUpButton")
    desk.wait(hang_up.isEnabled)
    desk.check_enabling()
    call = desk.active()
    desk.keys(Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    desk.wait(lambda: call.state.value == "wrap_up")
    assert call.start_ms is None  # never connected: no startTime
    status = desk.widget("statusMessage")
    desk.wait(lambda: status.text().startswith("✓ Cancelled: in wrap-up ('Outbound Calls'"))
    desk.check_enabling()
