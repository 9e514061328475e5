"""The timeline: each interaction as a bar of its states over time, its events as marks.

The bars come from the engine's state history of every interaction (live and finished); the
marks come from the event log. Hovering a mark names the event; a click selects it in the
inspector's event table (``eventClicked``).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from simulator.gui.panels.interactions import MEDIA_ICONS
from simulator.gui.theme.icons import icon
from simulator.gui.theme.palette import colors, state_color
from simulator.gui.times import clock_text

if TYPE_CHECKING:
    from simulator.engine import Interaction
    from simulator.gui.bridge import SimBridge

__all__ = ["Timeline"]

_LEGEND = (
    ("Ringing", "delivery_pending"),
    ("Connected", "delivered"),
    ("On hold", "hold"),
    ("IVR", "ivr"),
    ("Wrap-up", "wrap_up"),
)
_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


@dataclass(frozen=True, slots=True)
class _Mark:
    x: float
    y: float
    seq: int
    name: str
    time_ms: int


class Timeline(QWidget):
    """Draws interactions as rows of coloured state segments with event marks."""

    eventClicked = Signal(int)
    """The sequence number of the event mark clicked."""

    ROW = 34
    TOP = 40
    LABEL = 190
    MARGIN = 16

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._bridge: SimBridge | None = None
        self._marks_by_id: dict[str, list[tuple[int, int, str]]] = {}
        self._seen = 0
        self._hit: list[_Mark] = []

    def attach(self, bridge: SimBridge) -> None:
        """Draw ``bridge``'s interactions."""
        self._bridge = bridge
        self.refresh()

    def sizeHint(self) -> QSize:
        """Tall enough for every row."""
        return QSize(600, self.TOP + max(3, self._row_count()) * self.ROW + self.MARGIN)

    def minimumSizeHint(self) -> QSize:
        """At least a few rows."""
        return QSize(300, self.sizeHint().height())

    def refresh(self) -> None:
        """Take in new events and repaint."""
        if self._bridge is None:
            return
        log = self._bridge.events
        if len(log) < self._seen:
            self._marks_by_id.clear()
            self._seen = 0
        for position in range(self._seen, len(log)):
            iid = log.interaction_ids[position]
            if iid is not None:
                event = log.events[position]
                self._marks_by_id.setdefault(iid, []).append(
                    (event.time_ms, event.seq, log.names[position])
                )
        self._seen = len(log)
        self.setMinimumHeight(self.sizeHint().height())
        self.update()

    def _row_count(self) -> int:
        # Counted, not sorted: asked at every event, over every interaction of the session.
        if self._bridge is None:
            return 0
        sim = self._bridge.sim
        return len(sim.finished) + len(sim.interactions)

    def _rows(self) -> list[Interaction]:
        if self._bridge is None:
            return []
        sim = self._bridge.sim
        rows = [*sim.finished, *sim.interactions]
        return sorted(rows, key=lambda inter: inter.created_ms)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        """Axis, legend, one bar per interaction, event marks."""
        c = colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(c.panel))
        rows = self._rows()
        self._hit = []
        font = QFont(self.font())
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        if self._bridge is None or not rows:
            painter.setPen(QColor(c.muted))
            painter.drawText(
                self.rect(),
                int(Qt.AlignmentFlag.AlignCenter),
                "The timeline draws each interaction here once there is one.",
            )
            painter.end()
            return
        now = self._bridge.sim.now_ms
        start = min(inter.created_ms for inter in rows)
        end = max(now, start + 10_000)
        left = self.LABEL
        width = max(50.0, self.width() - left - self.MARGIN)
        scale = width / (end - start)

        def x_of(ms: int) -> float:
            return left + (ms - start) * scale

        # the axis
        painter.setFont(small)
        step = next((s for s in _STEPS_S if s * 1000 * scale >= 90), _STEPS_S[-1]) * 1000
        first_tick = start - start % step + step
        grid = QColor(c.border)
        bottom = self.TOP + len(rows) * self.ROW
        tick = first_tick
        while tick <= end:
            x = x_of(tick)
            painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, self.TOP - 6), QPointF(x, bottom))
            painter.setPen(QColor(c.muted))
            painter.drawText(
                QRectF(x - 40, 4, 80, 16), int(Qt.AlignmentFlag.AlignCenter), clock_text(tick)[:8]
            )
            tick += step
        self._legend(painter)
        # the rows: only those on screen. A tester's day of calls is thousands of rows, and
        # painting each (with its marks) on every event made each call slower than the last.
        shown = event.rect().united(self.visibleRegion().boundingRect())
        first = max(0, (shown.top() - self.TOP) // self.ROW)
        last = min(len(rows), (shown.bottom() - self.TOP) // self.ROW + 1)
        for row in range(first, last):
            inter = rows[row]
            top = self.TOP + row * self.ROW
            if row % 2:
                painter.fillRect(QRectF(0, top, self.width(), self.ROW), QColor(c.alt))
            media = icon(MEDIA_ICONS.get(inter.type.value, "phone"), c.muted)
            painter.drawPixmap(10, int(top + self.ROW / 2 - 8), media.pixmap(16, 16))
            painter.setFont(font)
            painter.setPen(QColor(c.text))
            label = painter.fontMetrics().elidedText(
                inter.display_name, Qt.TextElideMode.ElideRight, left - 44
            )
            painter.drawText(
                QRectF(32, top, left - 40, self.ROW), int(Qt.AlignmentFlag.AlignVCenter), label
            )
            bar_top = top + self.ROW / 2 - 7
            history = inter.history or [(inter.created_ms, inter.state.value)]
            for index, (since, state) in enumerate(history):
                if state == "completed":
                    break
                until = history[index + 1][0] if index + 1 < len(history) else now
                rect = QRectF(x_of(since), bar_top, max(2.0, x_of(until) - x_of(since)), 14)
                path = QPainterPath()
                path.addRoundedRect(rect, 4, 4)
                painter.fillPath(path, QColor(state_color(state, c)))
            # event marks
            marks = self._marks_by_id.get(inter.id, [])
            painter.setPen(QPen(QColor(c.text), 1.2))
            for time_ms, seq, name in marks:
                x = x_of(time_ms)
                y = bar_top - 3
                diamond = QPainterPath()
                diamond.moveTo(x, y - 4)
                diamond.lineTo(x + 4, y)
                diamond.lineTo(x, y + 4)
                diamond.lineTo(x - 4, y)
                diamond.closeSubpath()
                painter.fillPath(diamond, QColor(c.panel))
                painter.drawPath(diamond)
                self._hit.append(_Mark(x, y, seq, name, time_ms))
        # now
        painter.setPen(QPen(QColor(c.accent), 1.5))
        x_now = x_of(now)
        painter.drawLine(QPointF(x_now, self.TOP - 8), QPointF(x_now, bottom))
        painter.end()
        self._hit.sort(key=lambda mark: mark.x)

    def _legend(self, painter: QPainter) -> None:
        palette = colors()
        x = float(self.LABEL)
        y = 22.0
        metrics = painter.fontMetrics()
        for caption, state in _LEGEND:
            painter.fillRect(QRectF(x, y + 3, 10, 10), QColor(state_color(state, palette)))
            painter.setPen(QColor(palette.muted))
            painter.drawText(QPointF(x + 14, y + 12), caption)
            x += 14 + metrics.horizontalAdvance(caption) + 16
        painter.setPen(QColor(palette.muted))
        painter.drawText(QPointF(x, y + 12), "◇ event")

    # ------------------------------------------------------------------ pointing

    def marks(self) -> list[tuple[int, QPointF]]:
        """Where each event mark was drawn at the last paint: (event seq, point); only the
        rows on screen are drawn."""
        return [(mark.seq, QPointF(mark.x, mark.y)) for mark in self._hit]

    def _mark_at(self, x: float, y: float) -> _Mark | None:
        xs = [mark.x for mark in self._hit]
        index = bisect_left(xs, x - 6)
        best: _Mark | None = None
        best_distance = 7.0
        while index < len(self._hit) and self._hit[index].x <= x + 6:
            mark = self._hit[index]
            distance = abs(mark.x - x) + abs(mark.y - y)
            if distance < best_distance:
                best, best_distance = mark, distance
            index += 1
        return best

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Name the event under the pointer."""
        position = event.position()
        mark = self._mark_at(position.x(), position.y())
        if mark is not None:
            QToolTip.showText(
                event.globalPosition().toPoint(),
                f"#{mark.seq} {mark.name}\n{clock_text(mark.time_ms)}",
                self,
            )
        else:
            QToolTip.hideText()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Select the clicked event in the inspector."""
        position = event.position()
        mark = self._mark_at(position.x(), position.y())
        if mark is not None:
            self.eventClicked.emit(mark.seq)
