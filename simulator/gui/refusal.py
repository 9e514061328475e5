"""A refused action explains itself next to the control that asked for it.

The status bar says it too, but a tester looks at the button they pressed: the note appears just
below that control (``refusalNote``, its ``control`` property naming the control), in the error
colour, until the next action succeeds, another is refused, a click anywhere in the window, or
ten seconds pass.

Below a control there is always something else (the call page is dense): of the places right
under it (aligned with its left or its right edge, wide or narrow), the note takes the one that
covers least of what is around, a section's title or an enabled control weighing most (a narrow
note under Blind transfer covered the PARTIES title for its ten seconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from simulator.gui.long_lines import tip

if TYPE_CHECKING:
    # Not at import: PySide builds ``QEvent``'s enums as the name is first asked for, and
    # the window's first paint does without them.
    from PySide6.QtCore import QEvent

__all__ = ["RefusalNote"]

_SHOWN_MS = 10_000
_WIDTH = 340
_NARROWEST = 200
_GAP = 4
_OBSTACLES = (
    QAbstractButton,
    QLabel,
    QLineEdit,
    QComboBox,
    QAbstractItemView,
    QTextEdit,
    QPlainTextEdit,
)


class RefusalNote(QLabel):
    """The engine's refusal, in a small bubble below the control."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("refusalNote")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setProperty("role", "refusal")
        self.setProperty("control", "")
        self.setMaximumWidth(_WIDTH)
        self.hide()
        self._window = window
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        # Made at the first refusal: a Python ``eventFilter`` made with the window had PySide
        # build ``QEvent``'s enums for its first paint.
        self._clicks: _ClickAnywhere | None = None

    def show_for(self, control: QWidget | None, name: str, text: str) -> None:
        """Show ``text`` below ``control`` (named ``name``), or below the window's top edge when
        the control is not on screen."""
        self.setText(tip(text))  # a refusal quoting a megabyte froze the window (long_lines)
        self.setProperty("control", name)
        window = self._window
        # Only a control inside the window itself (not in a floating dock) can anchor the note.
        if control is not None and control.isVisible() and control.window() is window:
            place = self._best_place(control)
        else:
            self.adjustSize()
            place = QRect(QPoint(window.width() // 2 - self.width() // 2, 60), self.size())
        self.setGeometry(self._inside(place))
        self.show()
        self.raise_()
        self._timer.start(_SHOWN_MS)
        app = QApplication.instance()
        if app is not None:  # only while shown: no Python filter on every event otherwise
            if self._clicks is None:
                self._clicks = _ClickAnywhere(self)
            app.installEventFilter(self._clicks)

    def dismiss(self) -> None:
        """Hide the note."""
        self._timer.stop()
        self.setProperty("control", "")
        self.hide()
        app = QApplication.instance()
        if app is not None and self._clicks is not None:
            app.removeEventFilter(self._clicks)

    def mousePressEvent(self, event: object) -> None:
        """A click on the note dismisses it."""
        self.dismiss()

    # ------------------------------------------------------------------ where it goes

    def _size(self, width: int) -> QSize:
        """The note's size at most ``width`` wide (its text wrapped to it)."""
        margins = self.contentsMargins()
        inner = max(1, width - margins.left() - margins.right())
        height = self.heightForWidth(width)
        if height < 0:
            height = (
                self.fontMetrics()
                .boundingRect(QRect(0, 0, inner, 10_000), Qt.TextFlag.TextWordWrap, self.text())
                .height()
            )
        return QSize(width, height)

    def _best_place(self, control: QWidget) -> QRect:
        """Right under ``control``: the place (left- or right-aligned, wide or narrow) that
        covers least of the window's visible controls and titles."""
        window = self._window
        anchor = QRect(control.mapTo(window, QPoint(0, 0)), control.size())
        self.adjustSize()
        natural = min(self.width(), _WIDTH)
        widths = sorted({natural, _WIDTH, max(_NARROWEST, anchor.width())})
        obstacles = self._obstacles(control)
        best: tuple[int, int, QRect] | None = None
        for order, width in enumerate(widths):
            size = self._size(width)
            top = anchor.bottom() + 1 + _GAP
            for align, left in enumerate((anchor.left(), anchor.right() + 1 - width)):
                place = self._inside(QRect(QPoint(left, top), size))
                cost = sum(weight * _area(place.intersected(rect)) for rect, weight in obstacles)
                rank = (cost, order * 2 + align)
                if best is None or rank < best[:2]:
                    best = (cost, order * 2 + align, place)
        assert best is not None
        return best[2]

    def _obstacles(self, control: QWidget) -> list[tuple[QRect, int]]:
        """What the note should not cover, in window coordinates, with how much it matters:
        the control it explains most, then section titles and enabled controls."""
        window = self._window
        found: list[tuple[QRect, int]] = []
        for widget in window.findChildren(QWidget):
            if widget is self or not isinstance(widget, _OBSTACLES):
                continue
            if not widget.isVisible() or widget.window() is not window:
                continue
            seen = widget.visibleRegion().boundingRect()
            if seen.isEmpty():
                continue
            if isinstance(widget, QLabel):
                text = widget.text()
                if not text and widget.pixmap().isNull():
                    continue
                # A title stretches over its column: only its words count.
                seen.setWidth(min(seen.width(), widget.fontMetrics().horizontalAdvance(text) + 8))
            rect = QRect(widget.mapTo(window, seen.topLeft()), seen.size())
            if widget is control:
                weight = 100
            elif isinstance(widget, QLabel) and widget.property("role") == "section":
                weight = 20  # the page's structure: a covered title is a page misread
            elif isinstance(widget, QLabel):
                weight = 2
            else:
                weight = 4 if widget.isEnabled() else 2
            found.append((rect, weight))
        return found

    def _inside(self, place: QRect) -> QRect:
        """``place`` moved inside the window (4 px from its edges)."""
        window = self._window
        x = max(4, min(place.x(), window.width() - place.width() - 4))
        y = max(4, min(place.y(), window.height() - place.height() - 4))
        return QRect(QPoint(x, y), place.size())


def _area(rect: QRect) -> int:
    return max(0, rect.width()) * max(0, rect.height()) if rect.isValid() else 0


class _ClickAnywhere(QObject):
    """While the note shows: a mouse press anywhere in its window dismisses it."""

    def __init__(self, note: RefusalNote):
        super().__init__(note)
        self._note = note

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Dismiss the note at a press in its window (the press goes on as usual)."""
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.MouseButtonPress and isinstance(watched, QWidget):
            note = self._note
            if watched.window() is note.window() and watched is not note:
                note.dismiss()
        return False
