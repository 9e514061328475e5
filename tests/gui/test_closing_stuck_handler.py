"""Closing the window while a handler call is stuck (a CRM call with no timeout): the close
ends within its grace, the call is journaled as a ``timeout`` with where it was, and the
terminal is told what the close does with it, in both isolations."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.gui

WAIT_S = 60.0
"""Seconds for what takes well under one (a loaded 2-core machine): a guard, not a pace."""

RELEASE = threading.Event()
"""What the thread-isolated handler waits for: set only at the test's teardown."""

STUCK = """
import threading
from pathlib import Path


def on_state(*args):
    Path({mark!r}).write_text("running", encoding="utf-8")
    {wait}  # a CRM call with no timeout


def register(ad_api):
    ad_api.on("ON_AGENT_STATE_CHANGE", on_state)
"""

WAITS = {
    # In adsim's process: it waits until the test's teardown lets it go.
    "thread": "from tests.gui.test_closing_stuck_handler import RELEASE; RELEASE.wait()",
    # In its own process, which the close ends: for ever.
    "process": "threading.Event().wait()",
}


@pytest.fixture
def released() -> Iterator[None]:
    RELEASE.clear()
    yield
    RELEASE.set()


QUIET = """
def quiet(*args):
    pass


def register(ad_api):
    ad_api.on("ON_AGENT_STATE_CHANGE", quiet)
"""


def _stuck_session(
    qtbot: Any, window: Any, tmp_path: Path, isolation: str, *, quiet: bool = False
) -> Any:
    """The window's session with a plugin whose handler is stuck in its call, running
    (``quiet``: and a second plugin taking the same events, after it)."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    mark = tmp_path / "running"
    plugin = tmp_path / "stuck.py"
    source = STUCK.format(mark=str(mark), wait=WAITS[isolation])
    plugin.write_text(source, encoding="utf-8")
    handlers = [str(plugin)]
    if quiet:
        handlers.append(str(tmp_path / "quiet.py"))
        (tmp_path / "quiet.py").write_text(QUIET, encoding="utf-8")
    journal = tmp_path / "journal.sqlite"
    options = WindowOptions(
        handlers=handlers, isolation=isolation, journal=str(journal), login=False
    )
    session = open_session(options, window.settings, window)
    qtbot.waitUntil(lambda: session.bridge.loading is None, timeout=30_000)
    session.bridge.act("login")
    qtbot.waitUntil(mark.exists, timeout=30_000)
    return session


def _journaled_outcomes(path: Path) -> list[tuple[str, str, str | None]]:
    with contextlib.closing(sqlite3.connect(path)) as reader:
        return reader.execute("SELECT status, error, traceback FROM outcomes").fetchall()


@pytest.mark.usefixtures("released")
@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_call_stuck_at_the_close_is_journaled_a_timeout_with_where_it_was(
    qtbot: Any, window: Any, tmp_path: Path, isolation: str
) -> None:
    """With process isolation the call's outcome had no traceback (its process was killed at
    the close with its stacks dumped for the summary's line only): where it was, which
    docs/handlers.md promises, was in no journal."""
    session = _stuck_session(qtbot, window, tmp_path, isolation)
    lines = session.close(wait=0)
    assert lines and lines[0].startswith("handlers: 1 of 1 calls failed (1 timeout)"), lines
    [(status, error, trace)] = _journaled_outcomes(tmp_path / "journal.sqlite")
    assert status == "timeout"
    assert error.startswith("api_not_answer: adsim stopped while this call was running"), error
    assert trace is not None, "where the call was is not journaled"
    # A traceback of adsim's thread, or the plugin's process's stacks (faulthandler's): in
    # its handler (at the mark's write or the wait after it: the test cannot tell when).
    assert f'"{tmp_path / "stuck.py"}", line ' in trace, trace
    assert "in on_state" in trace, trace


@pytest.mark.usefixtures("released")
def test_a_thread_call_the_close_waited_for_is_not_said_not_waited_for(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    """The terminal said `waiting up to 2 s ... (one still running then is stopped, and its
    plugin's process ended after its close grace)`, then the call `not waited for`: with
    thread isolation there is no plugin process, the call cannot be stopped, and it was
    waited for."""
    session = _stuck_session(qtbot, window, tmp_path, "thread")
    said: list[str] = []
    lines = session.close(wait=0.2, say=said.append)  # the window's close: CLOSE_GRACE_S
    [line] = said
    assert line.startswith("waiting up to 0.2 s for jane's handlers"), line
    assert line.endswith(
        "(one still running then is given up: on a thread of adsim's own "
        "process it cannot be ended)"
    ), line
    [(status, error, _trace)] = _journaled_outcomes(tmp_path / "journal.sqlite")
    assert status == "timeout"
    assert "not waited for" not in error, error
    assert "given up after the close's 0.2 s wait" in error, error
    assert any("given up after the close's 0.2 s wait" in line for line in lines), lines


TELLS = """
import os
import socket
import threading


def on_state(*args):
    # The call is running: the test is told, and sends its signal.
    socket.create_connection(("127.0.0.1", int(os.environ["ADSIM_TEST_PORT"]))).sendall(b"x")
    threading.Event().wait()  # a CRM call with no timeout


def register(ad_api):
    ad_api.on("ON_AGENT_STATE_CHANGE", on_state)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_sigterm_on_a_stuck_call_journals_the_run_interrupted(
    tmp_path: Path, isolation: str
) -> None:
    """The window stopped by SIGTERM exited 143 and said `interrupted (SIGTERM)`, but its run
    was journaled `finished` (`adsim journal runs`), as a window closed by hand: `adsim run`
    and `adsim demo` journal a stop as `interrupted(SIGTERM)`. The call it cut short is
    journaled a `timeout`, not waited for, with where it was."""
    plugin = tmp_path / "stuck.py"
    plugin.write_text(TELLS, encoding="utf-8")
    journal = tmp_path / "journal.sqlite"
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(WAIT_S)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.update(XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    env["ADSIM_TEST_PORT"] = str(listener.getsockname()[1])
    argv = [sys.executable, "-m", "simulator", "--handler", str(plugin), "--journal", str(journal)]
    argv += ["--handler-isolation", isolation]
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        connection, _ = listener.accept()
        with connection:
            connection.settimeout(WAIT_S)
            assert connection.recv(1) == b"x"
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=WAIT_S)
    finally:
        listener.close()
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "adsim: interrupted (SIGTERM): closing the window" in err
    with contextlib.closing(sqlite3.connect(journal)) as reader:
        ending = reader.execute("SELECT ending, stop_signal FROM runs").fetchall()
    assert ending == [("interrupted", "SIGTERM")], err
    [(status, error, trace)] = _journaled_outcomes(journal)
    assert status == "timeout", err
    assert error.startswith("api_not_answer: adsim stopped while this call was running"), error
    assert "given up after" not in error, error
    assert trace is not None and "in on_state" in trace, trace


NEVER_RAN = ("timeout", "api_not_answer: adsim stopped before this call could run")


@pytest.mark.usefixtures("released")
@pytest.mark.parametrize("isolation", ["thread", "process"])
@pytest.mark.parametrize("quiet", [False, True], ids=["one plugin", "two plugins"])
def test_the_calls_queued_behind_the_stuck_one_are_said_never_run(
    qtbot: Any, window: Any, tmp_path: Path, isolation: str, quiet: bool
) -> None:
    """With thread isolation (and with process isolation when two plugins take the event, so
    that it waits in adsim, not in a plugin's pipe) the calls queued behind the stuck one had
    no outcome at all: the summary said `1 of 1 calls failed`, the journal had
    their events and nothing of their handlers, as if nobody took them. They are `adsim
    stopped before this call could run`, as docs/handlers.md says."""
    session = _stuck_session(qtbot, window, tmp_path, isolation, quiet=quiet)
    session.bridge.act("set_agent_state", "ready")  # a second ON_AGENT_STATE_CHANGE, queued
    qtbot.waitUntil(lambda: session.host.pending == 2, timeout=30_000)
    lines = session.close(wait=0)
    calls = 4 if quiet else 2  # events #2 (stuck) and #3, each to every plugin
    assert lines[0].startswith(f"handlers: {calls} of {calls} calls failed"), lines
    with contextlib.closing(sqlite3.connect(tmp_path / "journal.sqlite")) as reader:
        rows = reader.execute("SELECT event_seq, handler, status, error FROM outcomes")
        outcomes = sorted(rows.fetchall())
    expected = [(2, "on_state"), *([(2, "quiet")] if quiet else [])]
    expected += [(3, "on_state"), *([(3, "quiet")] if quiet else [])]
    assert [(seq, handler) for seq, handler, *_ in outcomes] == expected, outcomes
    [running] = [row for row in outcomes if row[:2] == (2, "on_state")]
    assert "while this call was running" in running[3], outcomes
    never = [tuple(row[2:]) for row in outcomes if row[:2] != (2, "on_state")]
    assert never and set(never) == {NEVER_RAN}, outcomes
