"""``adsim --agent omar --page URL --page omar=URL``: each agent's desktop has its own CRM page,
so the example page's transfer-data handlers run on both sides of a transfer in the window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QDockWidget

from simulator.gui.options import AgentOption, WindowOptions

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.gui.page import web_page
from tests.gui.test_center import TIMEOUT_MS, _desk, _log_in_ready, _switch

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "fixtures" / "example_page"
PAGE_TIMEOUT_MS = 30_000

pytestmark = pytest.mark.gui


@pytest.fixture
def paged(qtbot: Any, window: Any, sim: Any, settings: Any) -> Iterator[tuple[Any, list[Any]]]:
    """Jane and Omar behind the switcher, no handler plugins: each desktop's only integration
    is its CRM page (``--page PAGE --page omar=PAGE``)."""
    from simulator.gui.bridge import SimBridge
    from simulator.gui.center import open_agent_pages, open_agents
    from simulator.handlers import HandlerHost

    host = HandlerHost(sim, timeout=10.0, journal=None)
    window.attach(SimBridge(sim, host, parent=window))
    options = WindowOptions(
        agents=[AgentOption("omar")], journal=":memory:", isolation="thread", login=False
    )
    switcher, sessions = open_agents(options, settings, window, [])
    qtbot.addWidget(switcher)
    views = open_agent_pages(switcher, [("jane", str(PAGE)), ("omar", str(PAGE))])
    try:
        yield switcher, views
    finally:
        for session in sessions:
            session.close()
        host.close(timeout=5.0)
        for view in views:
            view.close_page()
        # Run the deferred deletes now: QtWebEngine wants each page gone before its profile.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def test_each_desktop_has_its_own_page_and_the_transfer_data_crosses(
    qtbot: Any, paged: tuple[Any, list[Any]]
) -> None:
    center, (jane_page, omar_page) = paged
    jane = _desk(qtbot, center, "jane")
    omar = _desk(qtbot, center, "omar")
    # Each page is the js:page plugin of its own desktop's handler host, in its own dock.
    assert jane_page.endpoint.host is jane.bridge.host
    assert omar_page.endpoint.host is omar.bridge.host
    assert jane.bridge.host is not omar.bridge.host
    for desk, view in ((jane, jane_page), (omar, omar_page)):
        docks = desk.window.findChildren(QDockWidget, "crmPageDock")
        assert len(docks) == 1 and docks[0].widget() is view
    for view in (jane_page, omar_page):
        qtbot.waitUntil(view.endpoint.ready.is_set, timeout=PAGE_TIMEOUT_MS)

    jane = _log_in_ready(qtbot, center, "jane")
    omar = _log_in_ready(qtbot, center, "omar")
    _switch(qtbot, center, "jane")
    jane.click("offerCallButton")
    jane.wait(lambda: jane.widget("interactionState").text() == "Ringing")
    jane.click("acceptButton")
    jane.wait(lambda: jane.widget("interactionState").text() == "Connected")
    jane.type("transferNumber", "1002")
    omar_bridge = omar.window.findChild(QObject, "simBridge")
    with qtbot.waitSignal(
        omar_bridge.eventArrived,
        timeout=PAGE_TIMEOUT_MS,
        check_params_cb=lambda event: event.name.value == "ON_LOAD_TRANSFER_DATA",
    ) as loaded:
        jane.click("blindTransferButton")  # Jane's page answers ON_REQUEST_TRANSFER_DATA
    jane_item = jane.sim.interactions[0]
    # The example page's answer: the CRM case of Jane's interaction.
    assert loaded.args[0].wire_args[1] == {
        "caseId": "CASE-" + jane_item.id[:8],
        "priority": "high",
    }
    # Omar's page received it (its log shows the packet sent to it).
    qtbot.waitUntil(
        lambda: "ON_LOAD_TRANSFER_DATA" in omar_page.log.toPlainText(), timeout=PAGE_TIMEOUT_MS
    )
    assert "ON_LOAD_TRANSFER_DATA" not in jane_page.log.toPlainText()
    assert "ON_REQUEST_TRANSFER_DATA" in jane_page.log.toPlainText()
    assert TIMEOUT_MS <= PAGE_TIMEOUT_MS


def test_a_page_for_an_agent_the_window_does_not_have_is_refused(
    qtbot: Any, paged: tuple[Any, list[Any]]
) -> None:
    from simulator.gui.center import open_agent_pages
    from simulator.gui.session import SessionError

    center, _views = paged
    with pytest.raises(SessionError, match=r"--page priya=.*add --agent priya"):
        open_agent_pages(center, [("priya", str(PAGE))])
    assert web_page.SCHEME == b"adsim"
