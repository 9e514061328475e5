"""An internal error while the host handles an event (a bug of ours, not the plugin's) is
reported and ends that event's handling: it never leaves the event unfinished, which made every
later event, and ``settle``, wait for ever."""

from __future__ import annotations

import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

PLUGIN = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: "saved")
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_an_error_recording_an_outcome_does_not_stall_the_host(tmp_path: Path, isolation):
    plugin = tmp_path / "saver.py"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=30.0, isolation=isolation)
    real = host.secrets.outcome
    broken: list[Any] = []

    def outcome(value: Any) -> Any:
        if not broken:
            broken.append(value)
            raise RuntimeError("a bug planted by the test")
        return real(value)

    host.secrets.outcome = outcome  # type: ignore[method-assign]
    done = threading.Event()

    def run() -> None:
        run_demo_call(sim, after_step=host.settle)
        run_demo_call(sim, after_step=host.settle)  # a second call: its events are handled
        host.settle()
        done.set()

    try:
        assert not host.load(plugin)[0].error
        threading.Thread(target=run, daemon=True).start()
        assert done.wait(120), "the host waited for ever for an event it had lost"
        assert broken, "the planted bug ran"
        [incident] = host.incidents
        assert "internal error while handling event #" in incident
        assert "ON_SAVE_ACTIVITY_RECORD" in incident
        assert "RuntimeError: a bug planted by the test" in incident
        saved = [o for o in host.outcomes if o.event_name == "ON_SAVE_ACTIVITY_RECORD"]
        assert [o.status for o in saved] == ["ok"], "the next call's outcome is recorded"
    finally:
        host.close(timeout=10)


HANGS_ONCE = """
import threading

release = threading.Event()
hung = []


def hang_once(interaction):
    if not hung:
        hung.append(threading.current_thread())
        release.wait(60)
    return None


def register(ad_api):
    ad_api.on("ON_INTERACTION_STATE_CHANGE", hang_once)
"""


def test_an_internal_error_in_an_abandoned_thread_ends_that_thread(tmp_path: Path):
    """A handler abandoned past its timeout ended and a bug of ours hit its thread (CI: the
    streams mended at once by it and by the run's end): said, and the thread ends; it went on
    as a second dispatcher thread, finishing jobs that were another thread's."""
    plugin = tmp_path / "hangs_once.py"
    plugin.write_text(textwrap.dedent(HANGS_ONCE), encoding="utf-8")
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=0.1, isolation="thread")
    assert host.streams is not None
    real = host.streams.mend
    module: dict[str, Any] = {}

    def mend(who: str, before: Any = None) -> list[str]:
        if module and threading.current_thread() in module["hung"]:
            raise RuntimeError("a bug planted by the test")
        return real(who, before)

    host.streams.mend = mend  # type: ignore[method-assign]
    try:
        assert not host.load(plugin)[0].error
        [loaded] = [
            m for m in list(sys.modules.values()) if getattr(m, "__file__", 0) == str(plugin)
        ]
        module.update(vars(loaded))
        run_demo_call(sim, after_step=host.settle)
        host.settle()
        [hung] = module["hung"]
        module["release"].set()
        hung.join(30)
        assert not hung.is_alive(), "the abandoned thread went on as a second dispatcher"
        assert any("RuntimeError: a bug planted by the test" in i for i in host.incidents)
        run_demo_call(sim, after_step=host.settle)  # the host goes on
        host.settle()
    finally:
        host.close(timeout=10)
