"""The ``adsim_window`` fixture of the pytest plugin: the window over the harness's simulator."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui


def test_the_fixture_window_drives_the_harness_simulator(adsim_window, adsim, qtbot):
    window = adsim_window
    assert window.bridge.sim is adsim.sim
    adsim.login()
    adsim.set_agent_state("ready")
    qtbot.mouseClick(window.findChild(QWidget, "offerCallButton"), Qt.MouseButton.LeftButton)
    accept = window.findChild(QWidget, "acceptButton")
    qtbot.waitUntil(accept.isEnabled)
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    assert adsim.sim.interactions[0].state.value == "delivered"
    adsim.set_call_hold(True)  # driven headless: the window follows at its next poll
    qtbot.waitUntil(lambda: window.findChild(QWidget, "holdButton").isChecked())
    settings_file = window.settings.store.fileName()
    assert "adsim-window-" in settings_file
