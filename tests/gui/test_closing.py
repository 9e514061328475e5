"""Closing the window's session: the handlers get one grace for the events they were given,
every desktop's at once; a terminal that waits says why first; a stop (Ctrl-C, SIGTERM) does
not wait for them."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.gui


class _Clock:
    """``time.monotonic`` for the session: moved only by the fake hosts' waits."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


class _Host:
    """A handler host with ``pending`` events whose close waits out the whole timeout given
    (a handler stuck in them), on the fake clock."""

    def __init__(self, clock: _Clock, pending: int, said: list[str]) -> None:
        self.clock = clock
        self.pending = pending
        self.said = said
        self.closed_with: float | None = None
        self.close_wait: float | None = None
        self.said_before_close: list[str] = []
        self.outcomes: list[Any] = []
        self.plugins: list[Any] = []  # loaded, none failed: nothing for the summary
        self.failures: list[Any] = []

    def subscribe_outcomes(self, _callback: Any) -> Any:
        return lambda: None

    def close(self, timeout: float | None = None, *, close_wait: float | None = None) -> None:
        self.said_before_close = list(self.said)
        self.closed_with = timeout
        self.close_wait = close_wait
        self.clock.now += timeout or 0


def _sessions(qtbot: Any, monkeypatch: Any, pendings: list[int]) -> tuple[Any, list[_Host], list]:
    import simulator.gui.session as session_module
    from simulator.engine import Simulator
    from simulator.gui.bridge import SimBridge
    from simulator.gui.session import Session

    clock = _Clock()
    monkeypatch.setattr(session_module.time, "monotonic", clock.monotonic)
    said: list[str] = []
    hosts = [_Host(clock, pending, said) for pending in pendings]
    sessions = []
    for host in hosts:
        sim = Simulator(seed=3)
        sessions.append(Session(sim, SimBridge(sim, host), host, None))
    main = sessions[0]
    main.others = sessions[1:]
    return main, hosts, said


def test_closing_says_what_it_waits_for_before_it_waits(qtbot: Any, monkeypatch: Any) -> None:
    from simulator.gui.session import CLOSE_GRACE_S

    session, (host,), said = _sessions(qtbot, monkeypatch, [1])
    assert session.close(say=said.append) == []
    assert host.closed_with == CLOSE_GRACE_S
    assert len(host.said_before_close) == 1, "the wait was not said before it began"
    line = host.said_before_close[0]
    assert f"waiting up to {CLOSE_GRACE_S:g} s" in line
    assert "1 event(s)" in line


def test_closing_with_nothing_to_handle_waits_for_nothing_and_says_nothing(
    qtbot: Any, monkeypatch: Any
) -> None:
    session, (host,), said = _sessions(qtbot, monkeypatch, [0])
    session.close(say=said.append)
    assert host.closed_with == 0
    assert said == []


def test_a_stop_does_not_wait_for_the_handlers(qtbot: Any, monkeypatch: Any) -> None:
    session, (host,), said = _sessions(qtbot, monkeypatch, [2])
    session.close(wait=0, say=said.append)
    assert host.closed_with == 0
    assert said == []


def test_several_desktops_share_one_grace_not_one_each(qtbot: Any, monkeypatch: Any) -> None:
    from simulator.gui.session import CLOSE_GRACE_S

    session, hosts, said = _sessions(qtbot, monkeypatch, [1, 1, 0])
    session.close(say=said.append)
    # The first desktop closed waited out the whole grace (its handler stuck): the others
    # get what is left of it, nothing, not a grace each in turn.
    given = sorted(host.closed_with or 0 for host in hosts)
    assert given == [0, 0, CLOSE_GRACE_S]
    assert len(said) == 1
    # What a call given up says is the close's wait, not what was left of it for its desktop
    # (a second agent's stuck call said `not waited for`, a short pause made 2 s `1.9 s`).
    assert [host.close_wait for host in hosts] == [CLOSE_GRACE_S] * 3


def test_a_stop_says_its_calls_not_waited_for(qtbot: Any, monkeypatch: Any) -> None:
    session, hosts, said = _sessions(qtbot, monkeypatch, [1, 1])
    session.close(wait=0, say=said.append)
    assert [host.close_wait for host in hosts] == [0, 0]


STUCK_PLUGIN = """
import sys
import threading


def on_state(*args):
    print("stuck handler started", file=sys.stderr, flush=True)
    threading.Event().wait()


def register(ad_api):
    ad_api.on("ON_AGENT_STATE_CHANGE", on_state)
"""


def test_sigterm_closes_the_window_without_waiting_for_a_stuck_handler(tmp_path: Any) -> None:
    """The stop says nothing of waiting for the handlers: it does not (the plugin's process
    is ended after its own close grace)."""
    import os
    import signal
    import subprocess
    import sys
    import threading

    plugin = tmp_path / "stuck.py"
    plugin.write_text(STUCK_PLUGIN, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.update(XDG_CONFIG_HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path))
    process = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--handler", str(plugin)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    stuck = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if "stuck handler started" in line:
                stuck.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert stuck.wait(60), "".join(lines)
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 128 + signal.SIGTERM, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(30)
    assert process.stderr is not None
    process.stderr.close()
    text = "".join(lines)
    assert "interrupted (SIGTERM): closing the window" in text
    assert "waiting up to" not in text, text


def test_closing_on_a_stuck_handler_says_the_handlers_failed(
    qtbot: Any, window: Any, tmp_path: Any
) -> None:
    """A handler stuck when the window closed was stopped (``timeout``): that is a failed
    handler, as in ``adsim run``, not a clean run (it exited 0 and said nothing of it)."""
    from simulator.gui.options import WindowOptions
    from simulator.gui.session import open_session

    plugin = tmp_path / "stuck.py"
    plugin.write_text(STUCK_PLUGIN, encoding="utf-8")
    options = WindowOptions(handlers=[str(plugin)], login=False)
    session = open_session(options, window.settings, window)
    bridge = session.bridge
    qtbot.waitUntil(lambda: bridge.loading is None, timeout=30_000)
    bridge.act("login")
    qtbot.waitUntil(lambda: session.host.pending > 0, timeout=30_000)
    lines = session.close(wait=0)
    assert lines, "a stuck handler stopped at the close was not said"
    assert lines[0].startswith("handlers: 1 of "), lines
    assert "1 timeout" in lines[0], lines
