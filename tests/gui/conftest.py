"""Fixtures for the window's tests: offscreen Qt, QSettings in a temporary directory, a simulator
that does nothing by itself (no ring timeout, no automatic remote answer), a handler host with a
plugin that records what it received, and the window attached to all of it."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

RECORDER_PLUGIN = textwrap.dedent(
    '''
    """Records every event it gets: the outcome's result is a summary of the payload."""

    NAMES = (
        "ON_LOGIN",
        "ON_AGENT_STATE_CHANGE",
        "ON_NEW_INTERACTION",
        "ON_INTERACTION_STATE_CHANGE",
        "ON_ACTIVE_INTERACTION_SWITCHED",
        "ON_INTERACTION_REMOVED",
        "ON_SAVE_ACTIVITY_RECORD",
        "ON_LOAD_TRANSFER_DATA",
    )
    KEYS = (
        "interactionId", "state", "type", "callDirection", "callMuted", "callRecording",
        "disposition", "description", "callParties", "email",
    )


    def summary(*args):
        """The payload's interesting keys (or the plain argument)."""
        first = args[0] if args else None
        if hasattr(first, "model_dump"):
            data = first.model_dump(mode="json", by_alias=True)
            return {key: data[key] for key in KEYS if key in data}
        return first


    def transfer_data(interaction_id):
        """ON_REQUEST_TRANSFER_DATA: the case travels with the transfer."""
        return {"caseId": "CASE-42"}


    def register(ad_api):
        for name in NAMES:
            ad_api.on(name, summary)
        ad_api.on("ON_REQUEST_TRANSFER_DATA", transfer_data)
    '''
)


@pytest.fixture(autouse=True)
def _settings_in_tmp(tmp_path: Path) -> Iterator[None]:
    """Never read or write the user's real QSettings."""
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(tmp_path))
    yield


@pytest.fixture
def settings(tmp_path: Path) -> Any:
    """The window's settings in a temporary INI file."""
    from PySide6.QtCore import QSettings

    from simulator.gui.settings import WindowSettings

    return WindowSettings(QSettings(str(tmp_path / "adsim.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def sim() -> Any:
    """A simulator on the wall clock where nothing happens unless the test clicks for it."""
    from simulator.engine import Settings, Simulator, WallClock

    return Simulator(
        seed=7,
        clock=WallClock(),
        settings=Settings(
            ring_timeout_seconds=None,
            chat_offer_timeout_seconds=None,
            outbound_answer_seconds=None,
        ),
    )


@pytest.fixture
def recorder_plugin(tmp_path: Path) -> Path:
    """A handler plugin file recording every event it receives."""
    path = tmp_path / "recorder.py"
    path.write_text(RECORDER_PLUGIN, encoding="utf-8")
    return path


@pytest.fixture
def host(sim: Any, recorder_plugin: Path) -> Iterator[Any]:
    """The real handler host with the recording plugin loaded (no journal)."""
    from simulator.handlers import HandlerHost

    handler_host = HandlerHost(sim, timeout=10.0, journal=None)
    handler_host.load(recorder_plugin)
    yield handler_host
    handler_host.close(timeout=5.0)


@pytest.fixture
def window(qtbot: Any, settings: Any) -> Any:
    """The main window, shown, not yet attached to a simulator."""
    from simulator.gui.window import MainWindow

    main = MainWindow(settings)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    return main


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Iterator[None]:
    """Once a test and its fixtures are torn down, delete the windows pytest-qt closed: each
    test's window stayed to the session's end otherwise (see ``delete_closed_windows``)."""
    result = yield
    from simulator.gui.testing import delete_closed_windows

    delete_closed_windows(getattr(item, "fixturenames", ()))
    return result


@pytest.fixture
def desk(qtbot: Any, window: Any, sim: Any, host: Any) -> Any:
    """The window attached to ``sim`` with the handler host: what a tester starts from."""
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    bridge = SimBridge(sim, host, parent=window)
    window.attach(bridge)
    return Desk(qtbot, window)


@pytest.fixture
def bare_desk(qtbot: Any, window: Any, sim: Any) -> Any:
    """The window attached to ``sim`` without handlers."""
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    bridge = SimBridge(sim, None, parent=window)
    window.attach(bridge)
    return Desk(qtbot, window)


@pytest.fixture
def ringing_desk(qtbot: Any, window: Any) -> Any:
    """The window over a virtual-clock simulator with the default 20 s ring timeout, Ready."""
    from simulator.engine import Settings, Simulator
    from simulator.gui.bridge import SimBridge
    from tests.gui.driver import Desk

    sim = Simulator(seed=7, settings=Settings(outbound_answer_seconds=None))
    window.attach(SimBridge(sim, None, parent=window))
    desk = Desk(qtbot, window)
    desk.click("agentLoginButton")
    desk.select("agentStateCombo", "ready")
    return desk
