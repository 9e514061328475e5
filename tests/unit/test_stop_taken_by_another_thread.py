"""A stop (SIGTERM, Ctrl-C) the kernel hands to another of adsim's threads still stops the run.

A process-wide signal goes to any thread that does not block it; Python then only marks its
handler as due, and the main thread runs it when it next runs Python code. The main thread
waiting for a stuck handler with no end to its wait never did: a JS module's ``while (true) {}``
with ``--handler-timeout 300`` held SIGTERM for the whole timeout (the flake of
``test_a_stop_while_a_handler_loops_ends_node_and_names_the_handler`` under load, caught
waiting in ``Delivery.wait_idle``)."""

from __future__ import annotations

import ctypes
import os
import select
import signal
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from simulator import interrupts
from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="pthread_kill by thread id")

PLUGIN = """
import os
import threading


def on_new(interaction):
    os.write(os.open(FIFO, os.O_WRONLY), b"begun")
    threading.Event().wait()


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", on_new)
"""

_GUARD_S = 30.0
"""How long the test waits for the stop before it wakes the main thread itself (only when the
stop was lost: the test then fails rather than hanging)."""


def test_a_sigterm_another_thread_takes_stops_the_wait_for_a_stuck_handler(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert threading.current_thread() is threading.main_thread()
    monkeypatch.setattr(interrupts, "STOP_GRACE", 0.5)
    fifo = tmp_path / "begun"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    plugin = tmp_path / "stuck.py"
    plugin.write_text(f"FIFO = {str(fifo)!r}\n" + textwrap.dedent(PLUGIN), encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=600.0, isolation="process")
    stopped = threading.Event()
    waiting = threading.Event()
    lost: list[bool] = []
    wait = host._idle.wait

    def marked_wait(timeout: float | None = None) -> bool:
        waiting.set()
        return wait(timeout)

    monkeypatch.setattr(host._idle, "wait", marked_wait)

    def take_the_signal() -> None:
        # Once the main thread sleeps in its wait (a signal before that would run its handler
        # in the main thread's next line of Python, and prove nothing)...
        assert waiting.wait(60.0)
        main_state = Path(f"/proc/self/task/{threading.main_thread().native_id}/stat")
        while main_state.read_text().rsplit(")", 1)[1].split()[0] != "S":
            os.sched_yield()
        # ... the kernel's choice, made here: SIGTERM delivered to this thread, not the main
        # one (libc's pthread_kill: Python's own may be watched for a plugin's calls).
        libc = ctypes.CDLL(None, use_errno=True)
        assert libc.pthread_kill(ctypes.c_ulong(threading.get_ident()), signal.SIGTERM) == 0
        if not stopped.wait(_GUARD_S):
            lost.append(True)
            with host._idle:  # wake the main thread: the test fails instead of hanging
                host._idle.notify_all()

    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        with interrupts.stop_on_signals():
            run_demo_call(host.sim)
            ready, _, _ = select.select([reader], [], [], 60.0)
            assert ready, "the handler never started"
            other = threading.Thread(target=take_the_signal, name="takes-the-signal")
            try:
                with pytest.raises(interrupts.Interrupted):
                    other.start()
                    host.wait_idle(None)  # the handler is stuck for its 600 s: the stop ends it
            finally:
                stopped.set()
                other.join()
        assert not lost, f"the stop was not seen within {_GUARD_S:g} s"
    finally:
        os.close(reader)
        host.close(timeout=0)
