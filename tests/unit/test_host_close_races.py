"""``HandlerHost.close`` beside the host's own threads: the dispatcher thread's end-of-run work
is waited for however slow the machine, and a dispatcher thread ``close`` gave up on (a handler
still running) ends without calling anything else."""

from __future__ import annotations

import textwrap
from pathlib import Path

from simulator.data import load_tenant
from simulator.demo import run_demo_call
from simulator.engine import Simulator
from simulator.handlers import HandlerHost

TASKS = """
import asyncio


async def forever():
    await asyncio.Event().wait()


async def save(activity):
    asyncio.get_running_loop().create_task(forever())


def register(ad_api):
    ad_api.on("ON_SAVE_ACTIVITY_RECORD", save)
"""


def _plugin(folder: Path, source: str) -> Path:
    plugin = folder / "crm.py"
    plugin.write_text(textwrap.dedent(source), encoding="utf-8")
    return plugin


def test_close_waits_for_the_tasks_left_pending_to_be_named(tmp_path):
    """The dispatcher thread gives the asyncio tasks a handler left pending the close grace,
    then names them (an incident); ``close`` waited 1 s for that thread whatever the grace, so
    on a slow machine (CI) or with a longer grace the run's summary went out without them."""
    plugin = _plugin(tmp_path, TASKS)
    sim = Simulator(load_tenant(), seed=7)
    host = HandlerHost(sim, timeout=60.0, isolation="thread", close_grace=1.5)
    try:
        assert not host.load(plugin)[0].error
        run_demo_call(sim, after_step=host.settle)
        host.settle()
    finally:
        host.close()
    assert [o.status for o in host.outcomes] == ["ok"]
    [left] = [line for line in host.incidents if "still pending" in line]
    assert "forever() at " in left and "still pending 1.5 s after the end" in left, left
