"""The real window opened in a Python of its own on an offscreen screen of a given size (Qt's
``offscreen:configfile=``, 96 dpi): its first size and what a script then prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

__all__ = ["OPENING", "open_on_screen"]

OPENING = """
import sys, tempfile
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from simulator.gui.theme.style import FUSION_ARGS, apply_style_sheet
app = QApplication(sys.argv[:1] + FUSION_ARGS)
folder = tempfile.mkdtemp()
from simulator.engine import Simulator
from simulator.gui.bridge import SimBridge
from simulator.gui.settings import WindowSettings
from simulator.gui.window import MainWindow
window = MainWindow(WindowSettings(QSettings(folder + "/adsim.ini", QSettings.Format.IniFormat)))
apply_style_sheet(app)
window.show()
bridge = SimBridge(Simulator(seed=1), None, parent=window)
window.attach(bridge)
window.complete()
def settle():
    for _ in range(5):  # a layout's change arrives as posted events, each may post more
        QApplication.sendPostedEvents()
        QApplication.processEvents()
settle()
for action, args in (
    ("login", ()), ("set_agent_state", ("ready",)), ("offer_call", ()), ("accept_interaction", ())
):
    assert bridge.act(action, *args).ok, action
    settle()
print(window.width(), window.height(), window.minimumSizeHint().height())
"""


def open_on_screen(
    tmp_path: Path, width: int, height: int, script: str = ""
) -> subprocess.CompletedProcess[str]:
    """Run ``OPENING`` (the window opened, a call accepted; it prints the window's width,
    height and least height) then ``script`` on a ``width`` x ``height`` screen, with its own
    home and settings; its output as text (a hang is stopped after 120 s)."""
    screen = tmp_path / "screen.json"
    screen.write_text(
        json.dumps(
            {
                "screens": [
                    {"name": "screen", "x": 0, "y": 0, "width": width, "height": height}
                    | {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
                ]
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={screen}", HOME=str(tmp_path))
    env.update(XDG_CONFIG_HOME=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-c", OPENING + script],
        check=False,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
