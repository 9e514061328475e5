"""The ``adsim_window`` fixture of the pytest plugin: the window over the harness's simulator."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

pytestmark = pytest.mark.gui
pytest_plugins = ["pytester"]


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


LEFT_BEHIND = """
import gc

import pytest

from simulator.gui.window import MainWindow


def _windows():
    gc.collect()
    return sum(1 for thing in gc.get_objects() if isinstance(thing, MainWindow))


@pytest.mark.parametrize("i", range({count}))
def test_window(adsim_window, adsim, i):
    adsim.login()


def test_count():
    print("windows alive:", _windows())
"""


@pytest.mark.parametrize("count", [2, 10])
def test_each_tests_window_is_freed_after_it(pytester, count):
    """pytest-qt closes a test's window and asks Qt to delete it later, which only an event
    loop does; a suite's window tests never ran one, so every window stayed (~8 MB each: 120
    window tests took 1 GB) until the session ended."""
    pytester.makepyfile(LEFT_BEHIND.format(count=count))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=count + 1)
    # None but the one a finishing test's teardown is still deleting, however many came.
    result.stdout.fnmatch_lines(["*windows alive: [01]"])
