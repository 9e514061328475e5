"""The example CRM page in QtWebEngine (offscreen), wired to the simulator over QWebChannel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets", reason="needs agent-desktop-simulator[web]")

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QTabWidget

# Imported at collection, before any QApplication exists: it registers the adsim:// scheme.
from simulator.gui.page import web_page
from simulator.handlers import HandlerHost
from simulator.scenarios.loader import load_scenario
from simulator.scenarios.runner import ScenarioRunner

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


TENANT_PAGE = """<!doctype html>
<meta charset="utf-8">
<script src="https://acme.tenant.example/agent/communicator/adapters/api.js"></script>
<div id="widget"></div>
<script>
  window.adApi = new window.brightpattern.AdApi({mountRoot: document.getElementById("widget")});
</script>
"""


def test_a_page_that_names_its_tenant_gets_the_shim_and_widget_frame(
    qtbot: Any, page: Any, tmp_path: Path
) -> None:
    """Unmodified pages load api.js from their tenant: the shim answers there, and the widget
    frame the shim mounts at the tenant (as the vendor's does) is the simulator's placeholder."""
    (tmp_path / "index.html").write_text(TENANT_PAGE, encoding="utf-8")
    runner = ScenarioRunner(load_scenario(SCENARIOS / "chat.yaml"))
    host = HandlerHost(runner.sim, timeout=10.0)
    endpoint = page.connect_host(host)
    try:
        with qtbot.waitSignal(page.view.loadFinished, timeout=20_000):
            page.open(tmp_path)
        qtbot.waitUntil(endpoint.ready.is_set, timeout=20_000)
        frame = _js(qtbot, page, "document.querySelector('iframe[data-adsim]').src")
        assert frame == "https://acme.tenant.example/agent/communicator/"
        qtbot.waitUntil(lambda: "Agent Desktop" in _frame_title(qtbot, page), timeout=20_000)
        assert "blocked" not in page.log.toPlainText()
    finally:
        host.close(timeout=5)


def _frame_title(qtbot: Any, view: web_page.CrmPageView) -> str:
    """The title of the page's first child frame (the widget), '' until it has loaded."""
    children = view.page.mainFrame().children()
    if not children:
        return ""
    box: list[Any] = []
    children[0].runJavaScript("document.title", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return str(box[0] or "")


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://API.example.com/v1?q=1", "https://api.example.com"),
        ("https://api.example.com:443/", "https://api.example.com"),
        ("http://localhost:8000/x", "http://localhost:8000"),
        ("http://[::1]:8000/api", "http://[::1]:8000"),
    ],
)
def test_origins_are_normalised_and_round_trip(url: str, origin: str) -> None:
    from PySide6.QtCore import QUrl

    assert web_page.origin_of(QUrl(url)) == origin
    assert web_page.parse_origin(origin) == origin  # what the hint says is what the option takes
    assert web_page.allow_hint(url) == f"(--allow-origin {origin} lets it through)"


def test_a_page_logging_a_megabyte_in_one_line_is_cut_in_the_log(qtbot: Any, page: Any) -> None:
    """Laid out whole, one unbroken line of 1 MB froze the window for minutes (Qt's layout of
    a line with nowhere to break grows with the square of its length)."""
    with qtbot.waitSignal(page.view.loadFinished, timeout=20_000):
        page.open(PAGE)
    page.run_js("console.log('A'.repeat(1000000)), true", lambda _: None)
    qtbot.waitUntil(
        lambda: "more characters of this line" in page.log.toPlainText(), timeout=20_000
    )
    (line,) = [text for text in page.log.toPlainText().splitlines() if "AAAA" in text]
    assert len(line) < 11_000


def test_a_window_with_a_crm_page_closes_without_qtwebengine_s_warning(tmp_path: Path) -> None:
    """``adsim --page DIR`` printed "Release of profile requested but WebEnginePage still not
    deleted. Expect troubles !" each time its window closed: the page was left to Python's exit,
    which released its profile first."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ADSIM_REPORT_STARTUP": "1"}
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "simulator",
            "--page",
            str(PAGE),
            "--journal",
            str(tmp_path / "journal.sqlite3"),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "ready" in done.stderr, "the window opened with its page"
    assert "WebEnginePage still not deleted" not in done.stderr
