"""A dock tabbed behind another comes to the front when the keyboard focus goes into it.

The customer side and the knowledge base share one place, one behind the other; Qt leaves the
one behind "visible" (only covered), so Tab went on into it: a tester typed into a search box
nobody could see, and Enter sent the search to the integration.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QWidget

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

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        widget = new
        while widget is not None and not isinstance(widget, QDockWidget):
            widget = widget.parentWidget()
        window = self._window
        if widget is not None and widget.parent() is window and window.tabifiedDockWidgets(widget):
            widget.raise_()
