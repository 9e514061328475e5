"""The agent bar: who is logged in, the agent state selector and the time in state.

The selector always shows the engine's exact state and reason, including the ones an agent cannot
choose (Not Ready after login or after a missed call, Busy, After Call Work, Supervising): those
appear as a disabled first item while they hold. Each item's data is a stable id (``state_id``),
so a test selects by id: ``combo.setCurrentIndex(combo.findData("not_ready:Lunch"))``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QStandardItemModel
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSizePolicy, QWidget

from simulator.gui.controls import button, plain_label, tool_button
from simulator.gui.long_lines import tip
from simulator.gui.theme.icons import icon, set_label_icon
from simulator.gui.theme.palette import state_color
from simulator.gui.times import clock_text, duration_text

if TYPE_CHECKING:
    from simulator.engine import Notice
    from simulator.gui.bridge import SimBridge

__all__ = ["LOGOUT_ID", "AgentBar", "state_id", "state_text"]

_NAMES = {
    "ready": "Ready",
    "not_ready": "Not Ready",
    "busy": "Busy",
    "after_call_work": "After Call Work",
    "supervising": "Supervising",
    "logged_out": "Logged out",
}
MISSED_NAME_ROOM = 200
"""Pixels of the missed-contact notice for the customer's name (then "…")."""
LOGOUT_ID = "logout"
"""The item data of the selector's "Log out" item."""


def state_text(phase: str, reason: str | None) -> str:
    """``Not Ready: Lunch`` and the like: what the selector and ``agentStateLabel`` show."""
    name = _NAMES.get(phase, phase)
    return f"{name}: {reason}" if reason else name


def state_id(phase: str, reason: str | None) -> str:
    """``not_ready:Lunch`` and the like: the selector's item data for a state."""
    return f"{phase}:{reason}" if reason else phase


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
        self.combo.setToolTip("Your state: choose Ready, a Not Ready reason, or Log out")
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        # currentIndexChanged, not activated: a test may select by id with setCurrentIndex.
        # Following the engine blocks signals, so only a choice (click, key, test) acts.
        self.combo.currentIndexChanged.connect(self._chosen)
        self.timer = plain_label("", "agentStateTimer", parent=self)
        self.timer.setToolTip("Time in this state")
        self.next_state = plain_label("", "agentNextState", parent=self)
        self.next_state.setToolTip("The state you chose while busy: it applies when the work ends")
        self.login = button("agentLoginButton", "Log in", "log-in", tone="accent", parent=self)
        self.login.clicked.connect(self._login)
        self.login.hide()
        self.missed = QWidget(self)
        self.missed.setObjectName("missedCallNotice")
        self.missed.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        missed_row = QHBoxLayout(self.missed)
        missed_row.setContentsMargins(10, 2, 2, 2)
        missed_row.setSpacing(4)
        # Elided where the bar has no room: the whole name asked for one line of the agent
        # bar, and the window grew past the screen's edge.
        self.missed_text = plain_label("", "missedCallText", elide=True, parent=self.missed)
        self.missed.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        missed_row.addWidget(self.missed_text, 1)
        dismiss = tool_button("dismissMissedButton", "x", "Dismiss", self.missed)
        dismiss.clicked.connect(self._dismiss_missed)
        missed_row.addWidget(dismiss)
        self.missed.hide()
        # Elided where the bar has no room: whole, it held the window 1107 px wide on a
        # 1024 px screen (its right edge, the status bar's clock, out of reach). Shown from
        # ``complete()`` on: the eliding label's paint is Python's, which made PySide build
        # QEvent's enums for the first paint.
        self.tenant = plain_label("", "tenantLabel", elide=True, parent=self)
        self.tenant.hide()
        self._complete = False
        # Never squeezed below its text (`Not Ready: No Answe`): the bar's other items give.
        self.combo.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout.addWidget(avatar)
        layout.addWidget(self.name)
        layout.addSpacing(12)
        layout.addWidget(self.indicator)
        layout.addWidget(self.combo)
        layout.addWidget(self.timer)
        layout.addWidget(self.next_state)
        layout.addWidget(self.login)
        layout.addSpacing(12)
        layout.addWidget(self.missed)
        layout.addStretch(1)
        layout.addWidget(self.tenant)

    def attach(self, bridge: SimBridge) -> None:
        """Show ``bridge``'s agent."""
        self._bridge = bridge
        sim = bridge.sim
        agent = sim.profile  # this desktop's agent (the tenant's, or a colleague's)
        self.name.setText(f"{agent.display_name} · ext. {agent.extension}")
        self.tenant.setText(f"{sim.tenant.name} · seed {sim.seed} · adApi {sim.api_version.value}")
        bridge.noticeArrived.connect(self._notice)
        self.refresh()

    def _notice(self, notice: Notice) -> None:
        """A ring-out: say who was missed and why the agent is Not Ready now (next to the state
        it explains), until dismissed."""
        if notice.kind != "missed" or self._bridge is None:
            return
        sim = self._bridge.sim
        inter = next((i for i in sim.finished if i.id == notice.interaction_id), None)
        who = inter.display_name if inter is not None else "a customer"
        kind = inter.type.value if inter is not None else ""
        media = {"chat": "chat", "email": "email"}.get(kind, "call")
        at = clock_text(notice.time_ms)[:8]
        state = self.current_text()
        # Two short lines: the bar stays narrow enough for the window's smallest width. A long
        # name ends in "…" (whole in the tooltip), the time after it still shown.
        name = self.missed_text.fontMetrics().elidedText(
            who, Qt.TextElideMode.ElideRight, MISSED_NAME_ROOM
        )
        self.missed_text.setText(f"Missed {media} from {name} at {at}\nYou were set to {state}")
        self.missed.setToolTip(
            tip(
                f"Missed {media} from {who} at {at}. You were set to {state}. Choose Ready to "
                "take contacts again; the interaction is in the history."
            )
        )
        self.missed_text.setToolTip(self.missed.toolTip())
        # The notice takes the tenant's room while it shows (the tenant's name came back cut).
        self.tenant.hide()
        self.missed.show()

    def _dismiss_missed(self) -> None:
        self.missed.hide()
        self.tenant.setVisible(self._complete)

    def complete(self) -> None:
        """The window is usable: show the tenant's label (unless the missed notice has its
        room)."""
        self._complete = True
        self.tenant.setVisible(self.missed.isHidden())

    def current_text(self) -> str:
        """The engine's state and reason as words (``agentStateLabel`` shows the same)."""
        if self._bridge is None:
            return ""
        agent = self._bridge.sim.agent
        return state_text(str(agent.phase), agent.reason)

    def refresh(self) -> None:
        """Follow the engine's agent state."""
        if self._bridge is None:
            return
        sim = self._bridge.sim
        agent = sim.agent
        phase = str(agent.phase)
        reasons = tuple(sim.tenant.not_ready_reasons)
        current = state_id(phase, agent.reason)
        selectable = {"ready", *(state_id("not_ready", r) for r in reasons)}
        shown_only = None if current in selectable else (phase, agent.reason)
        can_log_out = not sim.interactions
        signature = (agent.logged_in, shown_only, reasons, can_log_out)
        if signature != self._signature:
            self._rebuild(agent.logged_in, shown_only, reasons, can_log_out)
            self._signature = signature
        self._select(current)
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

    def _rebuild(
        self,
        logged_in: bool,
        shown_only: tuple[str, str | None] | None,
        reasons: tuple[str, ...],
        can_log_out: bool,
    ) -> None:
        combo = self.combo
        combo.blockSignals(True)
        combo.clear()
        disabled: list[int] = []
        if not logged_in:
            combo.addItem(icon("log-out"), _NAMES["logged_out"], "logged_out")
            disabled.append(0)
        else:
            if shown_only is not None:
                # A state the agent cannot choose, shown while the system holds it.
                phase, reason = shown_only
                marker = self._dot(phase) if phase in ("not_ready", "supervising") else None
                combo.addItem(
                    marker or icon("clock"), state_text(phase, reason), state_id(phase, reason)
                )
                disabled.append(0)
            combo.addItem(self._dot("ready"), "Ready", "ready")
            for reason in reasons:
                combo.addItem(
                    self._dot("not_ready"),
                    state_text("not_ready", reason),
                    state_id("not_ready", reason),
                )
            combo.addItem(icon("log-out"), "Log out", LOGOUT_ID)
            if not can_log_out:
                disabled.append(combo.count() - 1)
                combo.setItemData(
                    combo.count() - 1,
                    "Finish your interactions before logging out",
                    Qt.ItemDataRole.ToolTipRole,
                )
        model = combo.model()
        if isinstance(model, QStandardItemModel):
            for row in disabled:
                item = model.item(row)
                if item is not None:
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

    def _select(self, wanted: str) -> None:
        row = self.combo.findData(wanted)
        if row >= 0 and row != self.combo.currentIndex():
            self.combo.blockSignals(True)
            self.combo.setCurrentIndex(row)
            self.combo.blockSignals(False)

    def _chosen(self, row: int) -> None:
        if self._bridge is None or row < 0:
            return
        value = str(self.combo.itemData(row) or "")
        if value == LOGOUT_ID:
            self._bridge.act("logout")
        elif value == "ready":
            self._bridge.act("set_agent_state", "ready", None)
        elif value.startswith("not_ready:"):
            self._bridge.act("set_agent_state", "not_ready", value.split(":", 1)[1])
        # Whatever happened, show the engine's state again (while busy the choice is the next
        # state, shown beside the selector; a refusal leaves the state as it was).
        self._signature = None
        self.refresh()

    def _login(self) -> None:
        if self._bridge is not None:
            self._bridge.act("login")
