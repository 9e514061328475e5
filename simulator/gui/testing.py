"""The window for other people's tests: what the ``adsim_window`` pytest fixture opens.

Settings go to a temporary INI file, never the user's own QSettings.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from simulator.gui.bridge import SimBridge
from simulator.gui.settings import WindowSettings
from simulator.gui.window import MainWindow

__all__ = ["delete_closed_windows", "open_window"]


def open_window(qtbot: Any, sim: Any, host: Any | None = None) -> MainWindow:
    """A shown ``MainWindow`` attached to ``sim`` (and ``host``), closed by ``qtbot`` at the end.

    Find controls by ``objectName`` (docs/window.md, "The automation contract"); the simulator
    can be driven directly too: the window follows at its next poll (``qtbot.waitUntil``).
    """
    scratch = tempfile.mkdtemp(prefix="adsim-window-")
    settings = WindowSettings(QSettings(f"{scratch}/adsim.ini", QSettings.Format.IniFormat))
    window = MainWindow(settings)
    weakref.finalize(window, shutil.rmtree, scratch, True)
    qtbot.addWidget(window)
    window.attach(SimBridge(sim, host, parent=window))
    window.show()
    qtbot.waitExposed(window)
    return window


def delete_closed_windows(fixtures: Iterable[str] = ()) -> None:
    """Delete now the widgets Qt was asked to delete later: the windows pytest-qt closed at a
    test's end (``deleteLater``). Only an event loop deletes those, and a suite of window tests
    may never run one: each test's window (~8 MB) stayed until the session ended.

    Call it once the test's fixtures are torn down (``fixtures``: their names). Not after
    ``qtmodeltester``: Qt's model tester it leaves behind checks the window's models while they
    are deleted, and crashes the process; that test's window stays, as before."""
    if "qtmodeltester" in fixtures:
        return
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
