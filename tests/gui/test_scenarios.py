"""Scenarios and the window: a scenario plays visibly (step by step, the GUI thread never blocked)
to the same events as headless; the window's session saves as a scenario that replays."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.gui.automation.playback import ScenarioPlayer, open_scenario
from simulator.gui.bridge import SimBridge
from simulator.scenarios import ScenarioRunner, load_scenario

pytestmark = pytest.mark.gui

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"


def _host(sim, plugin):
    from simulator.handlers import HandlerHost

    host = HandlerHost(sim, timeout=10.0)
    host.load(plugin)
    return host


@pytest.mark.parametrize("name", ["consult_transfer.yaml", "chat.yaml", "hold_mute_record.yaml"])
def test_a_scenario_plays_in_the_window_to_the_same_events_as_headless(
    qtbot, window, recorder_plugin, name
):
    path = FIXTURES / name
    headless = ScenarioRunner(
        load_scenario(path), host_factory=lambda sim: _host(sim, recorder_plugin)
    ).run()
    assert headless.exit_code == 0, [str(f) for f in headless.failures]

    runner = open_scenario(path)
    host = _host(runner.sim, recorder_plugin)
    runner.host = host
    try:
        bridge = SimBridge(runner.sim, host, parent=window)
        window.attach(bridge)
        player = ScenarioPlayer(runner, bridge, window, step_ms=5)
        steps = []
        player.stepped.connect(steps.append)
        with qtbot.waitSignal(player.finished, timeout=20_000) as finished:
            player.start()
        assert finished.args[0].endswith("passed"), finished.args[0]
        assert steps == list(range(len(runner.file.scenario.steps)))
        played = [event.to_json() for event in bridge.events.events]
        assert played == [event.to_json() for event in headless.events]
        assert window.findChild(object, "statusMessage").text() == finished.args[0]
    finally:
        host.close(timeout=5)


def test_the_session_saves_as_a_scenario_that_replays(bare_desk, tmp_path):
    desk = bare_desk
    desk.click("agentLoginButton")
    desk.choose("agentStateCombo", "Ready")
    desk.type("customerName", "Grace Hopper")
    desk.click("offerCallButton")
    desk.wait(lambda: desk.state() == "delivery_pending")
    desk.click("acceptButton")
    desk.click("holdButton")
    desk.click("holdButton")
    desk.click("hangUpButton")
    desk.choose("dispositionCombo", "Answer provided")
    desk.click("completeButton")
    assert desk.window.findChild(object, "actionSaveScenario").isEnabled()
    target = tmp_path / "session.yaml"
    desk.window.write_scenario(target)
    replay = ScenarioRunner(load_scenario(target)).run()
    assert replay.exit_code == 0, [str(f) for f in replay.failures]
    names = [event.name.value for event in replay.events]
    assert names == [event.name.value for event in desk.bridge.events.events]


def test_interaction_rows_answer_to_the_scenarios_as_names(qtbot, window):
    from PySide6.QtCore import Qt

    runner = open_scenario(FIXTURES / "consult_transfer.yaml")
    bridge = SimBridge(runner.sim, None, parent=window)
    window.attach(bridge)
    player = ScenarioPlayer(runner, bridge, window, step_ms=5)
    model = window.findChild(object, "interactionList").model()
    seen: dict[str, str] = {}

    def note_aliases(_step: int) -> None:
        for row in range(model.rowCount()):
            alias = model.data(model.index(row, 0), Qt.ItemDataRole.UserRole + 9)
            if alias is not None:
                seen[alias] = model.data(model.index(row, 0), Qt.ItemDataRole.UserRole + 1)

    player.stepped.connect(note_aliases)
    with qtbot.waitSignal(player.finished, timeout=20_000):
        player.start()
    assert seen, "no row answered to an as-name"
    assert seen == {name: runner.names[name] for name in seen}
