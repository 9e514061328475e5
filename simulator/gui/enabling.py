"""Which control is enabled when: exactly when its action can succeed.

The engine says what it allows (``sim.allowed()``); the automation table says which engine
actions each control performs, which inputs it needs (a number typed, a disposition chosen where
the service requires one) and which wait while the active interaction rings. This applies all
three to the window's named controls, and again as the tester types.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QTextEdit

from simulator.gui.automation.contract import (
    NEEDS,
    enabling_actions,
    needed_inputs,
    not_while_ringing,
)

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from simulator.gui.bridge import SimBridge

__all__ = ["Enabler"]

_MISSING = {
    "dialNumber": "type a number or extension in the dial pad first",
    "transferNumber": "type a number or extension to send it to first (or click a colleague "
    "in the directory)",
    "chatTransferNumber": "type an extension, user or chat service first (or click a colleague "
    "in the directory)",
    "chatComposer": "type a message first",
    "emailReply": "write the reply first",
    "noteEdit": "type a note first",
    "disposition": "the service requires a disposition: choose one first",
    "logged_in": "log in first",
    "no_transfer_wait": "it waits for the handlers' answer to ON_REQUEST_TRANSFER_DATA",
    "no_call_in_progress": "a call is connected, dialling or ringing: hold it or hang up first",
}
"""Why a control waits for its ``NEEDS`` input, said as what to do."""
_CALL_IN_PROGRESS = frozenset({"delivered", "unknown", "delivery_pending"})
"""A call in these states (connected, dialling, ringing) keeps the agent from placing one."""
_MEDIA = {"voice": "call", "chat": "chat", "email": "email"}
_STATES = {
    "delivery_pending": "ringing",
    "unknown": "dialling",
    "delivered": "connected",
    "hold": "on hold",
    "ivr": "in IVR",
    "IVR": "in IVR",
    "wrap_up": "in wrap-up",
    "wrap_up_hold": "in wrap-up",
}


class Enabler:
    """Enables the window's controls (``controls``: objectName -> widget, filled by the window)."""

    def __init__(self, controls: dict[str, QWidget], bridge: Callable[[], SimBridge | None]):
        self._controls = controls
        self._bridge = bridge
        self._enabling = enabling_actions()
        self._needs = needed_inputs()
        self._not_while_ringing = not_while_ringing()
        self._allowed: frozenset[str] = frozenset()
        self._watched: set[str] = set()

    def apply(self, allowed: frozenset[str]) -> None:
        """Enable each control exactly when its action can succeed: the engine allows it, its
        inputs are there, and (for wrap-up and hang up) the interaction is not ringing."""
        self._allowed = allowed
        ringing = self._ringing()
        for name in self._enabling.keys() | self._needs.keys():
            widget = self._controls.get(name)
            if widget is None:
                continue
            actions = self._enabling.get(name)
            enabled = bool(allowed & actions) if actions else True
            enabled = enabled and all(self._has(need) for need in self._needs.get(name, ()))
            if ringing and name in self._not_while_ringing:
                enabled = False
            widget.setEnabled(enabled)
        for name in self._not_while_ringing:
            widget = self._controls.get(name)
            if widget is not None and name not in self._enabling:
                widget.setEnabled(not ringing)

    def why_disabled(self, name: str) -> str:
        """Why the control ``name`` is greyed now, in the tester's words (a shortcut pressed
        on it says so: Ctrl+H on a greyed Hold did nothing, with nothing said)."""
        if self._ringing() and name in self._not_while_ringing:
            return "the interaction rings: accept or reject it first"
        for need in self._needs.get(name, ()):
            if not self._has(need):
                return _MISSING.get(need, NEEDS.get(need, need))
        actions = self._enabling.get(name)
        if actions and not self._allowed & actions:
            return self._engine_refuses()
        return "it is not available now"

    def _engine_refuses(self) -> str:
        """What in the engine's state keeps a control's actions from being allowed."""
        bridge = self._bridge()
        if bridge is None:
            return "the simulator is not loaded yet"
        sim = bridge.sim
        if not sim.agent.logged_in:
            return "you are logged out"
        iid = sim.active_interaction_id
        inter = sim.interaction(iid) if iid else None
        if inter is None:
            return "there is no active interaction"
        media = _MEDIA.get(inter.type.value, inter.type.value)
        state = _STATES.get(inter.state.value, inter.state.value)
        return f"not while the active {media} is {state}"

    def _ringing(self) -> bool:
        bridge = self._bridge()
        sim = bridge.sim if bridge is not None else None
        iid = sim.active_interaction_id if sim is not None else None
        inter = sim.interaction(iid) if sim is not None and iid else None
        return inter is not None and inter.state.value == "delivery_pending"

    def _has(self, need: str) -> bool:
        """Whether the input ``need`` (a ``NEEDS`` key) is there."""
        bridge = self._bridge()
        if bridge is None:
            return False
        sim = bridge.sim
        if need == "logged_in":
            return bool(sim.agent.logged_in)
        if need == "no_transfer_wait":
            return not bridge.waiting
        if need == "no_call_in_progress":  # as the engine's startCall refuses
            return not any(
                inter.type.value == "voice" and inter.state.value in _CALL_IN_PROGRESS
                for inter in sim.interactions
            )
        if need == "disposition":
            iid = sim.active_interaction_id
            inter = sim.interaction(iid) if iid else None
            service = inter.service if inter is not None else None
            if inter is None or service is None or not service.use_dispositions:
                return True
            return not service.require_disposition or inter.disposition is not None
        widget = self._controls.get(need)
        if isinstance(widget, QLineEdit):
            return bool(widget.text().strip())
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            return bool(widget.toPlainText().strip())
        return False

    def watch_inputs(self) -> None:
        """Re-enable as the tester types (an empty number field disables Call)."""
        for needs in self._needs.values():
            for need in needs:
                widget = self._controls.get(need)
                if need in self._watched:
                    continue
                if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
                    self._watched.add(need)
                    widget.textChanged.connect(self._inputs_changed)

    def _inputs_changed(self, *_: Any) -> None:
        self.apply(self._allowed)
