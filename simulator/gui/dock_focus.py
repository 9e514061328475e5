"""A dock tabbed behind another comes to the front when the keyboard focus goes into it.

The customer side and the knowledge base share one place, one behind the other; Qt leaves the
one behind "visible" (only covered), so Tab went on into it: a tester typed into a search box
nobody could see, and Enter sent the search to the integration.

Only a focus the tester moved does that. When the focused control goes away (the wrap-up's
Complete button once the interaction is done, a control that becomes disabled), Qt hands the
focus on to the next control in the Tab order, and that could be in the dock behind: the
customer side went behind the knowledge base at every Complete. Such a focus stays where Qt put
it when that dock is in front; in the dock behind, it goes to the window instead (its shortcuts
keep working), and the docks stay as they were.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QTabBar, QWidget

__all__ = ["DockFocus"]


class DockFocus(QObject):
    """Owned by a window: a focus going into one of its tabbed docks brings that dock's tab to
    the front (the connection ends with the window, this object's parent)."""

    def __init__(self, window: QMainWindow):
        super().__init__(window)
        self._window = window
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None and not isinstance(widget, QDockWidget):
            widget = widget.parentWidget()
        window = self._window
        if widget is None or widget.parent() is not window:
            return
        if not window.tabifiedDockWidgets(widget):
            return
        if old is not None and not (old.isVisible() and old.isEnabled()):
            # Handed on by Qt, not moved: where it landed when that dock is in front.
            if not _in_front(window, widget):
                window.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        widget.raise_()


def _in_front(window: QMainWindow, dock: QDockWidget) -> bool:
    """Whether ``dock``, tabbed with others, is the one its tab bar shows."""
    title = dock.windowTitle()
    for bar in window.findChildren(QTabBar):
        if bar.parent() is window and any(bar.tabText(i) == title for i in range(bar.count())):
            return bar.tabText(bar.currentIndex()) == title
    return True
