"""The list of active interactions: several at once, the active one highlighted, a timer each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QWidget,
)

from simulator.gui.controls import card_in, plain_label, section
from simulator.gui.panels.models import InteractionListModel
from simulator.gui.theme.icons import icon
from simulator.gui.theme.palette import colors, state_color
from simulator.gui.times import clock_text, duration_text

if TYPE_CHECKING:
    # Annotations only: a Qt class used in Python has its enums built (no row is painted
    # before the first paint).
    from PySide6.QtCore import QPersistentModelIndex
    from PySide6.QtWidgets import QStyleOptionViewItem

    from simulator.engine import Interaction, Notice
    from simulator.gui.bridge import SimBridge

__all__ = ["InteractionDelegate", "InteractionsPanel", "detail_text"]

MEDIA_ICONS = {"voice": "phone", "chat": "chat", "email": "mail"}
STATE_NAMES = {
    "delivery_pending": "Ringing",
    "unknown": "Dialling",
    "delivered": "Connected",
    "hold": "On hold",
    "ivr": "In IVR",
    "IVR": "In IVR",
    "wrap_up": "Wrap-up",
    "wrap_up_hold": "Wrap-up",
    "completed": "Completed",
}
"""How the agent desktop names interaction states."""

M = InteractionListModel


def detail_text(metrics: QFontMetrics, service: str, flags: str, width: int) -> str:
    """A row's words after its state: ``· service · flags`` in ``width`` pixels, the service
    elided first, so what holds for the call now (``rec``, ``muted`` ...) stays whole beside a
    long service name (``· Customer Su… · rec``)."""
    elide = Qt.TextElideMode.ElideRight
    if not flags:
        return metrics.elidedText(f"· {service}", elide, width) if service else ""
    tail = f"· {flags}"
    if service:
        room = width - metrics.horizontalAdvance(f" {tail}")
        head = metrics.elidedText(f"· {service}", elide, room) if room > 0 else ""
        if head and head != "…":
            return f"{head} {tail}"
    return metrics.elidedText(tail, elide, width)


class InteractionDelegate(QStyledItemDelegate):
    """Paints one interaction: media icon, name, state and service, live timer."""

    HEIGHT = 58

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Rows of fixed height."""
        return QSize(option.rect.width(), self.HEIGHT)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the row (text is drawn as plain text, never interpreted)."""
        c = colors()
        rect: QRect = option.rect.adjusted(4, 3, -4, -3)
        active = bool(index.data(M.ActiveRole))
        state = str(index.data(M.StateRole) or "")
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        path = QPainterPath()
        path.addRoundedRect(rect, 8, 8)
        # ``QStyle.StateFlag`` through the value: importing ``QStyle`` here would build its
        # enums (~7 ms) at every start, before any row is painted.
        view_state = option.state
        hovered = bool(view_state & type(view_state).State_MouseOver)
        if active:
            painter.fillPath(path, QColor(c.accent_soft))
            painter.fillRect(
                QRect(rect.left(), rect.top() + 6, 4, rect.height() - 12), QColor(c.accent)
            )
        elif hovered:
            painter.fillPath(path, QColor(c.alt))
        accent = QColor(state_color(state))
        media = str(index.data(M.MediaRole) or "voice")
        pixmap = icon(MEDIA_ICONS.get(media, "phone"), accent.name()).pixmap(QSize(22, 22))
        painter.drawPixmap(rect.left() + 12, rect.top() + (rect.height() - 22) // 2, pixmap)
        text_left = rect.left() + 44
        timer_width = 64
        name_rect = QRect(text_left, rect.top() + 7, rect.width() - 44 - timer_width - 8, 20)
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(c.text))
        name = painter.fontMetrics().elidedText(
            str(index.data(M.NameRole) or ""), Qt.TextElideMode.ElideRight, name_rect.width()
        )
        painter.drawText(
            name_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), name
        )
        small = QFont(option.font)
        small.setPointSizeF(max(7.0, option.font.pointSizeF() - 1))
        painter.setFont(small)
        line2 = QRect(text_left, rect.top() + 29, name_rect.width(), 18)
        state_name = STATE_NAMES.get(state, state)
        painter.setPen(accent)
        metrics = painter.fontMetrics()
        painter.drawText(
            line2, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), state_name
        )
        service = str(index.data(M.ServiceRole) or "")
        flags = str(index.data(M.FlagsRole) or "")
        if service or flags:
            offset = metrics.horizontalAdvance(state_name + "  ")
            painter.setPen(QColor(c.muted))
            rest_rect = line2.adjusted(offset, 0, 0, 0)
            painter.drawText(
                rest_rect,
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                detail_text(metrics, service, flags, rest_rect.width()),
            )
        timer_rect = QRect(rect.right() - timer_width - 8, rect.top(), timer_width, rect.height())
        painter.setFont(font)
        painter.setPen(QColor(c.text if active else c.muted))
        remaining = index.data(M.RemainingRole)
        if remaining is not None:
            # Ringing with a ring timeout: count down to it, in the ringing colour.
            painter.setPen(accent)
            timer_text = "−" + duration_text(remaining + 999)
        else:
            timer_text = duration_text(index.data(M.ElapsedRole) or 0)
        painter.drawText(
            timer_rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), timer_text
        )
        painter.restore()


def _outcome(inter: Interaction, missed: set[str]) -> str:
    """How a finished interaction ended, in the words of the history list."""
    if inter.id in missed:
        return "Missed"
    states = {state.value if hasattr(state, "value") else str(state) for _, state in inter.history}
    if states & {"delivered", "hold", "wrap_up", "wrap_up_hold", "ivr", "IVR"}:
        return "Done"
    return "Not answered"


class InteractionsPanel(QWidget):
    """The interactions card: the list, the queue count and the history."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._bridge: SimBridge | None = None
        self.model: InteractionListModel | None = None
        self._missed: set[str] = set()
        self._history_shown = 0
        frame, layout = card_in(self, "interactionsPanel", margins=10, spacing=6)
        layout.addWidget(section("Interactions"))
        self.view = QListView(frame)
        self.view.setObjectName("interactionList")
        self.view.setItemDelegate(InteractionDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setMouseTracking(True)
        self.view.setUniformItemSizes(True)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setFrameShape(QListView.Shape.NoFrame)
        self.view.setStyleSheet(
            "QListView#interactionList { border: none; background: transparent; }"
        )
        self.view.clicked.connect(self._clicked)
        self.view.activated.connect(self._clicked)
        self.empty = plain_label(
            "No interactions. Go Ready, or make one from the customer side.",
            role="empty",
            parent=frame,
        )
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.queue = plain_label("", "queueLabel", role="muted", elide=True, parent=frame)
        self.queue.hide()  # until an offer waits (not painted, empty, at the first paint)
        self.history = QListWidget(frame)
        self.history.setObjectName("interactionHistory")
        self.history.setMaximumHeight(62)
        self.history.setToolTip("Interactions that ended, newest first")
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.queue)
        self.history_title = section("History")
        layout.addWidget(self.history_title)
        layout.addWidget(self.history)
        self.history.hide()

    def attach(self, bridge: SimBridge) -> None:
        """List ``bridge``'s interactions."""
        self._bridge = bridge
        self.model = InteractionListModel(bridge.sim, self, names=lambda: bridge.names)
        self.view.setModel(self.model)
        bridge.noticeArrived.connect(self._notice)
        self.refresh()

    def _notice(self, notice: Notice) -> None:
        if notice.kind != "missed" or notice.interaction_id is None:
            return
        self._missed.add(notice.interaction_id)
        self._history_shown = -1  # relabel: the row may already be listed

    def _sync_history(self) -> None:
        if self._bridge is None:
            return
        finished = self._bridge.sim.finished
        if len(finished) == self._history_shown:
            return
        self._history_shown = len(finished)
        self.history_title.setText(
            f"HISTORY ({len(finished)})" if finished else "HISTORY: NONE YET"
        )
        self.history.setVisible(bool(finished))
        self.history.clear()
        for inter in reversed(finished[-50:]):
            ended = inter.history[-1][0] if inter.history else inter.created_ms
            outcome = _outcome(inter, self._missed)
            item = QListWidgetItem(
                f"{outcome} · {inter.display_name} · {inter.type.value} · {clock_text(ended)[:8]}"
            )
            item.setData(Qt.ItemDataRole.UserRole, inter.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, outcome)
            self.history.addItem(item)

    def refresh(self) -> None:
        """Follow the engine's list."""
        if self._bridge is None or self.model is None:
            return
        self.model.sync()
        count = self.model.rowCount()
        self.view.setVisible(count > 0)
        self.empty.setVisible(count == 0)
        agent = self._bridge.sim.agent
        if not agent.logged_in:
            self.empty.setText("No interactions. Log in from the agent bar.")
        elif str(agent.phase) == "ready":
            self.empty.setText("No interactions yet. You are Ready: contacts will come in.")
        else:
            self.empty.setText("No interactions. Choose Ready to take contacts.")
        queued = self._bridge.sim.queued
        if queued:
            names = ", ".join(f"{offer.type.value} ({offer.service.name})" for offer in queued)
            self.queue.setText(f"Waiting in queue: {len(queued)} · {names}")
        else:
            self.queue.setText("")
        self.queue.setVisible(bool(queued))
        self._sync_history()

    def tick(self) -> None:
        """Repaint the live timers."""
        if self.model is not None:
            self.model.repaint()

    def switch_to_row(self, row: int) -> None:
        """Make the interaction on ``row`` active (Ctrl+1…9)."""
        if self._bridge is None or self.model is None or not 0 <= row < self.model.rowCount():
            return
        self._bridge.act("switch_active_interaction", self.model.id_at(row))

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.switch_to_row(index.row())
