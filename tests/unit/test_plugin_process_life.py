"""A plugin's process, and a JS module's ``node``, never outlive a killed adsim, even while a
handler is stuck, and are not ended early when the thread that started them ends
(``simulator.handlers.spawner``)."""

from __future__ import annotations

import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import IO

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or not hasattr(os, "pidfd_open"),
    reason="the parent-death signal and pidfd are Linux's",
)

STUCK = """
import sys
import threading

def login(state):
    print("stuck", flush=True)  # a plugin's print goes to adsim's stderr: the test reads it
    threading.Event().wait()  # never returns, never reads the end of its pipe

def register(ad_api):
    ad_api.on("ON_LOGIN", login)
"""

IDLE = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: None)
"""

HOST = """
import sys
import threading

from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

sim = Simulator(load_tenant(), seed=7)
host = HandlerHost(sim, timeout=600.0, isolation="process")
host.load(sys.argv[1])
# Loaded from a thread that ends at once: its process must live on.
loader = threading.Thread(target=host.load, args=(sys.argv[2],))
loader.start()
loader.join()
pids = [process._life.process.pid for process in host._processes]
print(" ".join(map(str, pids)), flush=True)
sim.login()  # the stuck plugin's handler starts and never returns
threading.Event().wait()
"""


def _line(stream: IO[str] | None, timeout: float = 60) -> str:
    """The next line of ``stream``, read on a thread of its own: a line that never comes fails
    the test after ``timeout`` seconds instead of hanging it."""
    assert stream is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    try:
        return lines.get(timeout=timeout)
    except queue.Empty:
        raise AssertionError(f"no line within {timeout} s") from None


def _end(adsim: subprocess.Popen[str], pids: list[int]) -> None:
    """A test's clean-up, whatever failed: adsim ended and reaped, its pipes closed, and no
    plugin process of ``pids`` left running."""
    if adsim.poll() is None:
        adsim.kill()
        adsim.wait()
    for stream in (adsim.stdout, adsim.stderr):
        if stream is not None:
            stream.close()
    for pid in pids:
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


def test_plugin_processes_end_with_a_killed_adsim(tmp_path: Path) -> None:
    stuck = tmp_path / "stuck.py"
    stuck.write_text(textwrap.dedent(STUCK), encoding="utf-8")
    idle = tmp_path / "idle.py"
    idle.write_text(textwrap.dedent(IDLE), encoding="utf-8")
    adsim = subprocess.Popen(
        [sys.executable, "-c", HOST, str(stuck), str(idle)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pids: list[int] = []
    try:
        pids = [int(pid) for pid in _line(adsim.stdout).split()]
        assert len(pids) == 2, "both plugins loaded"
        assert _line(adsim.stderr).strip() == "stuck", "the handler is running"
        assert all(_alive(pid) for pid in pids), (
            "a process started from a thread that ended is alive"
        )
        watched = [os.pidfd_open(pid) for pid in pids]
        adsim.send_signal(signal.SIGKILL)  # no clean-up of any kind
        adsim.wait(timeout=30)
        try:
            for pidfd in watched:
                # Readable once that process has ended: no polling, no sleeping.
                ready, _, _ = select.select([pidfd], [], [], 30)
                assert ready, "a plugin's process outlived the adsim that started it"
        finally:
            for pidfd in watched:
                os.close(pidfd)
    finally:
        _end(adsim, pids)


STUCK_JS = """
export function register(adApi) {
  adApi.on("ON_LOGIN", () => {
    console.error("stuck");  // adsim's stderr: the test reads it
    for (;;) {}  // never returns: node never reads the end of its stdin
  });
}
"""

JS_HOST = """
import sys
import threading

from simulator.data import load_tenant
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.web import NodeHandler

sim = Simulator(load_tenant(), seed=7)
host = HandlerHost(sim, timeout=600.0)
handler = NodeHandler(host, sys.argv[1]).start(timeout=60.0)
print(handler.process.pid, flush=True)
sim.login()  # the module's handler starts and never returns
threading.Event().wait()
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_a_stuck_js_module_ends_with_a_killed_adsim(tmp_path: Path) -> None:
    module = tmp_path / "stuck.mjs"
    module.write_text(STUCK_JS, encoding="utf-8")
    adsim = subprocess.Popen(
        [sys.executable, "-c", JS_HOST, str(module)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid = 0
    try:
        pid = int(_line(adsim.stdout))
        assert _line(adsim.stderr).strip() == "stuck", "the module's handler is running"
        watched = os.pidfd_open(pid)
        adsim.send_signal(signal.SIGKILL)
        adsim.wait(timeout=30)
        try:
            ready, _, _ = select.select([watched], [], [], 30)
            assert ready, "node outlived the adsim that started it"
        finally:
            os.close(watched)
    finally:
        _end(adsim, [pid] if pid else [])
