"""Several agents in one window (``adsim --agent omar``): the agent switcher, each desktop with
its own controls and inspector, a transfer to a colleague landing on the colleague's desktop,
the live directory. Driven through objectNames and the bridges' signals only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow, QTabBar, QTableView, QTreeView, QWidget

from simulator.gui.automation import CONTROLS
from simulator.gui.options import AgentOption, WindowOptions
from tests.gui.driver import Desk

pytestmark = pytest.mark.gui

TIMEOUT_MS = 10_000
_QT_OWN = ("qt_", "ScrollLeftButton", "ScrollRightButton")
"""Names Qt gives its own parts (a tab bar's scroll buttons)."""


@pytest.fixture
def open_center(qtbot: Any, window: Any, sim: Any, settings: Any) -> Iterator[Any]:
    """``open_center(agents, handler_specs, host)``: the window attached to ``sim`` (Jane, the
    tenant's agent) and the agents' desktops behind the agent switcher, all logged out (what
    ``adsim --agent ...`` builds, with in-memory journals and handlers in threads)."""
    from simulator.gui.bridge import SimBridge
    from simulator.gui.center import open_agents

    opened: list[Any] = []

    def build(agents: list[AgentOption], specs: list[str], host: Any = None) -> Any:
        window.attach(SimBridge(sim, host, parent=window))
        options = WindowOptions(agents=agents, journal=":memory:", isolation="thread", login=False)
        switcher, sessions = open_agents(options, settings, window, specs)
        qtbot.addWidget(switcher)
        qtbot.waitExposed(switcher)
        opened.append((switcher, sessions))  # alive until the end: it holds every desktop
        return switcher

    yield build
    for _switcher, sessions in opened:
        for session in sessions:
            session.close()


@pytest.fixture
def center(open_center: Any, host: Any, recorder_plugin: Path) -> Any:
    """Jane's window and Omar's desktop behind the agent switcher, each desktop with the
    recording plugin in its own handler host, both logged out."""
    return open_center([AgentOption("omar")], [str(recorder_plugin)], host)


def _switcher(center: Any) -> QTabBar:
    found = center.findChild(QTabBar, "agentSwitcher")
    assert found is not None
    return found


def _desk(qtbot: Any, center: Any, agent: str) -> Desk:
    """The agent's desktop (a ``mainWindow`` whose ``agent`` property is the name)."""
    desks = [
        found
        for found in center.findChildren(QMainWindow, "mainWindow")
        if found.property("agent") == agent
    ]
    assert len(desks) == 1, agent
    return Desk(qtbot, desks[0])


def _switch(qtbot: Any, center: Any, agent: str) -> None:
    """Click the agent's tab in the switcher."""
    bar = _switcher(center)
    index = next(i for i in range(bar.count()) if bar.tabData(i) == agent)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    qtbot.waitUntil(lambda: bar.currentIndex() == index, timeout=TIMEOUT_MS)


def _tab_text(center: Any, agent: str) -> str:
    bar = _switcher(center)
    return next(bar.tabText(i) for i in range(bar.count()) if bar.tabData(i) == agent)


def _choose_state(desk: Desk, state_id: str) -> None:
    combo = desk.widget("agentStateCombo")
    combo.setCurrentIndex(combo.findData(state_id))


def _log_in_ready(qtbot: Any, center: Any, agent: str) -> Desk:
    _switch(qtbot, center, agent)
    desk = _desk(qtbot, center, agent)
    desk.click("agentLoginButton")
    _choose_state(desk, "ready")
    desk.wait(lambda: desk.widget("agentStateLabel").text() == "Ready")
    return desk


def _events(desk: Desk) -> list[str]:
    """The event names the desk's inspector lists."""
    model = desk.window.findChild(QTableView, "eventTable").model()
    return [str(model.index(row, 1).data()) for row in range(model.rowCount())]


def _directory_state(desk: Desk, name: str) -> str:
    tree = desk.window.findChild(QTreeView, "directoryTree")
    model = tree.model()
    match = model.match(
        model.index(0, 0), Qt.ItemDataRole.DisplayRole, name, 1, Qt.MatchFlag.MatchRecursive
    )
    assert match, f"{name} is not in the directory"
    return str(match[0].siblingAtColumn(2).data())


def test_each_agent_has_a_desktop_behind_the_switcher(qtbot: Any, center: Any) -> None:
    bar = _switcher(center)
    assert [bar.tabData(i) for i in range(bar.count())] == ["jane", "omar"]
    assert _tab_text(center, "jane") == "Jane Agent (1001) · Logged out"
    assert (
        center.findChild(QObject, "agentDesks").currentWidget()
        is _desk(qtbot, center, "jane").window
    )
    # Every control of the one-agent table exists once on each desktop.
    for agent in ("jane", "omar"):
        window = _desk(qtbot, center, agent).window
        for control in CONTROLS:
            if control.several_agents or control.dialog or control.name == "mainWindow":
                continue
            assert len(window.findChildren(QObject, control.name)) == 1, (agent, control.name)
    # Each desktop is its agent's, from the agent bar on.
    assert _desk(qtbot, center, "jane").widget("agentName").text() == "Jane Agent · ext. 1001"
    assert _desk(qtbot, center, "omar").widget("agentName").text() == "Omar Haddad · ext. 1002"
    with qtbot.waitSignal(center.agentSwitched, timeout=TIMEOUT_MS) as switched:
        _switch(qtbot, center, "omar")
    assert switched.args == ["omar"]
    omar = _desk(qtbot, center, "omar")
    assert center.findChild(QObject, "agentDesks").currentWidget() is omar.window
    assert omar.window.isVisible()
    assert not _desk(qtbot, center, "jane").window.isVisible()


def test_each_desktop_has_its_own_state_control(qtbot: Any, center: Any) -> None:
    jane = _log_in_ready(qtbot, center, "jane")
    _switch(qtbot, center, "omar")
    omar = _desk(qtbot, center, "omar")
    omar.click("agentLoginButton")
    _choose_state(omar, "not_ready:Lunch")
    omar.wait(lambda: omar.widget("agentStateLabel").text() == "Not Ready: Lunch")
    assert jane.widget("agentStateLabel").text() == "Ready"
    assert jane.sim.agent.phase.value == "ready"
    assert omar.sim.agent.reason == "Lunch"
    qtbot.waitUntil(
        lambda: _tab_text(center, "omar") == "Omar Haddad (1002) · Not Ready: Lunch",
        timeout=TIMEOUT_MS,
    )
    assert _tab_text(center, "jane") == "Jane Agent (1001) · Ready"


def test_the_directory_follows_a_colleague_live(qtbot: Any, center: Any) -> None:
    jane = _log_in_ready(qtbot, center, "jane")
    assert _directory_state(jane, "Omar Haddad") == "offline"
    _switch(qtbot, center, "omar")
    omar = _desk(qtbot, center, "omar")
    omar.click("agentLoginButton")
    qtbot.waitUntil(
        lambda: _directory_state(jane, "Omar Haddad") == "not ready", timeout=TIMEOUT_MS
    )
    _choose_state(omar, "ready")
    qtbot.waitUntil(lambda: _directory_state(jane, "Omar Haddad") == "ready", timeout=TIMEOUT_MS)
    # Omar sees Jane, who is not in the tenant file's list, in her team with her live state.
    assert _directory_state(omar, "Jane Agent") == "ready"
    _switch(qtbot, center, "jane")
    _choose_state(jane, "not_ready:Lunch")
    qtbot.waitUntil(lambda: _directory_state(omar, "Jane Agent") == "not ready", timeout=TIMEOUT_MS)


def test_a_blind_transfer_to_a_colleague_lands_on_the_colleagues_desktop(
    qtbot: Any, center: Any
) -> None:
    jane = _log_in_ready(qtbot, center, "jane")
    omar = _log_in_ready(qtbot, center, "omar")
    _switch(qtbot, center, "jane")
    jane.click("offerCallButton")
    jane.wait(lambda: jane.widget("interactionState").text() == "Ringing")
    assert omar.sim.interactions == []
    jane.click("acceptButton")
    jane.wait(lambda: jane.widget("interactionState").text() == "Connected")

    # Pick Omar in Jane's directory: his extension goes to the transfer field.
    tree = jane.widget("directoryTree")
    match = tree.model().match(
        tree.model().index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        "Omar Haddad",
        1,
        Qt.MatchFlag.MatchRecursive,
    )[0]
    jane.click_item("directoryTree", match)
    assert jane.widget("transferNumber").text() == "1002"
    omar_bridge = omar.window.findChild(QObject, "simBridge")
    with (
        qtbot.waitSignal(
            omar_bridge.eventArrived,
            timeout=TIMEOUT_MS,
            check_params_cb=lambda event: event.name.value == "ON_LOAD_TRANSFER_DATA",
        ) as loaded,
        qtbot.waitSignal(
            omar_bridge.outcomeArrived,
            timeout=TIMEOUT_MS,
            check_params_cb=lambda outcome: outcome.event_name == "ON_LOAD_TRANSFER_DATA",
        ),
    ):
        jane.click("blindTransferButton")  # jane's handler answers ON_REQUEST_TRANSFER_DATA
    # The data Jane's integration gave reached Omar's, on his desktop's handler host.
    assert loaded.args[0].wire_args[1] == {"caseId": "CASE-42"}

    # The switcher says an offer rings on Omar's desktop while Jane's is in front.
    qtbot.waitUntil(lambda: _tab_text(center, "omar").endswith("· 1 ringing"), timeout=TIMEOUT_MS)
    bar = _switcher(center)
    assert not bar.tabIcon(1).isNull()
    assert bar.tabIcon(0).isNull()
    jane.wait(lambda: jane.widget("interactionState").text() == "Wrap-up")

    # Omar's inspector has the transfer; Jane's has her side only.
    qtbot.waitUntil(lambda: "ON_LOAD_TRANSFER_DATA" in _events(omar), timeout=TIMEOUT_MS)
    assert "ON_LOAD_TRANSFER_DATA" not in _events(jane)
    assert "ON_REQUEST_TRANSFER_DATA" in _events(jane)
    assert "ON_REQUEST_TRANSFER_DATA" not in _events(omar)
    jane_item = jane.sim.interactions[0]
    omar_item = omar.sim.interactions[0]
    assert omar_item.id != jane_item.id
    assert omar_item.global_interaction_id == jane_item.global_interaction_id

    _switch(qtbot, center, "omar")
    assert bar.tabIcon(1).isNull()  # in front: no dot
    omar.wait(lambda: omar.widget("interactionState").text() == "Ringing")
    omar.click("acceptButton")
    omar.wait(lambda: omar.widget("interactionState").text() == "Connected")
    qtbot.waitUntil(
        lambda: _tab_text(center, "omar") == "Omar Haddad (1002) · Busy", timeout=TIMEOUT_MS
    )
    assert _directory_state(jane, "Omar Haddad") == "busy"


def test_quit_on_a_desktop_closes_the_whole_window(qtbot: Any, center: Any) -> None:
    from PySide6.QtGui import QAction

    omar = _desk(qtbot, center, "omar")
    _switch(qtbot, center, "omar")
    omar.window.findChild(QAction, "actionQuit").trigger()
    qtbot.waitUntil(lambda: not center.isVisible(), timeout=TIMEOUT_MS)


def test_one_agent_has_no_switcher(desk: Any) -> None:
    assert desk.window.isWindow()
    assert desk.window.window().findChild(QWidget, "agentSwitcher") is None


def test_the_switcher_names_are_in_the_table() -> None:
    names = {control.name for control in CONTROLS if control.several_agents}
    assert names == {"centerWindow", "agentSwitcher", "agentDesks"}


def test_center_window_children_are_listed(qtbot: Any, center: Any) -> None:
    """Every named widget of the window around the desktops is in the automation table."""
    listed = {control.name for control in CONTROLS}
    desks = set(center.findChildren(QMainWindow, "mainWindow"))
    named = set()
    for widget in center.findChildren(QWidget):
        inside = widget.parent()
        while inside is not None and inside not in desks:
            inside = inside.parent()
        if inside is None and widget.objectName() and not widget.objectName().startswith(_QT_OWN):
            named.add(widget.objectName())
    assert named - listed == set()
    assert {"agentSwitcher", "agentDesks", "mainWindow"} <= named


def test_a_new_agent_of_a_team_joins_every_colleagues_directory(
    qtbot: Any, open_center: Any
) -> None:
    """``--agent bob@Sales``: Bob is nobody of the tenant file; Jane's directory, built before he
    joined, lists him in Sales (expanded, as the rest) with his live state."""
    switcher = open_center([AgentOption("bob", "Sales")], [])
    jane = _desk(qtbot, switcher, "jane")
    bob = _desk(qtbot, switcher, "bob")
    assert bob.widget("agentName").text() == "Bob Agent · ext. 3002"
    qtbot.waitUntil(lambda: _directory_state(jane, "Bob Agent") == "offline", timeout=TIMEOUT_MS)
    tree = jane.window.findChild(QTreeView, "directoryTree")
    model = tree.model()
    for row in range(model.rowCount()):
        assert tree.isExpanded(model.index(row, 0))
    _switch(qtbot, switcher, "bob")
    bob.click("agentLoginButton")
    _choose_state(bob, "ready")
    qtbot.waitUntil(lambda: _directory_state(jane, "Bob Agent") == "ready", timeout=TIMEOUT_MS)


def test_the_documented_helpers_find_each_desktop(qtbot: Any, center: Any) -> None:
    """docs/window.md's ``agent_desktops.py`` works on the real window."""
    from tests.documentation import file_samples

    namespace: dict[str, Any] = {}
    exec(compile(file_samples()["agent_desktops.py"], "agent_desktops.py", "exec"), namespace)
    omar = namespace["switch_to"](center, "omar")
    assert omar.property("agent") == "omar"
    assert center.findChild(QObject, "agentDesks").currentWidget() is omar
    assert namespace["desktop"](center, "jane").findChild(QWidget, "agentLoginButton")


@pytest.fixture
def keep() -> Iterator[list[Any]]:
    """Top-level windows a test opens, alive until the test's widgets are closed."""
    kept: list[Any] = []
    yield kept
    kept.clear()


def test_a_scenario_with_agents_plays_on_every_agents_desktop(
    qtbot: Any, window: Any, settings: Any, recorder_plugin: Path, keep: list[Any]
) -> None:
    """``adsim --scenario colleague_blind_transfer.yaml``: Omar (the scenario's ``agents:``) gets
    a desktop behind the switcher, each desktop shows its own events, the same as headless."""
    from simulator.gui.automation.playback import ScenarioPlayer, open_scenario
    from simulator.gui.bridge import SimBridge
    from simulator.gui.center import open_agents
    from simulator.handlers import HandlerHost
    from simulator.scenarios import ScenarioRunner, load_scenario

    path = Path(__file__).resolve().parents[2] / "fixtures/scenarios/colleague_blind_transfer.yaml"

    def host_for(desk: Any) -> Any:
        built = HandlerHost(desk, timeout=10.0)
        built.load(recorder_plugin)
        return built

    headless = ScenarioRunner(load_scenario(path), host_factory=host_for).run()
    assert headless.exit_code == 0, [str(f) for f in headless.failures]

    runner = open_scenario(path)
    host = host_for(runner.sim)
    runner.host = host
    bridge = SimBridge(runner.sim, host, parent=window)
    window.attach(bridge)
    options = WindowOptions(scenario=path, journal=":memory:", isolation="thread")
    switcher, sessions = open_agents(options, settings, window, [str(recorder_plugin)], login=False)
    qtbot.addWidget(switcher)
    keep.append(switcher)
    try:
        runner.agent_hosts = [session.host for session in sessions]
        player = ScenarioPlayer(runner, bridge, window, step_ms=5)
        with qtbot.waitSignal(player.finished, timeout=30_000) as finished:
            player.start()
        assert finished.args[0].endswith("passed"), finished.args[0]
        for agent in ("jane", "omar"):
            desk = _desk(qtbot, switcher, agent)
            played = [event.to_json() for event in desk.bridge.events.events]
            assert played == [e.to_json() for e in headless.events if e.agent == agent], agent
        # The inspector's table catches up with the desk's event store on its own timer.
        omar = _desk(qtbot, switcher, "omar")
        qtbot.waitUntil(lambda: "ON_LOAD_TRANSFER_DATA" in _events(omar), timeout=TIMEOUT_MS)
    finally:
        for session in sessions:
            session.close()
        host.close(timeout=5)


def test_a_chat_transferred_to_a_colleague_lands_on_the_colleagues_desktop(
    qtbot: Any, center: Any
) -> None:
    jane = _log_in_ready(qtbot, center, "jane")
    omar = _log_in_ready(qtbot, center, "omar")
    _switch(qtbot, center, "jane")
    jane.click("offerChatButton")
    jane.wait(lambda: jane.widget("interactionState").text() == "Ringing")
    jane.click("acceptButton")
    jane.wait(lambda: jane.widget("interactionState").text() == "Connected")
    jane.type("chatComposer", "Let me get my colleague", enter=True)
    assert not jane.widget("chatTransferButton").isEnabled()  # no number yet
    tree = jane.widget("directoryTree")
    match = tree.model().match(
        tree.model().index(0, 0),
        Qt.ItemDataRole.DisplayRole,
        "Omar Haddad",
        1,
        Qt.MatchFlag.MatchRecursive,
    )[0]
    jane.click_item("directoryTree", match)
    assert jane.widget("chatTransferNumber").text() == "1002"
    jane.wait(lambda: jane.widget("chatTransferButton").isEnabled())
    jane.click("chatTransferButton")  # jane's handler answers ON_REQUEST_TRANSFER_DATA
    qtbot.waitUntil(lambda: _tab_text(center, "omar").endswith("· 1 ringing"), timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: "ON_LOAD_TRANSFER_DATA" in _events(omar), timeout=TIMEOUT_MS)
    jane.wait(lambda: jane.widget("interactionState").text() == "Wrap-up")
    _switch(qtbot, center, "omar")
    omar.wait(lambda: omar.widget("interactionState").text() == "Ringing")
    omar.click("acceptButton")
    omar.wait(lambda: omar.widget("interactionState").text() == "Connected")
    # The lines so far came along with the chat.
    omar.wait(lambda: "Let me get my colleague" in omar.widget("chatTranscript").toPlainText())


def test_a_desktop_behind_the_switcher_keeps_its_own_size(
    qtbot: Any, open_center: Any, window: Any, host: Any, recorder_plugin: Path
) -> None:
    """The switcher's window took the desktop's size and put the switcher's row inside it: at
    the default 1440x900 each desktop was ~36 px shorter than the one-agent window, and its
    inspector's Copy buttons were cut off at the bottom."""
    room = window.screen().availableGeometry().size()
    window.resize(window.width(), room.height() - 100)  # room for the switcher's row above it
    height = window.height()
    center = open_center([AgentOption("omar")], [str(recorder_plugin)], host)
    qtbot.waitUntil(window.isVisible, timeout=TIMEOUT_MS)
    assert window.height() == height
    assert center.height() > height


def test_a_desktop_shown_the_first_time_shows_its_newest_event(qtbot: Any, center: Any) -> None:
    """With Follow on (the default) the event table keeps the newest event in view: a colleague's
    desktop never shown yet took its events on a table laid out at another height, and shown
    the first time (its tab clicked) its newest rows were below the table's edge."""
    omar = _desk(qtbot, center, "omar")
    assert not omar.window.isVisible()
    omar.bridge.act("login")
    for _ in range(10):
        omar.bridge.act("set_agent_state", "ready")
        omar.bridge.act("set_agent_state", "not_ready", "Lunch")
    _switch(qtbot, center, "omar")
    table = omar.widget("eventTable")
    bar = table.verticalScrollBar()
    assert omar.widget("eventFollow").isChecked()
    omar.wait(lambda: table.model().rowCount() > 20 and table.isVisible())
    omar.wait(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())


def test_the_window_title_names_the_application_once(qtbot: Any, center: Any) -> None:
    """Qt adds the application's display name (set by ``adsim``) to a window's title on X11,
    Wayland and Windows, as it does for Preferences: the switcher's window was titled
    `Agent Desktop Simulator — Jane Agent (2 agents) — Agent Desktop Simulator`."""
    app = "Agent Desktop Simulator"
    title = center.windowTitle()
    shown = title if title == app else f"{title} — {app}"  # QPlatformWindow::formatWindowTitle
    assert shown == f"Jane Agent (2 agents) — {app}"
    _switch(qtbot, center, "omar")
    assert center.windowTitle() == "Omar Haddad (2 agents)"
