"""The contact center: several desktops on one clock, routing, and the directory's live states."""

from __future__ import annotations

import pytest

from simulator.data import load_tenant
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.engine.center import ContactCenter, UnknownAgentError

SALES = load_tenant().team("Sales").id
SUPPORT = load_tenant().team("Customer Support").id


def _center(*names: str, settings: Settings | None = None, ready: bool = True):
    """The tenant's agent (jane) and the named colleagues, logged in (and Ready), each with a
    recorder; returns (desktops by name, recorders by name)."""
    sim = Simulator(load_tenant(), seed=3, settings=settings)
    desks = {"jane": sim}
    for name in names:
        desks[name] = sim.center.add_agent(name)
    recorders = {}
    for name, desk in desks.items():
        recorders[name] = EventRecorder()
        desk.subscribe(recorders[name])
        assert desk.login().ok
        if ready:
            assert desk.set_agent_state("ready").ok
            sim.advance(1)  # jane is the longest idle, then the next to join
    for recorder in recorders.values():
        recorder.clear()
    return desks, recorders


def test_a_simulator_is_a_center_with_one_agent():
    sim = Simulator(seed=1)
    assert sim.center.desktops == [sim]
    assert sim.name == "jane"
    assert sim.center.agent("jane.agent") is sim
    assert sim.center.agent("1001") is sim


def test_agents_are_found_by_first_name_login_or_extension_and_unknown_ones_are_refused():
    center = ContactCenter(seed=1)
    omar = center.add_agent("Omar")
    assert (omar.name, omar.profile.extension, omar.profile.team) == ("omar", "1002", SUPPORT)
    assert center.add_agent("2001").name == "priya"
    bob = center.add_agent("bob", team=SALES)
    assert bob.profile.team == SALES
    assert bob.profile.extension == "3002"  # after the highest extension of the tenant
    with pytest.raises(UnknownAgentError) as refused:
        center.add_agent("zed")
    assert str(refused.value) == (  # how to give a team, in add_agent's words
        "'zed' is nobody of the tenant's teams: give the new agent a team, as in "
        "add_agent('zed', team='Customer Support') (the teams: 'Customer Support', 'Sales', "
        "'Billing')"
    )
    with pytest.raises(UnknownAgentError, match="no team"):
        center.add_agent("zed", team="T-NOPE")
    with pytest.raises(UnknownAgentError) as unusable:  # not told to add a team it refuses
        center.add_agent("bad name")
    assert str(unusable.value) == "'bad name' is not a usable agent name (letters, digits, . _ -)"
    with pytest.raises(ValueError, match="already an agent"):
        center.add_agent("omar")


def test_each_desktop_has_its_own_session_and_events():
    desks, rec = _center("omar", ready=False)
    assert desks["omar"].get_login_state().data["username"] == "omar.haddad"
    assert desks["omar"].get_login_state().data["agentId"] == desks["omar"].profile.id
    assert desks["omar"].set_agent_state("ready").ok
    assert rec["omar"].names() == ["ON_AGENT_STATE_CHANGE"]
    assert rec["jane"].names() == []
    assert desks["jane"].agent.phase.value == "not_ready"


def test_the_directory_shows_the_simulated_agents_live_states():
    desks, _ = _center("omar", "mei", ready=False)

    def states(desk):
        return {m["firstName"]: m["state"] for m in desk.get_team_members(SUPPORT).data}

    members = states(desks["jane"])
    # Omar and Mei are simulated: their live state, not the tenant file's (ready / busy).
    assert members == {
        "Jane": "not_ready",
        "Omar": "not_ready",
        "Mei": "not_ready",
        "Lucas": "not_ready",  # not simulated: the tenant file's state
    }
    desks["omar"].set_agent_state("ready")
    desks["mei"].logout()
    members = states(desks["jane"])
    assert (members["Omar"], members["Mei"]) == ("ready", "offline")
    desks["jane"].offer_call("Customer Support")  # jane is not ready: omar takes it
    assert states(desks["jane"])["Omar"] == "busy"


def test_a_new_agent_counts_in_its_team_and_is_listed_first():
    sim = Simulator(seed=1)
    bob = sim.center.add_agent("bob", team=SALES)
    sim.login()
    teams = {t["id"]: t["usersCount"] for t in sim.get_teams().data}
    assert teams[SALES] == 3
    first = sim.get_team_members(SALES).data[0]
    assert (first["firstName"], first["phone"], first["state"]) == (
        "Bob",
        bob.profile.extension,
        "offline",
    )


# ---------------------------------------------------------------------- routing


def test_an_offer_goes_to_the_longest_idle_ready_agent():
    desks, _rec = _center("omar", "mei")
    desks["jane"].set_agent_state("not_ready", "Break")
    desks["jane"].advance(1)
    desks["jane"].set_agent_state("ready")  # jane is now the most recently ready
    first = desks["jane"].offer_call("Customer Support")
    assert first.data["queued"] is False
    assert [i.id for i in desks["omar"].interactions] == [first.data["id"]]
    second = desks["jane"].offer_call("Customer Support")
    assert [i.id for i in desks["mei"].interactions] == [second.data["id"]]
    third = desks["jane"].offer_call("Customer Support")
    assert [i.id for i in desks["jane"].interactions] == [third.data["id"]]


def test_an_offer_waits_in_the_queue_until_an_agent_is_ready():
    desks, rec = _center("omar", ready=False)
    offer = desks["jane"].offer_call("Customer Support")
    assert offer.data["queued"] is True
    assert desks["omar"].queued and desks["jane"].queued  # one queue for the center
    assert rec["jane"].names() == [] and rec["omar"].names() == []  # queued: never reported
    desks["omar"].set_agent_state("ready")
    assert [i.id for i in desks["omar"].interactions] == [offer.data["id"]]
    assert desks["jane"].queued == []


def test_a_service_routes_only_to_its_teams():
    base = load_tenant()
    services = [
        s.model_copy(update={"teams": [SALES]}) if s.name == "Sales" else s for s in base.services
    ]
    tenant = base.model_copy(update={"services": services})
    sim = Simulator(tenant, seed=2)
    priya = sim.center.add_agent("priya")
    for desk in (sim, priya):
        desk.login()
        desk.set_agent_state("ready")
    sim.advance(1)
    priya.set_agent_state("not_ready", "Break")
    offer = sim.offer_call("Sales")
    assert offer.data["queued"] is True  # jane is ready but not of the Sales team
    priya.set_agent_state("ready")
    assert [i.id for i in priya.interactions] == [offer.data["id"]]


def test_a_rejected_offer_rings_the_next_agent_with_the_same_giid():
    desks, rec = _center("omar")
    offer = desks["jane"].offer_call("Customer Support")
    jane_item = desks["jane"].interaction(offer.data["id"])
    giid = jane_item.global_interaction_id
    assert desks["jane"].reject_interaction().ok
    assert rec["jane"].names().count("ON_SAVE_ACTIVITY_RECORD") == 1
    (omar_item,) = desks["omar"].interactions
    assert omar_item.id != offer.data["id"]
    assert omar_item.global_interaction_id == giid
    assert omar_item.state.value == "delivery_pending"
    # Omar rejects too: jane declined it already, nobody else is logged in: it is dropped.
    assert desks["omar"].reject_interaction().ok
    assert desks["jane"].interactions == [] and desks["omar"].interactions == []
    assert desks["jane"].queued == []


def test_a_rejected_offer_waits_at_the_head_of_the_queue_when_the_others_are_busy():
    desks, _rec = _center("omar")
    desks["omar"].set_agent_state("not_ready", "Break")
    offer = desks["jane"].offer_call("Customer Support")
    desks["jane"].reject_interaction()
    assert len(desks["jane"].queued) == 1
    assert desks["jane"].queued[0].declined == ("jane",)
    desks["omar"].set_agent_state("ready")
    (item,) = desks["omar"].interactions
    assert item.global_interaction_id is not None
    assert item.id != offer.data["id"]


def test_a_ring_out_rings_the_next_agent_and_leaves_the_first_not_ready():
    desks, _rec = _center("omar", settings=Settings(ring_timeout_seconds=15))
    desks["jane"].offer_call("Customer Support")
    desks["jane"].advance(15)
    assert desks["jane"].agent.phase.value == "not_ready"
    assert desks["jane"].agent.reason == "No Answer"
    assert len(desks["omar"].interactions) == 1


def test_reject_leaves_the_agent_not_ready_as_the_vendor_does_when_set():
    desks, _ = _center("omar", settings=Settings(state_after_reject="not_ready"))
    desks["jane"].offer_call("Customer Support")
    desks["jane"].reject_interaction()
    assert (desks["jane"].agent.phase.value, desks["jane"].agent.reason) == (
        "not_ready",
        "No Answer",
    )


def test_reject_by_default_returns_to_ready_and_drop_setting_drops_the_offer():
    desks, _ = _center("omar", settings=Settings(offer_after_reject="drop"))
    desks["jane"].offer_call("Customer Support")
    desks["jane"].reject_interaction()
    assert desks["jane"].agent.phase.value == "ready"
    assert desks["omar"].interactions == [] and desks["jane"].queued == []


def test_a_direct_offer_rings_only_its_agent():
    desks, _ = _center("omar")
    offer = desks["omar"].offer_call("Customer Support", direct=True)
    assert [i.id for i in desks["omar"].interactions] == [offer.data["id"]]
    assert desks["jane"].interactions == []
