"""``kill -9`` in the middle of a long run loses nothing that was emitted (a real subprocess)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from simulator.journal import Journal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")

ROOT = Path(__file__).resolve().parents[2]
KILL_AFTER = 400
"""Events the child reports before it is killed."""

CHILD = """
import sys
from simulator.engine import Settings, Simulator
from simulator.handlers import HandlerHost
from simulator.journal import Journal

sim = Simulator(seed=5, settings=Settings(ring_timeout_seconds=None))
journal = Journal.open(sys.argv[1])
host = HandlerHost(sim, timeout=5, journal=journal)

def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", lambda activity: activity.interaction_id)
    ad_api.on("ON_INTERACTION_STATE_CHANGE", lambda interaction: interaction.state)

host.add_plugin("crm", register)

def report(event):
    # Subscribed after the journal: the event is committed before it is reported.
    sys.stdout.write(f"{event.seq}\\n")
    sys.stdout.flush()

sim.subscribe(report)
sim.login()
sim.set_agent_state("ready")
while True:
    sim.offer_call("Customer Support")
    sim.accept_interaction()
    sim.advance(30)
    sim.set_call_hold(True)
    sim.set_call_hold(False)
    sim.customer_hang_up()
    sim.set_disposition("Problem solved")
    sim.complete_interaction()
    host.settle(5)
"""


def test_kill_9_mid_run_leaves_every_reported_event_in_the_journal(tmp_path):
    path = tmp_path / "journal.sqlite3"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    guard = threading.Timer(60, child.kill)  # never hang the suite if the child misbehaves
    guard.start()
    reported: list[int] = []
    try:
        assert child.stdout is not None and child.stderr is not None
        for line in child.stdout:
            reported.append(int(line))
            if len(reported) >= KILL_AFTER:
                os.kill(child.pid, signal.SIGKILL)
                break
        # The rest from the same stream: the lines it read ahead are in its buffer (a
        # ``communicate()`` reads the pipe only, and the lines in between looked unjournaled).
        rest = child.stdout.read()
        errors = child.stderr.read()
        child.wait(timeout=30)
    finally:
        guard.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        for stream in (child.stdout, child.stderr):
            if stream is not None:
                stream.close()
    reported += [int(line) for line in rest.split()]
    assert child.returncode == -signal.SIGKILL, errors
    assert len(reported) >= KILL_AFTER

    with Journal.open(path) as journal:
        journaled = [event.seq for event in journal.events()]
        outcomes = journal.outcomes()
    assert journaled[: len(reported)] == reported, "every reported event is in the journal"
    assert journaled == list(range(1, len(journaled) + 1)), "in order, with no gap"
    assert outcomes, "handler outcomes were journaled too"
    assert {o.status for o in outcomes} == {"ok"}
