"""In the number fields (the dial pad's, the call's and the chat's transfer fields) the
window's shortcuts act before the field's own keys: on Linux a one-line field takes Ctrl+E (the
end of the line), so Ctrl+E there moved the cursor instead of hanging up the call just dialled
from it (docs/window.md, "Keyboard shortcuts"). Ctrl+A stays the field's: it selects all, as in
every text field."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit

pytestmark = pytest.mark.gui

NUMBER = "4155550177"


class _LinuxLineEditKeys(QObject):
    """What a line edit does with the X11 key scheme (xcb), which offscreen Qt does not have:
    it claims Ctrl+E (``QKeySequence.MoveToEndOfLine``) over the shortcuts. Installed after
    the window's own filter, it sees the key first, as the field's own handling would."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and QKeySequence(event.keyCombination()) == QKeySequence("Ctrl+E")
        ):
            event.accept()
        return False


def _ctrl(desk: Any, qtbot: Any, field: QLineEdit, key: Qt.Key) -> None:
    """``key`` with Ctrl in ``field``, the focus in it, as the tester types it."""
    desk.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is desk.window)
    field.setFocus()
    field.setCursorPosition(2)
    qtbot.keyClick(field, key, Qt.KeyboardModifier.ControlModifier)


def test_ctrl_e_in_the_dial_pad_hangs_up_the_call_it_dialled(bare_desk, qtbot):
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.wait(lambda: desk.sim.agent.logged_in)
    desk.type("dialNumber", NUMBER, enter=True)  # Enter calls; the focus stays in the field
    desk.wait(lambda: desk.state() == "unknown")
    call = desk.active()
    field = desk.widget("dialNumber")
    keys = _LinuxLineEditKeys(field)
    field.installEventFilter(keys)
    _ctrl(desk, qtbot, field, Qt.Key.Key_E)
    desk.wait(lambda: call.state.value == "wrap_up")
    assert field.cursorPosition() == 2  # not moved to the end


def test_ctrl_e_in_the_transfer_field_hangs_up(bare_desk, qtbot):
    desk = bare_desk
    call = desk.connected_call()
    desk.type("transferNumber", NUMBER)
    field = desk.widget("transferNumber")
    field.installEventFilter(_LinuxLineEditKeys(field))
    _ctrl(desk, qtbot, field, Qt.Key.Key_E)
    desk.wait(lambda: call.state.value == "wrap_up")
    assert field.text() == NUMBER


def test_ctrl_e_in_the_chat_transfer_field_ends_the_chat(bare_desk, qtbot):
    desk = bare_desk
    chat = desk.connected_chat()
    desk.type("chatTransferNumber", "1002")
    field = desk.widget("chatTransferNumber")
    field.installEventFilter(_LinuxLineEditKeys(field))
    _ctrl(desk, qtbot, field, Qt.Key.Key_E)
    desk.wait(lambda: chat.state.value != "delivered")


def test_ctrl_a_in_the_dial_pad_still_selects_all(ringing_desk, qtbot):
    """Ctrl+A (Accept) stays the field's, as in every text field: the number selected, the
    ringing call not accepted."""
    desk = ringing_desk
    desk.type("dialNumber", NUMBER)
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    field = desk.widget("dialNumber")
    _ctrl(desk, qtbot, field, Qt.Key.Key_A)
    assert field.selectedText() == NUMBER
    assert desk.state() == "delivery_pending"
