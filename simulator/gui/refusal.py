"""A refused action explains itself next to the control that asked for it.

The status bar says it too, but a tester looks at the button they pressed: the note appears just
below that control (``refusalNote``, its ``control`` property naming the control), in the error
colour, until the next action succeeds, another is refused, or ten seconds pass.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QLabel, QWidget

from simulator.gui.long_lines import tip

__all__ = ["RefusalNote"]

_SHOWN_MS = 10_000
_WIDTH = 340


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

    def show_for(self, control: QWidget | None, name: str, text: str) -> None:
        """Show ``text`` below ``control`` (named ``name``), or below the window's top edge when
        the control is not on screen."""
        self.setText(tip(text))  # a refusal quoting a megabyte froze the window (long_lines)
        self.setProperty("control", name)
        self.adjustSize()
        window = self._window
        # Only a control inside the window itself (not in a floating dock) can anchor the note.
        if control is not None and control.isVisible() and control.window() is window:
            anchor = control.mapTo(window, QPoint(0, control.height() + 4))
        else:
            anchor = QPoint(window.width() // 2 - self.width() // 2, 60)
        x = max(4, min(anchor.x(), window.width() - self.width() - 4))
        y = max(4, min(anchor.y(), window.height() - self.height() - 4))
        self.move(x, y)
        self.show()
        self.raise_()
        self._timer.start(_SHOWN_MS)

    def dismiss(self) -> None:
        """Hide the note."""
        self._timer.stop()
        self.setProperty("control", "")
        self.hide()

    def mousePressEvent(self, event: object) -> None:
        """A click on the note dismisses it."""
        self.dismiss()
