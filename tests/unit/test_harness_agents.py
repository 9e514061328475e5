"""``adsim.agent("omar")``: a second desktop with the same API and the same handlers, and the
transfer-data round trip between the two agents' integrations."""

from __future__ import annotations

from simulator.testing import AdsimHarness

HANDLER = """
def register(ad_api):
    ad_api.on(
        "ON_REQUEST_TRANSFER_DATA",
        lambda interaction_id: {"from": ad_api.agent, "caseId": "C-7"},
    )
    ad_api.on(
        "ON_LOAD_TRANSFER_DATA",
        lambda interaction_id, data: f"{ad_api.agent} loaded {data['caseId']}",
    )
"""


def test_transfer_data_round_trip_between_two_agents_integrations(tmp_path):
    plugin = tmp_path / "crm_handler.py"
    plugin.write_text(HANDLER)
    with AdsimHarness(seed=3, handlers=[plugin]) as adsim:
        omar = adsim.agent("omar")
        assert adsim.agent("1002") is omar
        for desk in (adsim, omar):
            desk.login()
            desk.set_agent_state("ready")
        adsim.offer_call("Customer Support")
        adsim.accept_interaction()
        adsim.blind_transfer("1002")  # no data: the desktop asks jane's integration
        (item,) = omar.interactions
        (event,) = [e for e in omar.events if e.name.value == "ON_LOAD_TRANSFER_DATA"]
        assert event.wire_args == (item.id, {"from": "jane", "caseId": "C-7"})
        # Omar's own copy of the plugin got it, and knew whose desktop it was on.
        loaded = [o.result for o in omar.outcomes if o.event_name == "ON_LOAD_TRANSFER_DATA"]
        assert loaded == ["omar loaded C-7"]
        assert not adsim.failures and not omar.failures
        assert [e.name.value for e in adsim.events].count("ON_REQUEST_TRANSFER_DATA") == 1
        assert [e.name.value for e in omar.events].count("ON_REQUEST_TRANSFER_DATA") == 0


def test_a_new_agent_joins_with_a_team_and_acts_on_its_own_desktop():
    with AdsimHarness(seed=1) as adsim:
        bob = adsim.agent("bob", team="Sales")
        assert bob.login().ok
        assert [e.name.value for e in bob.events] == ["ON_LOGIN", "ON_AGENT_STATE_CHANGE"]
        assert adsim.events == []
        assert bob.agent.logged_in and not adsim.sim.agent.logged_in
