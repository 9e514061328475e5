"""Handler plugins load off the GUI thread: a plugin whose import hangs froze the window up to
the load timeout (process isolation) or for ever (thread isolation), before it was even shown
working. Now the window says what is loading and for how long, stays usable, and a window
closed meanwhile exits at once and says which plugins never loaded."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import textwrap
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

GATE = "adsim_test_load_gate"
"""A module the hanging plugin imports: its ``gate`` is released by the test (thread isolation:
the plugin runs in the test's own process)."""

HANGING_PLUGIN = textwrap.dedent(
    f"""
    import {GATE}

    {GATE}.started.set()
    {GATE}.gate.wait(30)  # the import hangs until the test lets it go


    def register(ad_api):
        ad_api.on("ON_NEW_INTERACTION", lambda interaction: "seen")
    """
)


@pytest.fixture
def gate() -> Iterator[types.SimpleNamespace]:
    module = types.ModuleType(GATE)
    module.gate = threading.Event()  # type: ignore[attr-defined]
    module.started = threading.Event()  # type: ignore[attr-defined]
    sys.modules[GATE] = module
    try:
        yield module  # type: ignore[misc]
    finally:
        module.gate.set()  # type: ignore[attr-defined]
        sys.modules.pop(GATE, None)


def _open(window: Any, *handlers: Path, login: bool = True) -> Any:
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    options = WindowOptions(
        handlers=[str(path) for path in handlers],
        journal=":memory:",
        isolation="thread",
        login=login,
    )
    return open_session(options, window.settings, window)


def test_a_plugin_whose_import_hangs_does_not_freeze_the_window(qtbot, window, tmp_path, gate):
    """Thread isolation: ``open_session`` imported the plugin on the GUI thread and waited
    for it (for ever, had the import never returned)."""
    from PySide6.QtWidgets import QLabel, QPushButton

    plugin = tmp_path / "hangs.py"
    plugin.write_text(HANGING_PLUGIN, encoding="utf-8")
    before = time.monotonic()
    session = _open(window, plugin)
    try:
        assert gate.started.wait(10), "the plugin's import never began"
        # Back on the GUI thread while the import hangs (its gate waits up to 30 s).
        assert not gate.gate.is_set()
        assert time.monotonic() - before < 25
        status = window.findChild(QLabel, "handlerStatus")
        assert status.text().startswith("Loading plugins: hangs.py"), status.text()
        assert "Loading the handler plugins" in window.findChild(QLabel, "statusMessage").text()
        window.complete()
        assert not window.findChild(QPushButton, "reloadPluginsButton").isEnabled()
        assert not window.findChild(QPushButton, "loadPluginButton").isEnabled()
        assert "hangs.py" in window.findChild(QLabel, "pluginStatus").text()
        # The login waits for the plugins, so that they see it; the window goes on meanwhile.
        assert not session.sim.agent.logged_in
        with qtbot.waitSignal(session.bridge.tick, timeout=5_000):
            pass
        # Past the load timeout: thread isolation cannot stop it; said in the error colour.
        session.host.load_timeout = 0.001
        qtbot.waitUntil(lambda: "still loading after" in status.text(), timeout=5_000)
        assert status.property("error") is True
        assert "cannot stop it" in status.toolTip()
        gate.gate.set()
        qtbot.waitUntil(lambda: session.sim.agent.logged_in, timeout=10_000)
        qtbot.waitUntil(lambda: status.text().startswith("1 plugin(s)"), timeout=5_000)
        assert not status.property("error")
        assert window.findChild(QPushButton, "reloadPluginsButton").isEnabled()
        assert session.host.plugins[0].handler_count == 1
    finally:
        gate.gate.set()
        session.close()


def test_a_plugin_file_that_cannot_be_loaded_is_said_not_raised_out_of_a_slot(
    qtbot, window, tmp_path
):
    """Load plugin… on a folder with no plugin raised out of the button's slot: Qt printed
    a traceback on the terminal, the window said nothing."""
    from PySide6.QtWidgets import QLabel

    session = _open(window, login=False)
    try:
        gone = tmp_path / "gone.py"  # chosen in the dialog, deleted before it loaded
        session.bridge.load_plugin(str(gone))
        message = window.findChild(QLabel, "statusMessage")
        qtbot.waitUntil(lambda: "Loading gone.py failed" in message.text(), timeout=10_000)
        assert "no such handler file" in message.text()
        # The tester's own choice, said in words: not a Python exception's dotted class name.
        assert message.text() == (
            f"Loading gone.py failed: {gone}: no such handler file or directory"
        ), message.text()
        assert message.property("error") is True
        empty = tmp_path / "empty"
        empty.mkdir()
        session.bridge.load_plugin(str(empty))
        qtbot.waitUntil(lambda: "Loading empty failed" in message.text(), timeout=10_000)
        assert "no handler plugin" in message.text()
        assert "LookupError" not in message.text(), message.text()
        assert session.bridge.loading is None
    finally:
        session.close()


def test_a_plugin_whose_register_asks_the_ad_api_loads(qtbot, window, tmp_path):
    """``register()`` runs off the GUI thread now: an ``ad_api`` call there is answered by
    the GUI thread's poll, never a deadlock."""
    plugin = tmp_path / "asks.py"
    plugin.write_text(
        "seen = []\n\n\ndef register(ad_api):\n    seen.append(ad_api.get_agent_state())\n",
        encoding="utf-8",
    )
    session = _open(window, plugin, login=False)
    try:
        qtbot.waitUntil(lambda: session.bridge.loading is None, timeout=15_000)
        (status,) = session.host.plugins
        assert status.loaded, status.error
    finally:
        session.close()


def _read_until(stream: Any, wanted: str, timeout: float) -> str:
    """What ``stream`` said up to the line starting with ``wanted`` ('' if it never came)."""
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    said = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not selector.select(max(0.0, deadline - time.monotonic())):
            break
        line = stream.readline()
        if not line:
            break
        said += line
        if line.startswith(wanted):
            return said
    return ""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_closing_the_window_while_a_plugin_hangs_exits_promptly_and_says_so(tmp_path, isolation):
    """SIGTERM (or File → Quit) while a plugin's import hangs for ever: with thread isolation
    adsim never even showed a usable window before (with process isolation, not for 10 s);
    now it ends at once and says which plugins never loaded (exit 128 + 15)."""
    plugin = tmp_path / "forever.py"
    plugin.write_text(
        "import threading\n\nthreading.Event().wait()\n\n\ndef register(ad_api):\n    pass\n",
        encoding="utf-8",
    )
    env = {
        key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path),
        PYTHONUNBUFFERED="1",
        ADSIM_REPORT_STARTUP="1",  # says "ready" once the session is open; quits once loaded
    )
    args = ["--handler", str(plugin), "--handler-isolation", isolation]
    journal = ["--journal", str(tmp_path / "journal.sqlite")]
    with subprocess.Popen(
        [sys.executable, "-m", "simulator", *args, *journal],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    ) as process:
        try:
            # The session is open, the agent's window usable, the plugin still importing.
            assert _read_until(process.stderr, "ready", 60), "the window never became usable"
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=30)
            rest = process.stderr.read()
        finally:
            if process.poll() is None:
                process.kill()
    assert code == 128 + signal.SIGTERM, rest
    assert "forever.py were loading" in rest, rest
    assert "never got an event" in rest


def test_two_desktops_load_one_at_a_time_and_the_second_says_it_waits():
    """Each agent's desktop loads its plugins off the GUI thread; two imports of one plugin
    file at once would race over the modules beside it, so loads take turns (as they did on
    the GUI thread), and the one waiting says so rather than count seconds it is not loading."""
    from simulator.gui.plugin_loading import PluginLoader, loading_text

    began, release = threading.Event(), threading.Event()
    first, second = PluginLoader(), PluginLoader()
    ran: list[str] = []
    first.submit("jane.py", lambda: (began.set(), release.wait(30), ran.append("jane")))
    assert began.wait(10)
    second.submit("omar.py", lambda: ran.append("omar"))
    host = types.SimpleNamespace(load_timeout=10.0, isolation="thread")
    desk = types.SimpleNamespace(loading=second.current, host=host, loading_all=second.waiting)
    text, _tip, stuck = loading_text(desk)
    assert text == "Plugins: omar.py wait for another desktop's to load"
    assert not stuck
    assert ran == []
    release.set()
    assert first.wait(10) and second.wait(10)
    assert ran == ["jane", "omar"]
    assert [job.what for job in first.collect() + second.collect()] == ["jane.py", "omar.py"]


def test_logging_in_by_hand_while_plugins_load_is_not_refused_later(qtbot, window, tmp_path, gate):
    """The start's login waits for the plugins; a tester who logged in meanwhile got a red
    "Cannot log in" once they were loaded, as if they had done something wrong."""
    from PySide6.QtWidgets import QLabel

    plugin = tmp_path / "hangs.py"
    plugin.write_text(HANGING_PLUGIN, encoding="utf-8")
    session = _open(window, plugin)
    try:
        assert gate.started.wait(10)
        session.bridge.act("login")
        assert session.sim.agent.logged_in
        gate.gate.set()
        qtbot.waitUntil(lambda: session.bridge.loading is None, timeout=10_000)
        message = window.findChild(QLabel, "statusMessage")
        assert not message.property("error"), message.text()
        assert [e.name.value for e in session.bridge.events.events].count("ON_LOGIN") == 1
    finally:
        gate.gate.set()
        session.close()
