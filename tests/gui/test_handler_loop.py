"""A handler feedback loop in the window: its calls are refused past the event budget, the
status bar says who looped, and the window (and its event log) stop growing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.test_handler_loops import NOTE_LOOP  # the same looping plugin as headless

pytestmark = pytest.mark.gui


def test_a_feedback_loop_is_stopped_in_the_window(
    qtbot: Any, window: Any, sim: Any, tmp_path: Path
) -> None:
    from simulator.gui.bridge import SimBridge
    from simulator.handlers import HandlerHost
    from tests.gui.driver import Desk

    plugin = tmp_path / "noter.py"
    plugin.write_text(NOTE_LOOP, encoding="utf-8")
    host = HandlerHost(sim, timeout=10.0, max_events=200)
    [status] = host.load(plugin)
    assert status.loaded, status.error
    bridge = SimBridge(sim, host, parent=window)
    window.attach(bridge)
    desk = Desk(qtbot, window)
    try:
        desk.click("agentLoginButton")
        desk.wait(lambda: desk.sim.agent.logged_in)
        desk.choose("agentStateCombo", "Ready")
        desk.click("offerCallButton")
        desk.wait(lambda: desk.state() == "delivery_pending")
        desk.click("acceptButton")
        with qtbot.waitSignal(
            bridge.actionFailed,
            timeout=30_000,
            check_params_cb=lambda text: "handlers kept acting" in text,
        ) as stopped:
            desk.click("hangUpButton")
        assert "noter:on_change calling add_note" in stopped.args[0]
        qtbot.waitUntil(lambda: host.pending == 0, timeout=20_000)
        seen = len(bridge.events)
        assert seen < 400  # the budget (200 events) and the refused call's last round
        for _ in range(5):
            bridge.poll()
        assert len(bridge.events) == seen, "the loop went on"
        refused = [o for o in host.outcomes if o.result and "not run" in str(o.result)]
        assert refused, "the handler's last call was refused with api_not_answer"
    finally:
        bridge.close()
        host.close(timeout=5)
