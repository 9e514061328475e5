"""An action on an ``adsim`` that was closed (its test ended) raises, naming why.

Before: the engine ran it and no handler saw it (the host was closed), so a test that held an
earlier test's ``adsim`` (kept in a module global, a class attribute) drove a whole call and
passed with ``adsim.failures == []``, its handler never called."""

from __future__ import annotations

import pytest

from simulator.testing.harness import AdsimHarness

PLUGIN = """
def register(ad_api):
    ad_api.on("ON_AGENT_STATE_CHANGE", lambda *args: 1 / 0)
"""


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_an_action_on_a_closed_adsim_raises(tmp_path, isolation):
    plugin = tmp_path / "crm.py"
    plugin.write_text(PLUGIN, encoding="utf-8")
    with AdsimHarness(handlers=[plugin], handler_isolation=isolation) as adsim:
        omar = adsim.agent("omar")
        adsim.login()
        assert [o.status for o in adsim.outcomes] == ["error"]
    for action, call in (
        ("adsim.set_agent_state()", lambda: adsim.set_agent_state("ready")),
        ("adsim.agent('omar').login()", omar.login),
    ):
        with pytest.raises(RuntimeError) as refused:
            call()
        assert str(refused.value).startswith(f"{action}: this adsim was closed (its test ended")
    assert adsim.sim.get_agent_state().data["state"] == "not_ready"  # the engine ran neither
    assert [o.status for o in adsim.outcomes] == ["error"]  # still readable
