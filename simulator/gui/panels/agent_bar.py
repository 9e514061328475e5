"""The agent bar: who is logged in, the agent state selector and the time in state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QWidget

from simulator.gui.controls import button, plain_label
from simulator.gui.theme.icons import icon, set_label_icon
from simulator.gui.theme.palette import state_color
from simulator.gui.times import duration_text

if TYPE_CHECKING:
    from simulator.gui.bridge import SimBridge

__all__ = ["AgentBar"]

_NAMES = {
    "ready": "Ready",
    "not_ready": "Not Ready",
    "busy": "Busy",
    "after_call_work": "After Call Work",
    "supervising": "Supervising",
    "logged_out": "Logged out",
}


def state_text(phase: str, reason: str | None) -> str:
    """``Not Ready: Lunch`` and the like."""
    name = _NAMES.get(phase, phase)
    return f"{name}: {reason}" if reason else name


class AgentBar(QWidget):
    """Agent name, state selector (Ready, Not Ready + reasons, Log out), time in state."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("agentBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._bridge: SimBridge | None = None
        self._signature: tuple[object, ...] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.setSpacing(10)
        avatar = plain_label(parent=self)
        set_label_icon(avatar, "headset", 22)
        self.name = plain_label("Starting…", "agentName", parent=self)
        self.indicator = plain_label("●", "agentStateIndicator", parent=self)
        self.combo = QComboBox(self)
        self.combo.setObjectName("agentStateCombo")
        self.combo.setEnabled(False)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.activated.connect(self._chosen)
        self.timer = plain_label("", "agentStateTimer", parent=self)
        self.next_state = plain_label("", "agentNextState", parent=self)
        self.login = button("agentLoginButton", "Log in", "log-in", tone="accent", parent=self)
        self.login.clicked.connect(self._login)
        self.login.hide()
        self.tenant = plain_label("", "tenantLabel", parent=self)
        layout.addWidget(avatar)
        layout.addWidget(self.name)
        layout.addSpacing(12)
        layout.addWidget(self.indicator)
        layout.addWidget(self.combo)
        layout.addWidget(self.timer)
        layout.addWidget(self.next_state)
        layout.addWidget(self.login)
        layout.addStretch(1)
        layout.addWidget(self.tenant)

    def attach(self, bridge: SimBridge) -> None:
        """Show ``bridge``'s agent."""
        self._bridge = bridge
        sim = bridge.sim
        agent = sim.tenant.agent
        self.name.setText(f"{agent.display_name} · ext. {agent.extension}")
        self.tenant.setText(f"{sim.tenant.name} · seed {sim.seed}")
        self.refresh()

    def refresh(self) -> None:
        """Follow the engine's agent state."""
        if self._bridge is None:
            return
        sim = self._bridge.sim
        agent = sim.agent
        phase = str(agent.phase)
        reasons = tuple(sim.tenant.not_ready_reasons)
        system = phase in ("busy", "after_call_work")
        signature = (agent.logged_in, system and phase, reasons)
        if signature != self._signature:
            self._rebuild(agent.logged_in, phase if system else None, reasons)
            self._signature = signature
        self._select(phase, agent.reason)
        self.combo.setEnabled(agent.logged_in)
        self.login.setVisible(not agent.logged_in)
        self.login.setEnabled(not agent.logged_in)
        self.indicator.setStyleSheet(f"color: {state_color(phase)}; font-size: 16pt;")
        self.indicator.setToolTip(state_text(phase, agent.reason))
        chosen = agent.chosen
        if chosen is not None:
            state, reason = chosen
            self.next_state.setText(f"→ next: {state_text(str(state), reason)}")
        else:
            self.next_state.setText("")
        self.tick()

    def retint(self) -> None:
        """Rebuild the selector's icons in the colours in use."""
        self._signature = None
        self.refresh()

    def tick(self) -> None:
        """Repaint the time in state."""
        if self._bridge is None:
            return
        sim = self._bridge.sim
        agent = sim.agent
        if agent.logged_in:
            self.timer.setText(duration_text(sim.now_ms - agent.since_ms))
        else:
            self.timer.setText("")

    def _rebuild(self, logged_in: bool, system_phase: str | None, reasons: tuple[str, ...]) -> None:
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        if not logged_in:
            combo.addItem(icon("log-out"), "Logged out", ("logged_out", None))
        else:
            if system_phase is not None:
                combo.addItem(icon("clock"), _NAMES[system_phase], ("system", system_phase))
            combo.addItem(self._dot("ready"), "Ready", ("ready", None))
            for reason in reasons:
                combo.addItem(self._dot("not_ready"), f"Not Ready: {reason}", ("not_ready", reason))
            combo.addItem(icon("log-out"), "Log out", ("logout", None))
        model = combo.model()
        if isinstance(model, QStandardItemModel):
            for row in range(combo.count()):
                kind = combo.itemData(row)[0]
                item = model.item(row)
                if item is not None and kind in ("system", "logged_out"):
                    item.setEnabled(False)
        combo.blockSignals(False)

    @staticmethod
    def _dot(phase: str) -> QIcon:
        pixmap = QPixmap(24, 24)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(state_color(phase)))
        painter.drawEllipse(6, 6, 12, 12)
        painter.end()
        return QIcon(pixmap)

    def _select(self, phase: str, reason: str | None) -> None:
        combo = self.combo
        want: tuple[str, str | None]
        if phase in ("busy", "after_call_work"):
            want = ("system", phase)
        elif phase == "logged_out":
            want = ("logged_out", None)
        else:
            want = (phase, reason)
        for row in range(combo.count()):
            if tuple(combo.itemData(row)) == want:
                combo.blockSignals(True)
                combo.setCurrentIndex(row)
                combo.blockSignals(False)
                return

    def _chosen(self, row: int) -> None:
        if self._bridge is None:
            return
        kind, value = self.combo.itemData(row)
        if kind == "logout":
            self._bridge.act("logout")
        elif kind in ("ready", "not_ready"):
            self._bridge.act("set_agent_state", kind, value)
        self.refresh()

    def _login(self) -> None:
        if self._bridge is not None:
            self._bridge.act("login")
