"""Building blocks every panel uses: named buttons, plain-text labels, section titles, cards.

Every label that can show text from a payload, a customer or a handler is created here with
``Qt.PlainText``, so a customer named ``<b>x</b>`` shows its angle brackets.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.theme.icons import set_icon

__all__ = ["button", "card", "card_in", "plain_label", "section", "tool_button"]


def button(
    name: str,
    text: str,
    icon: str | None = None,
    *,
    tone: str | None = None,
    tooltip: str | None = None,
    checkable: bool = False,
    parent: QWidget | None = None,
) -> QPushButton:
    """A push button with a stable ``objectName``, an icon and an optional colour tone."""
    widget = QPushButton(text, parent)
    widget.setObjectName(name)
    if icon:
        set_icon(widget, icon, "on_accent" if tone else None)
    if tone:
        widget.setProperty("tone", tone)
    if tooltip:
        widget.setToolTip(tooltip)
    widget.setCheckable(checkable)
    widget.setEnabled(False)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    return widget


def tool_button(name: str, icon: str, tooltip: str, parent: QWidget | None = None) -> QToolButton:
    """A small icon-only button."""
    widget = QToolButton(parent)
    widget.setObjectName(name)
    set_icon(widget, icon)
    widget.setToolTip(tooltip)
    widget.setAutoRaise(True)
    return widget


def plain_label(
    text: str = "",
    name: str | None = None,
    *,
    role: str | None = None,
    selectable: bool = False,
    parent: QWidget | None = None,
) -> QLabel:
    """A label that never interprets its text as rich text."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    if name:
        label.setObjectName(name)
    if role:
        label.setProperty("role", role)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def section(text: str, parent: QWidget | None = None) -> QLabel:
    """A small upper-case heading over a group of controls."""
    label = plain_label(text.upper(), role="section", parent=parent)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return label


def card(name: str, parent: QWidget | None = None) -> QFrame:
    """A rounded panel."""
    frame = QFrame(parent)
    frame.setObjectName(name)
    frame.setProperty("card", True)
    return frame


def card_in(
    owner: QWidget, name: str, *, margins: int = 10, spacing: int = 6
) -> tuple[QFrame, QVBoxLayout]:
    """Fill ``owner`` with a card named ``name``; returns the card and its inner layout."""
    frame = card(name, owner)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(frame)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margins, margins, margins, margins)
    layout.setSpacing(spacing)
    return frame, layout
