"""Driving the window as a tester does: clicks and key presses on named controls only."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QWidget

from simulator.gui.automation.contract import enabling_actions, needed_inputs, not_while_ringing
from simulator.gui.window import MainWindow

__all__ = ["Desk"]

TIMEOUT_MS = 5000


class Desk:
    """A ``MainWindow`` and the ``qtbot`` that drives it."""

    def __init__(self, qtbot: Any, window: MainWindow):
        self.qtbot = qtbot
        self.window = window

    @property
    def bridge(self) -> Any:
        """The window's bridge."""
        assert self.window.bridge is not None
        return self.window.bridge

    @property
    def sim(self) -> Any:
        """The simulator behind the window."""
        return self.bridge.sim

    def widget(self, name: str) -> Any:
        """The control named ``name`` (its objectName)."""
        found = self.window.findChild(QWidget, name)
        assert found is not None, f"no control named {name!r}"
        return found

    def click(self, name: str) -> None:
        """Click an enabled, visible control."""
        widget = self.widget(name)
        assert widget.isEnabled(), f"{name} is disabled; allowed: {sorted(self.allowed())}"
        assert widget.isVisible(), f"{name} is not visible"
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)

    def type(self, name: str, text: str, *, enter: bool = False) -> None:
        """Click into a text field and type."""
        widget = self.widget(name)
        self.qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
        self.qtbot.keyClicks(widget, text)
        if enter:
            self.qtbot.keyClick(widget, Qt.Key.Key_Return)

    def keys(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        """A key press on the window (shortcuts)."""
        self.window.activateWindow()
        self.qtbot.keyClick(self.window, key, modifier)

    def choose(self, name: str, text: str) -> None:
        """Open a combo box with a click and click the item showing ``text``."""
        combo = self.widget(name)
        assert isinstance(combo, QComboBox)
        assert combo.isEnabled(), f"{name} is disabled"
        row = combo.findText(text, Qt.MatchFlag.MatchExactly)
        assert row >= 0, (
            f"{name} has no item {text!r}: {[combo.itemText(i) for i in range(combo.count())]}"
        )
        self.qtbot.mouseClick(combo, Qt.MouseButton.LeftButton)
        view: QAbstractItemView = combo.view()
        self.qtbot.waitUntil(view.isVisible, timeout=TIMEOUT_MS)
        # Walk to the item with the arrow keys and press Enter (a click into the popup right
        # after opening it is ignored by Qt for a double-click interval).
        for _ in range(combo.count() + 1):
            current = view.currentIndex().row()
            if current == row:
                break
            key = Qt.Key.Key_Down if current < row else Qt.Key.Key_Up
            self.qtbot.keyClick(view, key)
        assert view.currentIndex().row() == row, f"cannot reach {text!r} in {name}"
        self.qtbot.keyClick(view, Qt.Key.Key_Return)
        self.qtbot.waitUntil(lambda: not view.isVisible(), timeout=TIMEOUT_MS)

    def select(self, name: str, data: Any) -> None:
        """Select a combo box item by its documented item data (what a test script does)."""
        combo = self.widget(name)
        assert isinstance(combo, QComboBox)
        assert combo.isEnabled(), f"{name} is disabled"
        row = combo.findData(data)
        assert row >= 0, f"{name} has no item with data {data!r}"
        combo.setCurrentIndex(row)

    def click_item(self, view_name: str, index: Any) -> None:
        """Click a row of an item view."""
        view = self.widget(view_name)
        view.scrollTo(index)
        rect = view.visualRect(index)
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    def click_at(self, name: str, pos: QPoint) -> None:
        """Click a point of a widget."""
        self.qtbot.mouseClick(self.widget(name), Qt.MouseButton.LeftButton, pos=pos)

    def wait(self, condition: Any, timeout: int = TIMEOUT_MS) -> None:
        """Let the event loop turn until ``condition()`` is true."""
        self.qtbot.waitUntil(condition, timeout=timeout)

    def connected_call(self) -> Any:
        """Log in, choose Ready in the state box, offer a call from the customer side and
        accept it, as a tester does: the connected call (engine object)."""
        return self._connected("offerCallButton")

    def _connected(self, offer: str) -> Any:
        self.click("agentLoginButton")
        self.wait(lambda: self.sim.agent.logged_in)
        self.choose("agentStateCombo", "Ready")
        self.click(offer)
        self.wait(lambda: self.state() == "delivery_pending")
        self.click("acceptButton")
        self.wait(lambda: self.state() == "delivered")
        return self.active()

    def connected_chat(self) -> Any:
        """As ``connected_call``, with a chat: the accepted chat (engine object)."""
        return self._connected("offerChatButton")

    # ------------------------------------------------------------------ reading the engine

    def allowed(self) -> set[str]:
        """What the engine allows on the active interaction."""
        return {str(action) for action in self.sim.allowed()}

    def active(self) -> Any:
        """The active interaction (engine object)."""
        iid = self.sim.active_interaction_id
        return self.sim.interaction(iid) if iid else None

    def state(self) -> str | None:
        """State of the active interaction."""
        inter = self.active()
        return inter.state.value if inter is not None else None

    def check_enabling(self) -> None:
        """Every action control is enabled exactly when its action can succeed: the engine allows
        one of its actions, its inputs are there, and wrap-up controls wait while it rings."""
        allowed = self.allowed()
        inter = self.active()
        ringing = inter is not None and inter.state.value == "delivery_pending"
        service = inter.service if inter is not None else None
        required = bool(
            service is not None and service.use_dispositions and service.require_disposition
        )
        inputs = {
            "logged_in": bool(self.sim.agent.logged_in),
            "disposition": not required or (inter is not None and inter.disposition is not None),
            "no_transfer_wait": not self.bridge.waiting,
            "no_call_in_progress": not any(
                inter.type.value == "voice"
                and inter.state.value in ("delivered", "unknown", "delivery_pending")
                for inter in self.sim.interactions
            ),
        }
        for field in ("dialNumber", "transferNumber", "chatComposer", "chatTransferNumber"):
            inputs[field] = bool(self.widget(field).text().strip())
        for field in ("emailReply", "noteEdit"):
            inputs[field] = bool(self.widget(field).toPlainText().strip())
        names = set(enabling_actions()) | set(needed_inputs())
        for name in sorted(names):
            actions = enabling_actions().get(name)
            expected = bool(allowed & actions) if actions else True
            expected = expected and all(inputs[need] for need in needed_inputs().get(name, ()))
            if ringing and name in not_while_ringing():
                expected = False
            widget = self.widget(name)
            assert widget.isEnabled() == expected, (
                f"{name}: enabled={widget.isEnabled()} but allowed={sorted(allowed)}, "
                f"inputs={inputs}, ringing={ringing}"
            )
