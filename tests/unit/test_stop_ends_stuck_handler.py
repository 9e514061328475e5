"""A stop (Ctrl-C, SIGTERM) while a Python handler is stuck in its plugin's process ends that
process after ``interrupts.STOP_GRACE`` and names the handler and where it was, as a JS
module's blocked event loop is; it waited out the whole handler timeout, saying nothing."""

from __future__ import annotations

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
from simulator.handlers.supervisor import STOPPED_RUNNING

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM handlers are POSIX")

PLUGIN = """
import os
import threading


def on_new(interaction):
    os.write(os.open(FIFO, os.O_WRONLY), b"begun")
    threading.Event().wait()  # stuck here: line 9 of the file


def register(ad_api):
    ad_api.on("ON_NEW_INTERACTION", on_new)
"""


def test_a_stop_ends_a_stuck_handler_s_process_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert threading.current_thread() is threading.main_thread()
    monkeypatch.setattr(interrupts, "STOP_GRACE", 0.5)  # the same path, sooner
    fifo = tmp_path / "begun"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # the handler's open does not block
    plugin = tmp_path / "stuck.py"
    plugin.write_text(f"FIFO = {str(fifo)!r}\n" + textwrap.dedent(PLUGIN), encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=600.0, isolation="process")
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        with interrupts.stop_on_signals():
            run_demo_call(host.sim)
            ready, _, _ = select.select([reader], [], [], 60.0)
            assert ready, "the handler never started"
            handler = signal.getsignal(signal.SIGTERM)
            assert callable(handler)
            with pytest.raises(interrupts.Interrupted):
                handler(signal.SIGTERM, None)  # the user's SIGTERM, here
            # Its timeout is 600 s: the stop's wait ends with its grace, not with it.
            assert host.wait_idle(60.0), "the stop waited for the stuck handler"
        [outcome] = [o for o in host.outcomes if o.event_name == "ON_NEW_INTERACTION"]
        assert outcome.status == "timeout"
        assert outcome.error == STOPPED_RUNNING
        assert outcome.traceback is not None and "in on_new" in outcome.traceback
        err = capsys.readouterr().err
        assert (
            "adsim: plugin stuck: its handler on_new of ON_NEW_INTERACTION was still running "
            f"0.5 s after adsim stopped, at {plugin}:9 in on_new; its process was ended"
        ) in err, err
    finally:
        os.close(reader)
        host.close(timeout=0)
