"""A plugin's process reads its messages on whichever thread needs one (``simulator.handlers.
child``): an ``ad_api`` call from a plugin's own thread is answered while the handler that
started it waits for it, and a logger gets its packets."""

from __future__ import annotations

import textwrap
from pathlib import Path

from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

PLUGIN = """
import threading

PACKETS = []


def saved(activity):
    # The handler waits for its own thread's ad_api call: that answer must be read while the
    # main thread is busy in this handler.
    answers = []
    worker = threading.Thread(target=lambda: answers.append(API.get_agent_state().ok))
    worker.start()
    worker.join(60)
    return {"thread_answered": answers, "packets": sorted({p for p, _ in PACKETS})}


def register(ad_api):
    global API
    API = ad_api
    ad_api.inject_message_logger(lambda packet, params: PACKETS.append((packet, params)))
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", saved)
"""


def test_a_plugins_own_thread_and_its_logger_are_served_in_its_process(tmp_path: Path) -> None:
    from simulator.data import load_tenant

    plugin = tmp_path / "threads.py"
    plugin.write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=60.0, isolation="process")
    try:
        host.load(plugin)
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
    [outcome] = [o for o in host.outcomes if o.event_name == "ON_SAVE_ACTIVITY_RECORD"]
    assert outcome.status == "ok", outcome.error
    assert outcome.result["thread_answered"] == [True]
    assert "ON_SAVE_ACTIVITY_RECORD" in outcome.result["packets"], "the logger got its packets"
