"""The agent state control tells the truth: every state and reason the engine can reach, read
through ``agentStateLabel`` and ``agentStateCombo`` and compared with ``getAgentState``."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui

_NAMES = {
    "ready": "Ready",
    "not_ready": "Not Ready",
    "busy": "Busy",
    "after_call_work": "After Call Work",
    "supervising": "Supervising",
}


def _engine_says(sim: Any) -> str:
    """The state as adApi's getAgentState reports it, in the documented words."""
    if not sim.agent.logged_in:
        return "Logged out"
    data = sim.get_agent_state().data
    name = _NAMES[data["state"]]
    reason = data.get("notReadyReason")
    return f"{name}: {reason}" if reason else name


def _shows(desk: Any, expected: str) -> None:
    label = desk.widget("agentStateLabel")
    desk.wait(lambda: label.text() == expected)
    assert _engine_says(desk.sim) == expected
    assert desk.widget("agentStateCombo").currentText() == expected


@pytest.fixture
def virtual_desk(qtbot: Any, window: Any) -> Any:
    """The window over a simulator on the virtual clock with the default 20 s ring timeout."""
    from simulator.engine import Settings, Simulator
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    sim = Simulator(seed=7, settings=Settings(outbound_answer_seconds=None))
    window.attach(SimBridge(sim, None, parent=window))
    return Desk(qtbot, window)


def test_every_agent_state_the_engine_reaches_is_shown_exactly(virtual_desk):
    desk = virtual_desk
    sim = desk.sim
    combo = desk.widget("agentStateCombo")
    _shows(desk, "Logged out")

    desk.click("agentLoginButton")
    _shows(desk, "Not Ready")  # the system's state after login: no reason
    assert combo.itemData(0) == "not_ready"
    assert not combo.model().item(0).isEnabled()

    desk.choose("agentStateCombo", "Ready")
    _shows(desk, "Ready")
    for reason in sim.tenant.not_ready_reasons:
        desk.select("agentStateCombo", f"not_ready:{reason}")
        _shows(desk, f"Not Ready: {reason}")
    desk.select("agentStateCombo", "ready")
    _shows(desk, "Ready")

    # A call: Busy while it rings and while connected; a state chosen meanwhile is the next one.
    desk.click("offerCallButton")
    _shows(desk, "Busy")
    desk.select("agentStateCombo", "not_ready:Lunch")
    _shows(desk, "Busy")
    assert desk.widget("agentNextState").text() == "→ next: Not Ready: Lunch"
    desk.click("acceptButton")
    _shows(desk, "Busy")
    desk.click("hangUpButton")
    _shows(desk, "After Call Work")
    if desk.widget("dispositionRequired").isVisible():
        desk.select("dispositionCombo", desk.widget("dispositionCombo").itemData(1))
    desk.click("completeButton")
    _shows(desk, "Not Ready: Lunch")
    assert desk.widget("agentNextState").text() == ""

    # A ring-out: the engine moves the agent to Not Ready "No Answer".
    desk.select("agentStateCombo", "ready")
    desk.click("offerCallButton")
    _shows(desk, "Busy")
    sim.advance(sim.settings.ring_timeout_seconds)
    _shows(desk, f"Not Ready: {sim.tenant.no_answer_reason}")
    assert combo.itemData(0) == f"not_ready:{sim.tenant.no_answer_reason}"

    # Supervising, set through adApi (a handler or a script), not offered to choose.
    assert sim.set_agent_state("supervising").ok
    _shows(desk, "Supervising")

    desk.select("agentStateCombo", "logout")
    _shows(desk, "Logged out")


def test_after_call_not_ready_shows_the_after_call_reason(qtbot, window):
    from simulator.engine import Settings, Simulator
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    sim = Simulator(
        seed=7,
        settings=Settings(
            after_call_state="not_ready", ring_timeout_seconds=None, outbound_answer_seconds=None
        ),
    )
    window.attach(SimBridge(sim, None, parent=window))
    desk = Desk(qtbot, window)
    desk.click("agentLoginButton")
    desk.select("agentStateCombo", "ready")
    desk.select("customerService", "Customer Support")
    desk.click("offerCallButton")
    desk.click("acceptButton")
    desk.click("hangUpButton")
    _shows(desk, "After Call Work")
    desk.click("completeButton")
    _shows(desk, f"Not Ready: {sim.tenant.after_call_break_reason}")


def test_log_out_is_offered_only_when_it_can_succeed(bare_desk):
    desk = bare_desk
    desk.click("agentLoginButton")
    combo = desk.widget("agentStateCombo")
    logout = combo.findData("logout")
    assert combo.model().item(logout).isEnabled()
    desk.select("agentStateCombo", "ready")
    desk.click("offerChatButton")
    desk.wait(lambda: not combo.model().item(combo.findData("logout")).isEnabled())
