"""Building blocks every panel uses: named buttons, plain-text labels, section titles, cards.

Every label that can show text from a payload, a customer or a handler is created here with
``Qt.PlainText``, so a customer named ``<b>x</b>`` shows its angle brackets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from simulator.gui.long_lines import tip
from simulator.gui.theme.icons import set_icon

if TYPE_CHECKING:  # not at run time: making QEvent's class at start costs its first paint
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QPaintEvent
    from PySide6.QtWidgets import QStyleOptionComboBox

__all__ = [
    "ElidedComboBox",
    "ElidedLabel",
    "ScrollingPanel",
    "VerticalScroll",
    "button",
    "card",
    "card_in",
    "guard_wheel",
    "plain_label",
    "scrolling",
    "section",
    "tool_button",
]


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


class ElidedLabel(QLabel):
    """A label whose lines end in "…" where they do not fit: a long customer name was cut
    mid-word with nothing to say so. ``text()`` stays the whole text (tests read it), and so
    does the tooltip, up to ``long_lines.TIP_LIMIT`` characters."""

    def setText(self, text: str) -> None:
        """Show ``text`` (elided when narrow); the tooltip is the whole of it (a megabyte's
        start, and how much more: a tooltip of 1 MB took 9 s to show)."""
        super().setText(text)
        self.setToolTip(tip(text))

    def shown_text(self) -> str:
        """What the label paints at its width: each line whole, or its start and "…"."""
        metrics, width = self.fontMetrics(), max(self.contentsRect().width(), 0)
        return "\n".join(
            metrics.elidedText(line, Qt.TextElideMode.ElideRight, width)
            for line in self.text().split("\n")
        )

    def minimumSizeHint(self) -> QSize:
        """Narrow: the layout may give it less than its text, it elides."""
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("W…")), hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        """QLabel's own painting when the text fits (selection included), else the elided."""
        shown = self.shown_text()
        if shown == self.text():
            super().paintEvent(event)
            return
        painter = QPainter(self)
        self.style().drawItemText(
            painter,
            self.contentsRect(),
            int(self.alignment()),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )


class ElidedComboBox(QComboBox):
    """A combo box whose shown choice ends in "…" where it does not fit: QComboBox cut it
    mid-word with nothing to say so ("Choose a disposition (require"). ``currentText()`` stays
    whole, and the list shows every choice whole. (QStyle's classes are made when it is first
    painted: the boxes that use it are built after the window's first paint.)"""

    def _option(self) -> QStyleOptionComboBox:
        from PySide6.QtGui import QPalette
        from PySide6.QtWidgets import QStyleOptionComboBox

        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        if self.currentIndex() < 0 and self.placeholderText():  # as QComboBox paints it
            option.palette.setBrush(QPalette.ColorRole.ButtonText, option.palette.placeholderText())
            option.currentText = self.placeholderText()
        return option

    def shown_text(self) -> str:
        """What the box paints at its width: the current choice whole, or its start and "…"."""
        from PySide6.QtWidgets import QStyle

        option = self._option()
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        room = field.width() - 2  # the label's own inset (QCommonStyle: 1 px each side)
        if not option.currentIcon.isNull():
            room -= option.iconSize.width() + 4
        return self.fontMetrics().elidedText(
            option.currentText, Qt.TextElideMode.ElideRight, max(room, 0)
        )

    def showPopup(self) -> None:
        """The list as wide as its longest choice (the screen permitting): each whole there."""
        view = self.view()
        view.setMinimumWidth(
            view.sizeHintForColumn(0) + view.verticalScrollBar().sizeHint().width()
        )
        super().showPopup()

    def paintEvent(self, event: QPaintEvent) -> None:
        """QComboBox's painting, its label elided where it does not fit."""
        from PySide6.QtWidgets import QStyle, QStylePainter

        painter = QStylePainter(self)
        painter.setPen(self.palette().text().color())
        option = self._option()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)


def plain_label(
    text: str = "",
    name: str | None = None,
    *,
    role: str | None = None,
    selectable: bool = False,
    elide: bool = False,
    parent: QWidget | None = None,
) -> QLabel:
    """A label that never interprets its text as rich text; ``elide``: one line that ends in
    "…" where it does not fit (``ElidedLabel``)."""
    label = ElidedLabel(parent) if elide else QLabel(parent)
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


class _LayoutFollower(QObject):
    """Tells a scroll area that its content asked for a new layout (its minimum may have
    changed: the interaction page built, then polished when first shown), so the window's own
    minimum follows. An object of its own, installed once the window is usable: a Python
    event filter from the start would build ``QEvent`` for the first paint."""

    def __init__(self, area: QScrollArea):
        from PySide6.QtCore import QEvent

        super().__init__(area)
        self._area = area
        # Looked up now, not in the filter: it also sees the events of the window's teardown,
        # when Python may be finalizing (an import there raises).
        self._layout_request = QEvent.Type.LayoutRequest

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the content's ``LayoutRequest``: ask the area's layout again."""
        if event.type() == self._layout_request:
            with contextlib.suppress(RuntimeError):  # the area is being deleted
                self._area.updateGeometry()
        return False


class _WheelGuard(QObject):
    """Wheel turns over a combo box the tester has not clicked into go nowhere: scrolling the
    window over the wrap-up chose a disposition (an adApi action), over the agent bar a next
    state. Installed once the window is usable (see ``_LayoutFollower`` on ``QEvent``)."""

    def __init__(self, parent: QObject):
        from PySide6.QtCore import QEvent

        super().__init__(parent)
        self._wheel = QEvent.Type.Wheel

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Swallow a wheel event unless the combo box has the focus."""
        if event.type() == self._wheel and isinstance(watched, QWidget):
            return not watched.hasFocus()
        return False


def guard_wheel(owner: QObject, widgets: list[QWidget]) -> None:
    """Make ``widgets`` (combo boxes that act when changed) take the wheel only with the focus,
    which a wheel turn no longer gives them."""
    guard = _WheelGuard(owner)
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        widget.installEventFilter(guard)


def _focus_moved_on(area: QScrollArea, forward: bool) -> bool:
    """``QScrollArea.focusNextPrevChild`` that scrolls only for Tab: the focus handed on by a
    control greyed or hidden under it (Merge calls greyed while it waits, Complete's page
    hidden) moves on without scrolling. Qt scrolled the next control in the chain into view,
    low in the central area on a laptop, and the call's header and Hang up went out of sight."""
    leaving = area.window().focusWidget()
    if leaving is not None and not (leaving.isEnabled() and leaving.isVisible()):
        return QWidget.focusNextPrevChild(area, forward)
    return QScrollArea.focusNextPrevChild(area, forward)


class ScrollingPanel(QScrollArea):
    """A scroll area whose minimum is its content's, up to the room it may claim."""

    def __init__(self, widget: QWidget, room: Callable[[QSize], QSize]):
        super().__init__()
        self._room = room
        self._follower: _LayoutFollower | None = None
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(widget)

    def follow_content(self) -> None:
        """From now on, a change of the content's minimum reaches the window (idempotent)."""
        inner = self.widget()
        if self._follower is None and inner is not None:
            self._follower = _LayoutFollower(self)
            inner.installEventFilter(self._follower)
        self.updateGeometry()

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab scrolls the control it reaches into view; a greyed or hidden one does not."""
        return _focus_moved_on(self, next)

    def minimumSizeHint(self) -> QSize:
        """The content's minimum (nothing scrolls where the screen has room for it), bounded
        by the room this area may claim on the screen."""
        inner = self.widget()
        content = inner.minimumSizeHint().expandedTo(inner.minimumSize()) if inner else QSize()
        screen = self.screen()
        if screen is None:
            return content
        return content.boundedTo(self._room(screen.availableGeometry().size()))

    def sizeHint(self) -> QSize:
        """The content's own (QScrollArea's is capped at a few dozen lines)."""
        inner = self.widget()
        return inner.sizeHint().expandedTo(self.minimumSizeHint()) if inner else super().sizeHint()


def scrolling(widget: QWidget, room: Callable[[QSize], QSize]) -> ScrollingPanel:
    """``widget`` in a frameless scroll area. Its minimum is the content's while that fits in
    ``room(screen's available size)``, so on a big screen nothing changes; on a laptop the
    window no longer asks to be taller than the screen (its bottom out of reach), and where it
    gets less room than the content needs, the content scrolls instead of being squashed until
    its controls overlap. Not a Tab stop: Tab goes to the controls and scrolls the one it
    reaches into view. Call ``follow_content()`` once the window is usable."""
    return ScrollingPanel(widget, room)


class VerticalScroll(QScrollArea):
    """A scroll area that scrolls up and down only: it claims its content's minimum width and
    room for its vertical scroll bar, so the content is never cut at its right edge.

    A plain ``QScrollArea`` with its horizontal bar off claims almost no width: on a laptop
    (1366x768) the voice page's right column (Add to conference, Merge calls, the DTMF keys
    3, 6, 9 and #) was cut off with no way to scroll to it."""

    def __init__(self, widget: QWidget):
        super().__init__()
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a Tab stop of its own: Tab went from Hang up to an invisible frame, then to Hold.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidget(widget)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab scrolls the control it reaches into view; a greyed or hidden one does not."""
        return _focus_moved_on(self, next)

    def _claimed(self, content: QSize, own: QSize) -> QSize:
        # The bar's room always: it comes and goes as the height changes, and a width that
        # followed it would make the window's layout jump.
        bar = self.verticalScrollBar().sizeHint().width()
        frame = 2 * self.frameWidth()
        return QSize(content.width() + bar + frame, own.height())

    def minimumSizeHint(self) -> QSize:
        """The content's minimum width (and the bar's); the height of a scroll area."""
        inner = self.widget()
        if inner is None:
            return super().minimumSizeHint()
        content = inner.minimumSizeHint().expandedTo(inner.minimumSize())
        return self._claimed(content, super().minimumSizeHint())

    def sizeHint(self) -> QSize:
        """The content's width (and the bar's)."""
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        return self._claimed(inner.sizeHint(), super().sizeHint()).expandedTo(
            self.minimumSizeHint()
        )
