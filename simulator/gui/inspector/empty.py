"""An empty state: a view, or a sentence saying why it is empty and what to do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from simulator.gui.controls import plain_label

__all__ = ["EmptyState"]


class EmptyState(QStackedWidget):
    """Shows ``content`` when there is something in it, else the text (``<name>`` QLabel)."""

    def __init__(self, name: str, content: QWidget, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.label = plain_label(text, name, role="empty")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # Little above and below: centred, the sentence needs no more, and in a short pane
        # (the changes at 1440x900 with a call: 56 px) 12 px there cut its second line.
        self.label.setContentsMargins(12, 4, 12, 4)
        self.addWidget(self.label)
        self.addWidget(content)
        self.content = content

    def set_text(self, text: str) -> None:
        """What the empty state says."""
        self.label.setText(text)

    def show_content(self, shown: bool) -> None:
        """The view (True) or the sentence (False)."""
        self.setCurrentIndex(1 if shown else 0)

    @property
    def is_empty(self) -> bool:
        """Whether the sentence is showing."""
        return self.currentIndex() == 0
