"""The simulation thread sends a pipelined call itself (``PluginProcess.send_now``) only when the
pipe takes it at once: a plugin's process that is not reading never makes it wait, and a call
written only in part is finished on another thread, its bytes in order."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.handlers.frames import frame
from simulator.handlers.pipeline import _Pending

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGSTOP stops a process")

PLUGIN = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: len(activity.description))
"""


def _sim() -> Simulator:
    from simulator.data import load_tenant

    return Simulator(load_tenant(), seed=7)


def _save_payload() -> tuple[str, tuple[Any, ...], str]:
    """A SAVE event's wire values whose call is three pages long: a pipe of 16 pages takes five
    and the first page of a sixth, so the sixth is written in part."""
    sim = _sim()
    events: list[Any] = []
    sim.subscribe(events.append)
    run_demo_call(sim)
    [save] = [e for e in events if e.name.value == "ON_SAVE_ACTIVITY_RECORD"][:1]

    def payload(length: int) -> tuple[str, tuple[Any, ...], str]:
        return save.name.value, ({**save.wire_args[0], "description": "x" * length},), "5.19"

    size = len(frame(("call", 1, 0, payload(6000), True)))
    return payload(6000 + 3 * os.sysconf("SC_PAGE_SIZE") - size)


def _stop(pid: int) -> None:
    """Stop our child ``pid`` and wait until it is stopped (a signal is delivered later)."""
    os.kill(pid, signal.SIGSTOP)
    _, status = os.waitpid(pid, os.WUNTRACED)  # returns once it has stopped (not reaped)
    assert os.WIFSTOPPED(status)


def test_a_process_that_is_not_reading_never_makes_the_sender_wait(tmp_path: Path) -> None:
    plugin = tmp_path / "saves.py"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    host = HandlerHost(_sim(), timeout=60.0, isolation="process")
    try:
        host.load(plugin)
        [process] = host._processes
        life = process._life
        assert life is not None
        ended: list[tuple[int, Any]] = []
        all_ended = threading.Event()
        payload = _save_payload()
        sent: list[_Pending] = []

        def done(number: int, reply: Any, duration: float) -> None:
            ended.append((number, reply))
            if len(ended) == len(sent):
                all_ended.set()

        _stop(life.process.pid)  # reads nothing from now on
        try:
            answers = []
            started = time.monotonic()
            for number in range(40):  # 40 x 6 KB: far more than a pipe holds
                call = _Pending(index=0, args=payload)
                call.callback = lambda reply, ms, number=number: done(number, reply, ms)
                answer = process.send_now(call)
                answers.append(answer)
                if answer:
                    sent.append(call)
            took = time.monotonic() - started
            finishing = [t for t in threading.enumerate() if t.name.endswith("-write")]
        finally:
            os.kill(life.process.pid, signal.SIGCONT)
        assert took < 30, "never waits on the pipe (a blocked write would wait for ever)"
        first_refused = answers.index(False)
        assert first_refused > 0 and not any(answers[first_refused:]), (
            "taken while the pipe has room, refused (nothing written) once it is full"
        )
        assert finishing, "the last call taken was written in part: a thread writes the rest"
        assert all_ended.wait(60), "every call sent, the one written in part too, is run"
        assert [number for number, _ in ended] == list(range(len(sent))), "in the order sent"
        assert len({reply for _, reply in ended}) == 1 and ended[0][1][0] == "ok"
    finally:
        host.close()


def test_closing_never_waits_on_a_pipe_the_process_does_not_read(tmp_path: Path) -> None:
    """A handler stuck (asleep, not reading) with a pipe full of calls behind it: the thread
    sending them waits for room, holding the pipe. Closing (Ctrl-C: ``close(timeout=0)``) must
    not wait behind it for ever: the close message cannot get through, so the process is
    killed after its grace, which also frees that thread."""
    plugin = tmp_path / "saves.py"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    host = HandlerHost(_sim(), timeout=600.0, isolation="process", close_grace=0.2)
    life = None
    try:
        host.load(plugin)
        [process] = host._processes
        life = process._life
        assert life is not None
        payload = _save_payload()
        _stop(life.process.pid)  # reads nothing from now on, as a handler asleep
        for _ in range(40):  # until the pipe is full: the last call taken is written in part
            if not process.send_now(_Pending(index=0, args=payload, callback=lambda *_: None)):
                break
        writing = [t for t in threading.enumerate() if t.name.endswith("-write")]
        assert writing and process._send_lock.locked(), "a sender waits for room, holding it"
        closer = threading.Thread(target=host.close, kwargs={"timeout": 0}, daemon=True)
        closer.start()
        closer.join(60)
        assert not closer.is_alive(), "close waited behind a write the process never reads"
        writing[0].join(60)
        assert not writing[0].is_alive(), "killing the process freed the waiting sender too"
        assert life.process.poll() is not None
    finally:
        if life is not None and life.process.poll() is None:
            os.kill(life.process.pid, signal.SIGKILL)
        host.close(timeout=0)


ASLEEP = """
import pathlib, threading

def register(ad_api):
    def login(*args):
        pathlib.Path(MARK).write_text("started")
        threading.Event().wait()  # never returns
    ad_api.on("ON_LOGIN", login)
    ad_api.on("ON_LOGOUT", lambda *args: None)
"""


@pytest.mark.parametrize("grace", [0.2, 5.0], ids=["killed", "closed"])
def test_a_call_cut_short_by_adsims_stop_is_no_crash_of_the_plugin(tmp_path, grace):
    """Ctrl-C, SIGTERM or the window closed while a handler runs: adsim ended that call (and
    the one queued behind it), the plugin did not crash, and no fresh process follows."""
    mark = tmp_path / "started"
    plugin = tmp_path / "asleep.py"
    plugin.write_text(f"MARK = {str(mark)!r}\n" + textwrap.dedent(ASLEEP), encoding="utf-8")
    sim = _sim()
    host = HandlerHost(sim, timeout=600.0, isolation="process", close_grace=grace)
    try:
        host.load(plugin)
        assert sim.login().ok and sim.logout().ok  # ON_LOGIN runs for ever; ON_LOGOUT waits
        deadline = time.monotonic() + 60
        pause = threading.Event()
        while not mark.exists() and time.monotonic() < deadline:
            pause.wait(0.01)
        assert mark.exists(), "the handler is running"
    finally:
        host.close(timeout=0)
    outcomes = {o.event_name: o for o in host.outcomes}
    assert set(outcomes) == {"ON_LOGIN", "ON_LOGOUT"}, "each call in flight has its outcome"
    for outcome in outcomes.values():
        assert outcome.status == "timeout", outcome
        assert outcome.error is not None and "adsim stopped" in outcome.error
        assert "crash" not in outcome.error and "fresh process" not in outcome.error
