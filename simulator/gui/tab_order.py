"""Tab in reading order: a panel built late (the interaction page, once the window is on
screen) joins the focus chain at its end, after the docks built before it; this moves its
controls to where the window reads, after the panel left of it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

__all__ = ["tab_after"]


def _chain(top: QWidget) -> list[QWidget]:
    """Every widget of ``top``'s focus chain, in order."""
    chain = [top]
    widget = top.nextInFocusChain()
    while widget is not None and widget is not top and len(chain) < 100_000:
        chain.append(widget)
        widget = widget.nextInFocusChain()
    return chain


def tab_after(before: QWidget, area: QWidget) -> None:
    """Put ``area``'s widgets in the focus chain right after ``before``'s last one, in their
    own order."""
    # Qt orders only widgets that take the focus (it ignores a call naming another).
    focusable = [w for w in _chain(area.window()) if w.focusPolicy() != Qt.FocusPolicy.NoFocus]
    mine = [w for w in focusable if area.isAncestorOf(w)]
    anchors = [w for w in focusable if w is before or before.isAncestorOf(w)]
    if not mine or not anchors:
        return
    previous = anchors[-1]
    for widget in mine:
        QWidget.setTabOrder(previous, widget)
        previous = widget
