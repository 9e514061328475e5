"""In load mode (``--repeat N``) one host serves every repeat (``HandlerHost.rebind``): an
``ad_api`` a plugin holds, a thread of its own too (started in ``register()``, during the first
repeat), acts on the repeat running when it calls, not on the one it was handed out in (which
has ended: nothing would run its calls). docs/handlers.md says so; this pins it, in both
isolations."""

from __future__ import annotations

import pytest

from simulator.engine import Simulator
from simulator.handlers import HandlerHost

WAIT = 60

PLUGIN = """
import threading

GO = threading.Event()
DONE = threading.Event()


def worker(ad_api):
    GO.wait({wait})
    ad_api.set_agent_state("ready")  # from the plugin's own thread, not a handler
    DONE.set()


def on_login(login_state):
    GO.set()
    DONE.wait({wait})  # the worker's call is run while the host settles this one


def register(ad_api):
    threading.Thread(target=worker, args=(ad_api,), name="crm-worker", daemon=True).start()
    ad_api.on("ON_LOGIN", on_login)
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_a_plugins_own_thread_acts_on_the_repeat_running_now(tmp_path, tenant, isolation):
    plugin = tmp_path / "crm.py"
    plugin.write_text(PLUGIN.format(wait=WAIT), encoding="utf-8")
    first = Simulator(tenant, seed=7)
    host = HandlerHost(first, timeout=WAIT, isolation=isolation)
    try:
        [status] = host.load(plugin)  # register() runs, and its thread starts, in repeat 1
        assert status.loaded, status.error
        assert host.settle(WAIT)
        second = Simulator(tenant, seed=8)
        host.rebind(second)  # repeat 2
        second.login()  # its ON_LOGIN lets the worker go
        assert host.settle(WAIT)
        assert [o.status for o in host.outcomes] == ["ok"]
    finally:
        host.close(timeout=WAIT)
    assert second.get_agent_state().data["state"] == "ready"
    assert not first.get_agent_state().ok  # repeat 1 is left as it ended: logged out
