"""A signal (Ctrl-C, SIGTERM) that comes while an event is on its way to a plugin's process raises
once the call is made, never between counting the event as in flight and writing its call: the
stop that follows waits for the handlers, and a call that was never written would be waited for
for ever (``adsim run --repeat`` hung after SIGHUP, about once in 40 on a loaded machine)."""

from __future__ import annotations

import signal
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import pytest

from simulator import interrupts
from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.handlers.pipeline import Pipeline

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM handlers are POSIX")

PLUGIN = """
def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: activity.interaction_id)
"""


def _signal_arrives(signum: int) -> None:
    """What the signal does at this very point of the main thread: its handler runs there."""
    handler = signal.getsignal(signum)
    assert callable(handler), handler  # adsim's (stop_on_signals), not the default
    handler(signum, None)


def test_a_signal_while_a_call_is_being_made_raises_after_it(tmp_path: Path, monkeypatch) -> None:
    assert threading.current_thread() is threading.main_thread()
    plugin = tmp_path / "saves.py"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    host = HandlerHost(Simulator(load_tenant(), seed=7), timeout=60.0, isolation="process")
    try:
        [status] = host.load(plugin)
        assert status.loaded, status.error
        submit_now = Pipeline.submit_now
        signalled: list[int] = []

        def submit_now_signalled(self: Pipeline, *args: Any, **kwargs: Any) -> bool:
            if not signalled:  # the event is counted as in flight; its call is not written yet
                signalled.append(signal.SIGTERM)
                _signal_arrives(signal.SIGTERM)
            return submit_now(self, *args, **kwargs)

        monkeypatch.setattr(Pipeline, "submit_now", submit_now_signalled)
        with interrupts.stop_on_signals(), pytest.raises(interrupts.Interrupted) as raised:
            run_demo_call(host.sim)
        assert raised.value.signum == signal.SIGTERM
        assert signalled, "the SAVE call was never made"
        # Nothing half made: the call was written and answered, and the stop's wait ends.
        assert host.settle(timeout=30.0)
        assert host.pending == 0
        [outcome] = [o for o in host.outcomes if o.event_name == "ON_SAVE_ACTIVITY_RECORD"]
        assert outcome.status == "ok", outcome
    finally:
        host.close()


def test_outside_the_main_thread_a_deferred_block_changes_nothing() -> None:
    # Signals are handled on the main thread; another thread's block neither delays nor raises.
    with interrupts.stop_on_signals():
        errors: list[BaseException] = []

        def other() -> None:
            try:
                with interrupts.deferred():
                    pass
            except BaseException as exc:  # pragma: no cover - the failure
                errors.append(exc)

        worker = threading.Thread(target=other)
        worker.start()
        worker.join(timeout=30.0)
        assert not worker.is_alive()
        assert errors == []
        with pytest.raises(interrupts.Interrupted):
            _signal_arrives(signal.SIGTERM)  # not deferred: raised at once
