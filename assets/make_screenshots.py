"""Take the README's screenshots of the real window (run under a real X server or Xvfb):

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python assets/make_screenshots.py
    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python assets/make_screenshots.py center

A session is played on a virtual clock started at the current time (so timers show minutes, not
zeros), with the sample ``mini_crm`` handler loaded, then the window is grabbed into
``assets/screenshot-*.png``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDockWidget

from simulator.engine import Settings, Simulator, VirtualClock
from simulator.gui.bridge import SimBridge
from simulator.gui.settings import WindowSettings
from simulator.gui.theme.style import apply_theme
from simulator.gui.window import MainWindow
from simulator.handlers import HandlerHost

ASSETS = Path(__file__).resolve().parent
ROOT = ASSETS.parent


def _session(window: MainWindow) -> tuple[SimBridge, HandlerHost]:
    start = (int(time.time()) - 15 * 60) * 1000
    sim = Simulator(
        seed=11,
        clock=VirtualClock(start),
        settings=Settings(start_time_ms=start, ring_timeout_seconds=25),
    )
    host = HandlerHost(sim, timeout=5.0)
    host.load(ROOT / "fixtures" / "handlers" / "mini_crm.py")
    bridge = SimBridge(sim, host, parent=window)
    window.attach(bridge)
    return bridge, host


def _step(bridge: SimBridge, host: HandlerHost, seconds: float = 0) -> None:
    if seconds:
        bridge.sim.advance(seconds)
    host.settle(5)
    bridge.poll()
    bridge.changed.emit()
    QApplication.processEvents()


def _play(bridge: SimBridge, host: HandlerHost) -> tuple[str, str]:
    """Earlier calls, then a chat and a direct call going on at once; returns (call, chat)."""
    sim = bridge.sim
    act = bridge.act
    act("login")
    _step(bridge, host, 20)
    act("set_agent_state", "ready")
    _step(bridge, host, 35)
    # An earlier call: answered, held, wrapped up.
    act("offer_call", "Customer Support", {"first_name": "Lena", "last_name": "Fischer"})
    _step(bridge, host, 6)
    act("accept_interaction")
    _step(bridge, host, 70)
    act("set_call_hold", True)
    _step(bridge, host, 25)
    act("set_call_hold", False)
    _step(bridge, host, 40)
    act("customer_hang_up")
    _step(bridge, host, 22)
    act("add_note", "Reset the router remotely; customer confirmed it works.")
    act("complete_interaction")
    _step(bridge, host, 50)
    # A call nobody answered in time: the agent goes Not Ready "No Answer".
    act("offer_call", "IT Helpdesk", {"first_name": "Noah", "last_name": "Kim"})
    _step(bridge, host, 26)
    act("set_agent_state", "ready")
    _step(bridge, host, 40)
    # A chat, and a call straight to the agent while chatting.
    act(
        "offer_chat",
        "Web Chat",
        {"first_name": "Sam", "last_name": "Okafor"},
        "Hi! Can I change the delivery address of order 4471?",
    )
    _step(bridge, host, 4)
    chat = sim.active_interaction_id
    assert chat is not None
    act("accept_interaction", chat)
    _step(bridge, host, 20)
    act("send_chat_message", "Hello Sam, sure. What is the new address?", chat)
    _step(bridge, host, 35)
    act("customer_message", "12 Harbour Street, Leeds LS1 4DY", chat)
    _step(bridge, host, 9)
    act(
        "offer_call",
        "Sales",
        {"first_name": "Maria", "last_name": "Gonzalez", "company": "Northwind Traders"},
        attached_data={"campaign": "Spring upgrade"},
        direct=True,
    )
    _step(bridge, host, 5)
    call = sim.active_interaction_id
    assert call is not None and call != chat
    act("accept_interaction", call)
    _step(bridge, host, 48)
    act("set_call_recording", True, call)
    _step(bridge, host, 62)
    act("set_call_mute", True, call)
    _step(bridge, host, 6)
    act("set_call_mute", False, call)
    act("add_note", "Upgrading to the premium plan from next month.", call)
    _step(bridge, host, 71)
    return call, chat


def _select_last_state_change(window: MainWindow, interaction_id: str, key: str = "") -> None:
    """Select the interaction's last state change (whose payload has ``key`` true, if given)."""
    inspector = window.inspector
    assert inspector is not None and inspector.events is not None
    model = inspector.events
    row = max(
        r
        for r in range(model.rowCount())
        if model.event_at(r).name.value == "ON_INTERACTION_STATE_CHANGE"
        and model.event_at(r).interaction_id == interaction_id
        and (not key or model.event_at(r).wire_args[0].get(key) is True)
    )
    inspector.follow.setChecked(False)
    inspector.event_table.selectRow(row)
    inspector.event_table.scrollTo(model.index(row, 0))


def _grab_inspector(window: MainWindow, tab: int, name: str) -> None:
    """The inspector on its own, floating and larger than its dock."""
    dock = window.inspector_dock
    inspector = window.inspector
    assert inspector is not None
    inspector.setCurrentIndex(tab)
    dock.setFloating(True)
    dock.resize(1300, 560)
    QApplication.processEvents()
    inspector.grab().save(str(ASSETS / name))
    dock.setFloating(False)
    QApplication.processEvents()


def _pump(bridge: SimBridge, host: HandlerHost, seconds: float = 0) -> None:
    """Like ``_step``, but the page's answers arrive through the Qt event loop: spin it."""
    if seconds:
        bridge.sim.advance(seconds)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        QApplication.processEvents()
        bridge.poll()
        if not host.pending:
            break
    bridge.changed.emit()
    QApplication.processEvents()


def _page_shot(settings: WindowSettings) -> None:
    """The desktop with our example CRM page docked, after two finished calls."""
    from simulator.gui.page.web_page import add_crm_page_dock

    window = MainWindow(settings)
    window.resize(1900, 960)
    window.show()
    bridge, host = _session(window)
    bridge._poll.stop()
    view = add_crm_page_dock(window, host, ROOT / "fixtures" / "example_page")
    dock = window.findChild(QDockWidget, "crmPageDock")
    window.resizeDocks([dock], [720], Qt.Orientation.Horizontal)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not (view.endpoint and view.endpoint.ready.is_set()):
        QApplication.processEvents()
    act = bridge.act
    act("login")
    act("set_agent_state", "ready")
    _pump(bridge, host, 5)
    for name, service, disposition in (
        ({"first_name": "Ann", "last_name": "Lee"}, "Sales", "Product sold"),
        ({"first_name": "Ravi", "last_name": "Shah"}, "Customer Support", "Problem solved"),
    ):
        act("offer_call", service, name)
        _pump(bridge, host, 3)
        act("accept_interaction")
        _pump(bridge, host, 95)
        act("customer_hang_up")
        act("set_disposition", disposition)
        act("complete_interaction")
        _pump(bridge, host, 10)
    act("offer_call", "Sales", {"first_name": "Jo", "last_name": "Park"})
    _pump(bridge, host, 2)
    act("accept_interaction")
    _pump(bridge, host, 30)
    end = time.monotonic() + 2
    while time.monotonic() < end:
        QApplication.processEvents()
    window.grab().save(str(ASSETS / "screenshot-crm-page.png"))
    window.close()
    host.close(timeout=5)


def _wrap_up_shot(settings: WindowSettings) -> None:
    """A Sales call in wrap-up, no handler to pick a default: the disposition is required,
    Complete waits for it; the inspector shows what the hang-up changed."""
    window = MainWindow(settings)
    window.resize(1440, 900)
    window.show()
    start = (int(time.time()) - 6 * 60) * 1000
    sim = Simulator(seed=5, clock=VirtualClock(start), settings=Settings(start_time_ms=start))
    host = HandlerHost(sim, timeout=5.0)
    bridge = SimBridge(sim, host, parent=window)
    window.attach(bridge)
    bridge._poll.stop()
    act = bridge.act
    act("login")
    _step(bridge, host, 30)
    act("set_agent_state", "ready")
    _step(bridge, host, 40)
    customer = {"first_name": "Ann", "last_name": "Lee", "company": "Contoso"}
    act("offer_call", "Sales", customer)
    _step(bridge, host, 5)
    act("accept_interaction")
    _step(bridge, host, 95)
    act("set_call_hold", True)
    _step(bridge, host, 30)
    act("set_call_hold", False)
    _step(bridge, host, 64)
    act("customer_hang_up")
    _step(bridge, host, 17)
    call = sim.active_interaction_id
    assert call is not None
    _select_last_state_change(window, call)
    _step(bridge, host)
    window.grab().save(str(ASSETS / "screenshot-wrap-up.png"))
    window.close()
    host.close(timeout=5)


def _center_shot(settings: WindowSettings) -> None:
    """Two agents behind the switcher, mid-transfer: Jane blind-transferred her caller to Omar
    (her call in wrap-up, Omar's tab says an offer rings there); then Omar's desktop with the
    offer and, in his inspector, the transfer data Jane's integration gave."""
    from simulator.gui.center import CenterWindow

    start = (int(time.time()) - 12 * 60) * 1000
    sim = Simulator(
        seed=3,
        clock=VirtualClock(start),
        settings=Settings(start_time_ms=start, ring_timeout_seconds=30),
    )
    omar = sim.center.add_agent("omar")
    center = CenterWindow(settings)
    desks = []
    for desk in (sim, omar):
        window = MainWindow(settings)
        host = HandlerHost(desk, timeout=5.0)
        host.load(ROOT / "fixtures" / "handlers" / "mini_crm.py")
        bridge = SimBridge(desk, host, parent=window)
        window.attach(bridge)
        bridge._poll.stop()  # the virtual clock moves only when the script says so
        center.add_desk(window)
        desks.append((window, bridge, host))
    center.resize(1600, 960)
    center.show()
    (jane_window, jane, jane_host), (omar_window, omar_bridge, omar_host) = desks

    def step(seconds: float = 0) -> None:
        _step(jane, jane_host, seconds)
        _step(omar_bridge, omar_host)
        center.refresh()

    jane.act("login")
    omar_bridge.act("login")
    step(30)
    jane.act("set_agent_state", "ready")
    step(20)
    omar_bridge.act("set_agent_state", "ready")
    step(40)
    jane.act("offer_call", "Customer Support", {"first_name": "Lena", "last_name": "Fischer"})
    step(4)
    jane.act("accept_interaction")
    step(85)
    jane_window.control("transferNumber").setText("1002")
    jane_window.control("blindTransferButton").click()
    step(6)
    jane.act("add_note", "Router keeps dropping; Omar (2nd line) takes it from here.")
    step(4)
    loaded = omar_window.inspector
    assert loaded is not None
    center.grab().save(str(ASSETS / "screenshot-agents.png"))
    center.select("omar")
    model = loaded.events
    assert model is not None
    row = max(
        r
        for r in range(model.rowCount())
        if model.event_at(r).name.value == "ON_LOAD_TRANSFER_DATA"
    )
    loaded.follow.setChecked(False)
    loaded.event_table.selectRow(row)
    step()
    center.grab().save(str(ASSETS / "screenshot-agents-colleague.png"))
    center.close()
    jane_host.close(timeout=5)
    omar_host.close(timeout=5)


def main() -> int:
    """Play the session and save the screenshots (``center``: only the two-agent ones)."""
    import simulator.gui.page.web_page  # noqa: F401  (QtWebEngine loads before the QApplication)

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as scratch:
        settings = WindowSettings(QSettings(f"{scratch}/adsim.ini", QSettings.Format.IniFormat))
        apply_theme(app, "light")
        if sys.argv[1:] == ["center"]:
            _center_shot(settings)
            return 0
        window = MainWindow(settings)
        window.resize(1440, 900)
        window.show()
        bridge, host = _session(window)
        bridge._poll.stop()  # the virtual clock moves only when the script says so
        call, chat = _play(bridge, host)
        _select_last_state_change(window, call)
        _step(bridge, host)
        window.grab().save(str(ASSETS / "screenshot-call.png"))

        window.set_theme("dark")
        bridge.act("switch_active_interaction", chat)
        inspector = window.inspector
        assert inspector is not None
        inspector.setCurrentIndex(3)
        _step(bridge, host)
        window.grab().save(str(ASSETS / "screenshot-dark.png"))

        window.set_theme("light")
        bridge.act("switch_active_interaction", call)
        _select_last_state_change(window, call, "callMuted")
        _step(bridge, host)
        _grab_inspector(window, 0, "screenshot-inspector.png")
        _grab_inspector(window, 3, "screenshot-timeline.png")
        inspector.select_first_outcome()
        _grab_inspector(window, 1, "screenshot-outcomes.png")
        window.close()
        host.close(timeout=5)
        _wrap_up_shot(settings)
        _page_shot(settings)
        # Fresh settings: the page shot saved its wide dock layout, which every desktop would
        # restore.
        _center_shot(WindowSettings(QSettings(f"{scratch}/center.ini", QSettings.Format.IniFormat)))
        # Quit through Qt's loop, as the app does: the CRM page is released before its profile
        # at ``aboutToQuit`` (else QtWebEngine's "Expect troubles !" at exit).
        QTimer.singleShot(0, app.quit)
        app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
