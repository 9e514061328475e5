"""The window for other people's tests: what the ``adsim_window`` pytest fixture opens.

Settings go to a temporary INI file, never the user's own QSettings.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from typing import Any

from PySide6.QtCore import QSettings

from simulator.gui.bridge import SimBridge
from simulator.gui.settings import WindowSettings
from simulator.gui.window import MainWindow

__all__ = ["open_window"]


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
