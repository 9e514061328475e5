"""A handler that runs long holds back every later event, for every plugin: the status bar says
so while it lasts, and says nothing of it once the handler has returned."""

from __future__ import annotations

import sys
import threading
import types
from typing import Any

import pytest

pytestmark = pytest.mark.gui

SLOW_PLUGIN = """\
import adsim_test_gate


def slow(interaction):
    adsim_test_gate.gate.wait(120)


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", slow)
"""


@pytest.fixture
def gate() -> Any:
    """The event the slow handler waits on (its plugin runs in this process: thread isolation)."""
    module = types.ModuleType("adsim_test_gate")
    module.gate = threading.Event()  # type: ignore[attr-defined]
    sys.modules["adsim_test_gate"] = module
    yield module.gate
    module.gate.set()
    del sys.modules["adsim_test_gate"]


def test_a_busy_handler_is_said_in_the_status_bar_while_events_wait(
    qtbot, window, sim, gate, tmp_path
):
    """A handler stuck until its timeout (20 s in the window) held back every later event with
    nothing said: the window looked idle and the other plugins silent."""
    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost
    from tests.gui.driver import Desk

    plugin = tmp_path / "slow.py"
    plugin.write_text(SLOW_PLUGIN, encoding="utf-8")
    host = HandlerHost(sim, timeout=120.0, journal=None)  # the gate ends it, never the timeout
    try:
        host.load(plugin)
        window.attach(SimBridge(sim, host, parent=window))
        desk = Desk(qtbot, window)
        status = desk.widget("handlerStatus")
        desk.click("agentLoginButton")
        desk.choose("agentStateCombo", "Ready")
        assert "busy" not in status.text()
        desk.click("offerCallButton")
        desk.click("acceptButton")  # its events wait behind the slow handler
        desk.wait(lambda: "a handler busy" in status.text(), timeout=30_000)
        assert "every later event waits" in status.toolTip()
        assert len(desk.bridge.outcomes) == 0
        gate.set()
        desk.wait(
            lambda: "busy" not in status.text() and bool(desk.bridge.outcomes), timeout=30_000
        )
        assert "every later event waits" not in status.toolTip()
    finally:
        gate.set()
        host.close(timeout=30.0)
