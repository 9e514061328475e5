"""With ``--handler-isolation thread``, closing the window says what the plugins left running in
adsim's process as ``adsim run`` says it (their threads and processes get the close grace, then
each is named, exit 1), and a thread a plugin's ``register()`` started is not a daemon unless
the plugin says so, as on ``adsim run``'s main thread."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

LEAVES_A_THREAD = """
import threading

from tests.gui.test_closing_leftovers import STOP



def register(ad_api):
    # Not a daemon; it ends when the test says so (``threading.Event`` the test sets).
    threading.Thread(target=STOP.wait, name="crm-worker").start()
    ad_api.on("ON_LOGIN", lambda event: None)
"""

DAEMON_ON_PURPOSE = """
import threading

NEVER = threading.Event()


def register(ad_api):
    threading.Thread(target=NEVER.wait, name="crm-telemetry", daemon=True).start()
    ad_api.on("ON_LOGIN", lambda event: None)
"""

STOP = threading.Event()
"""What the plugin's thread waits for: set once the close has named it."""

LINE = (
    "  thread(s) crm-worker that a plugin started still running 0.5 s after the end; adsim "
    "ended them with itself (--handler-isolation thread), whatever they were doing"
)


def _open(window: Any, tmp_path: Path, source: str, name: str) -> Any:
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    plugin = tmp_path / f"{name}.py"
    plugin.write_text(source, encoding="utf-8")
    options = WindowOptions(
        handlers=[str(plugin)], isolation="thread", journal=":memory:", login=False
    )
    return open_session(options, window.settings, window)


def test_a_thread_a_plugin_left_is_named_at_the_close(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    """Before: the window's close said nothing of it and exited 0 (the thread, a daemon as the
    loading thread that started it, was cut off at exit without a word)."""
    STOP.clear()
    try:
        session = _open(window, tmp_path, LEAVES_A_THREAD, "leaves_a_thread")
        qtbot.waitUntil(lambda: session.bridge.loading is None, timeout=30_000)
        (thread,) = [t for t in threading.enumerate() if t.name == "crm-worker"]
        assert not thread.daemon, "register() on the loading thread made its thread a daemon"
        lines = session.close()
    finally:
        STOP.set()
    thread.join(30)
    assert lines, "the close said nothing of the thread the plugin left running"
    assert lines[0].startswith("handlers: 0 of "), lines
    assert lines[0].endswith("1 plugin problem(s)"), lines
    assert LINE in lines, lines


def test_a_daemon_made_on_purpose_is_left_as_adsim_run_leaves_it(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    session = _open(window, tmp_path, DAEMON_ON_PURPOSE, "daemon_on_purpose")
    qtbot.waitUntil(lambda: session.bridge.loading is None, timeout=30_000)
    assert session.close() == []


def test_a_load_that_never_ends_is_still_a_daemon_to_everyone_else():
    """While a load ran (``lending``), the loading thread said ``daemon`` False to every caller:
    a load stuck at exit looked like a plugin's thread keeping adsim alive, and adsim's check of
    leftovers (``leftover_threads.exit_past``) ended the process with ``os._exit``, skipping
    every ``atexit`` function. Only the threads it starts take False from it."""
    from simulator.gui.plugin_loading import _LoadingThread

    inside = threading.Event()
    release = threading.Event()
    started: list[threading.Thread] = []

    def load() -> None:
        thread = threading.current_thread()
        assert isinstance(thread, _LoadingThread)
        thread.lending = True
        child = threading.Thread(target=release.wait, args=(30,))
        started.append(child)
        inside.set()
        release.wait(30)

    loading = _LoadingThread(target=load, name="adsim-plugin-loading", daemon=True)
    loading.start()
    try:
        assert inside.wait(30)
        assert loading.daemon is True, "to the main thread (and adsim's exit checks): a daemon"
        assert started[0].daemon is False, "a thread its plugin code made: not a daemon"
    finally:
        release.set()
        loading.join(30)


OMARS_WORKER = """
import threading

from tests.gui.test_closing_leftovers import STOP


def work():
    STOP.wait()


def register(ad_api):
    threading.Thread(target=work, name="omar-sync").start()
    ad_api.on("ON_LOGIN", lambda event: None)
"""

QUIET = """
def register(ad_api):
    ad_api.on("ON_LOGIN", lambda event: None)
"""


@pytest.fixture
def keep() -> Any:
    """Top-level windows a test opens, alive until the test's widgets are closed."""
    kept: list[Any] = []
    yield kept
    kept.clear()


def _open_two(qtbot: Any, window: Any, tmp_path: Path, omars: str, keep: list[Any]) -> Any:
    from simulator.gui.options import AgentOption, WindowOptions
    from simulator.gui.session import open_session

    jane = tmp_path / "quiet.py"
    jane.write_text(QUIET, encoding="utf-8")
    omar = tmp_path / "omars.py"
    omar.write_text(omars, encoding="utf-8")
    options = WindowOptions(
        handlers=[f"jane={jane}", f"omar={omar}"],
        agents=[AgentOption("omar")],
        isolation="thread",
        journal=":memory:",
        login=False,
    )
    session = open_session(options, window.settings, window)
    qtbot.addWidget(session.center)
    keep.append(session.center)
    for each in (session, *session.others):
        qtbot.waitUntil(lambda each=each: each.bridge.loading is None, timeout=30_000)
    return session


def test_with_several_agents_a_thread_is_said_in_its_plugins_agents_summary(
    qtbot: Any, window: Any, tmp_path: Path, keep: list[Any]
) -> None:
    """Omar's plugin left a thread running: the close said it in Jane's summary (`jane's
    handlers: ...`), the tenant's agent's, whose plugins had left nothing."""
    STOP.clear()
    try:
        session = _open_two(qtbot, window, tmp_path, OMARS_WORKER, keep)
        (thread,) = [t for t in threading.enumerate() if t.name == "omar-sync"]
        lines = session.close()
    finally:
        STOP.set()
    thread.join(30)
    assert lines[0].startswith("omar's handlers: 0 of "), lines
    assert not any(line.startswith("jane's") for line in lines), lines
    assert "  thread(s) omar-sync that a plugin started still running 0.5 s" in "\n".join(lines)


def test_with_several_agents_a_thread_whose_plugin_cannot_be_told_says_so(
    qtbot: Any, window: Any, tmp_path: Path, keep: list[Any]
) -> None:
    """A thread running a library's function (here `threading.Event.wait`) says nothing of the
    plugin that started it: it is said as one agent's or another's, never pinned on one."""
    STOP.clear()
    try:
        session = _open_two(qtbot, window, tmp_path, LEAVES_A_THREAD, keep)
        (thread,) = [t for t in threading.enumerate() if t.name == "crm-worker"]
        lines = session.close()
    finally:
        STOP.set()
    thread.join(30)
    said = "\n".join(lines)
    assert (
        "thread(s) crm-worker that a plugin of jane or omar (adsim cannot tell whose: they "
        "share its process) started still running 0.5 s" in said
    ), lines
