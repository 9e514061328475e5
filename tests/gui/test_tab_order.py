"""Tab goes through the window as it reads, left to right: the interactions, the dial pad, the
active interaction, then the directory and the customer side."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

pytestmark = pytest.mark.gui


def _stops(desk) -> list[str]:
    """The named controls Tab reaches, in order, from the agent state box."""
    window = desk.window
    start = desk.widget("agentStateCombo")
    stops = []
    widget = start.nextInFocusChain()
    while widget is not start:
        tab = widget.focusPolicy().value & Qt.FocusPolicy.TabFocus.value
        if tab and widget.isVisibleTo(window) and widget.isEnabled() and widget.objectName():
            stops.append(widget.objectName())
        widget = widget.nextInFocusChain()
    return stops


def test_tab_reaches_the_active_call_before_the_docks(bare_desk):
    """The interaction page is built after the docks (once the window is on screen), and Tab
    went from the dial pad to the directory and the whole customer side before it reached
    Hang up: a keyboard tester crossed eleven controls to get from the dial pad to the call."""
    desk = bare_desk
    desk.connected_call()
    stops = _stops(desk)
    after_dial_pad = stops[stops.index("dialBackspace") + 1]
    assert after_dial_pad == "hangUpButton", stops
    assert stops.index("completeButton" if "completeButton" in stops else "notesView") < (
        stops.index("directorySearch")
    ), stops
    # The keys move the focus along that chain.
    backspace = desk.widget("dialBackspace")
    backspace.setFocus(Qt.FocusReason.TabFocusReason)
    desk.wait(backspace.hasFocus)
    desk.qtbot.keyClick(backspace, Qt.Key.Key_Tab)
    desk.wait(desk.widget("hangUpButton").hasFocus)
