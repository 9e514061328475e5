"""The example CRM page in QtWebEngine (offscreen), wired to the simulator over QWebChannel."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QTabWidget

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.gui import web_page
from simulator.handlers import HandlerHost
from simulator.scenarios.loader import load_scenario
from simulator.scenarios.runner import ScenarioResult, ScenarioRunner

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "fixtures" / "example_page"
SCENARIOS = ROOT / "fixtures" / "scenarios"

pytestmark = pytest.mark.gui


def _js(qtbot: Any, view: web_page.CrmPageView, script: str) -> Any:
    box: list[Any] = []
    view.run_js(script, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


@pytest.fixture
def page(qtbot: Any) -> Any:
    view = web_page.CrmPageView()
    view.resize(1100, 700)
    view.show()
    yield view
    view.close_page()
    view.deleteLater()
    # Run the deferred deletes now: QtWebEngine wants each page gone before its profile.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _play(qtbot: Any, view: web_page.CrmPageView, scenario: str) -> tuple[ScenarioResult, Any]:
    runner = ScenarioRunner(load_scenario(SCENARIOS / scenario))
    host = HandlerHost(runner.sim, timeout=10.0)
    runner.host = host
    endpoint = view.connect_host(host, name="js:example_page")
    with qtbot.waitSignal(view.view.loadFinished, timeout=20_000) as loaded:
        view.open(PAGE)
    assert loaded.args == [True]
    qtbot.waitUntil(endpoint.ready.is_set, timeout=20_000)
    # The runner waits for the handlers (the page) after each step: it cannot do that on the
    # GUI thread the page needs, so it drives the simulation from its own thread.
    box: list[ScenarioResult] = []
    thread = threading.Thread(target=lambda: box.append(runner.run()), daemon=True)
    thread.start()
    qtbot.waitUntil(lambda: bool(box), timeout=60_000)
    thread.join(5)
    return box[0], host


def test_example_page_saves_every_activity_record(qtbot: Any, page: Any) -> None:
    result, host = _play(qtbot, page, "blind_transfer.yaml")
    try:
        assert result.passed, [str(f) for f in result.failures] + [str(result.error)]
        records = [e.wire_args[0] for e in result.events if e.name == "ON_SAVE_ACTIVITY_RECORD"]
        assert records
        shown = _js(
            qtbot,
            page,
            "Array.from(document.querySelectorAll('#activities li'))"
            ".map(li => li.getAttribute('data-interaction-id'))",
        )
        assert shown == [r["interactionId"] for r in records]
        assert _js(qtbot, page, "window.exampleCrm.activities") == records
        packets = _js(qtbot, page, "window.exampleCrm.packets.map(p => p[0])")
        assert packets[:3] == ["hello", "hi", "ready"]
        assert "ON_REQUEST_TRANSFER_DATA_RESPONSE" in packets
        assert {o.plugin for o in host.outcomes} == {"js:example_page"}
        assert all(o.status == "ok" for o in host.outcomes), [o.line() for o in host.failures]
        log = page.log.toPlainText()
        assert "page -> " in log and "page <- " in log
    finally:
        host.close(timeout=5)


def test_page_buttons_call_the_simulator(qtbot: Any, page: Any) -> None:
    runner = ScenarioRunner(load_scenario(SCENARIOS / "chat.yaml"))
    host = HandlerHost(runner.sim, timeout=10.0)
    endpoint = page.connect_host(host)
    try:
        with qtbot.waitSignal(page.view.loadFinished, timeout=20_000):
            page.open(PAGE)
        qtbot.waitUntil(endpoint.ready.is_set, timeout=20_000)
        _js(qtbot, page, "document.getElementById('state').click(), true")

        def answered() -> bool:
            host.wait_idle(0)  # runs the page's request on this (the simulation's) thread
            text = _js(qtbot, page, "document.getElementById('result').textContent")
            return "not_logged_in" in text

        qtbot.waitUntil(answered, timeout=20_000)
    finally:
        host.close(timeout=5)


def test_other_network_is_blocked(qtbot: Any, page: Any) -> None:
    with qtbot.waitSignal(page.view.loadFinished, timeout=20_000):
        page.open(PAGE)
    with qtbot.waitSignal(page.guard.blocked, timeout=20_000) as blocked:
        page.run_js("fetch('https://example.com/x').catch(() => 0), true", lambda _: None)
    assert blocked.args[0].startswith("https://example.com/")
    assert "blocked https://example.com/x" in page.log.toPlainText()
    _js(
        qtbot,
        page,
        "(window.probe = 'pending', fetch('/../../etc/passwd')"
        ".then(r => { window.probe = r.status; }, () => { window.probe = 'failed'; }), true)",
    )
    qtbot.waitUntil(lambda: _js(qtbot, page, "window.probe") != "pending", timeout=20_000)
    assert _js(qtbot, page, "window.probe") in ("failed", 404)


def test_crm_page_dock_in_the_window(qtbot: Any, desk: Any, host: Any) -> None:
    """The page as a dock of the real window on the wall clock: clicks in the window reach it."""
    view = web_page.add_crm_page_dock(desk.window, host, name="js:example_page")
    try:
        with qtbot.waitSignal(view.view.loadFinished, timeout=20_000):
            view.open(PAGE)
        assert view.endpoint is not None
        qtbot.waitUntil(view.endpoint.ready.is_set, timeout=20_000)
        desk.click("agentLoginButton")
        desk.wait(lambda: desk.sim.agent.logged_in)
        desk.choose("agentStateCombo", "Ready")
        desk.click("offerCallButton")
        desk.wait(lambda: desk.state() == "delivery_pending")
        call = desk.active()
        desk.click("acceptButton")
        desk.click("hangUpButton")
        desk.wait(lambda: desk.state() == "wrap_up")
        desk.choose("dispositionCombo", "Problem solved")
        desk.click("completeButton")
        shown = (
            "Array.from(document.querySelectorAll('#activities li'))"
            ".map(li => li.getAttribute('data-interaction-id'))"
        )
        qtbot.waitUntil(lambda: _js(qtbot, view, shown) == [call.id], timeout=20_000)
        tabs = desk.window.inspector
        titles = [tabs.tabText(i) for i in range(QTabWidget.count(tabs))]
        assert "CRM page" in titles
        plugins = {o.plugin for o in host.outcomes}
        assert "js:example_page" in plugins
    finally:
        view.close_page()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
