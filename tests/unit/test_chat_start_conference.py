"""``startChat`` and chat conferences (``inviteToChatConference``, ``removeFromChatConference``)
as the vendor documents them (issue 14)."""

from __future__ import annotations

import pytest

from simulator.contract import EventName, InteractionData, ResultErrorCode
from simulator.engine import Settings, Simulator
from simulator.handlers import AdApi

Code = ResultErrorCode


@pytest.fixture
def agent(tenant) -> Simulator:
    sim = Simulator(tenant, seed=7, settings=Settings(chat_parties="emit"))
    sim.login()
    sim.set_agent_state("ready")
    return sim


def test_start_chat_needs_a_chat_service(agent):
    agent.set_service(None)
    assert agent.start_chat("sms", "+14155550134").error.code == Code.no_service
    agent.set_service("Sales")
    assert agent.start_chat("sms", "+14155550134").error.code == Code.no_chat_in_service
    agent.set_service("Web Chat")
    assert agent.start_chat("pigeon", "x").error.code == Code.invalid_args
    assert agent.start_chat("sms", "").error.code == Code.empty_number
    assert agent.start_chat("sms", "not a number").error.code == Code.invalid_args


def test_sms_needs_an_sms_did_when_one_is_chosen(agent):
    agent.set_service("Web Chat")
    voice_only = next(d for d in agent.tenant.dids if not d.is_sms)
    agent.set_did_number(voice_only.id)
    assert agent.start_chat("sms", "+14155550134").error.code == Code.no_permissions_did_sms
    sms = next(d for d in agent.tenant.dids if d.is_sms)
    agent.set_did_number(sms.id)
    assert agent.start_chat("sms", "+14155550134").ok


@pytest.mark.parametrize(
    ("version", "whatsapp", "ms_teams"),
    [("5.19", False, False), ("5.24.1", True, False), ("2026", True, True)],
)
def test_later_versions_add_whatsapp_and_ms_teams(tenant, version, whatsapp, ms_teams):
    """Reference 4.3: ``ChatChannelType`` adds ``whatsapp`` in 5.24.1 (a number, as SMS) and
    ``ms_teams`` in 2026; an earlier version refuses them, naming the version that has them."""
    sim = Simulator(tenant, seed=7, settings=Settings(api_version=version))
    sim.login()
    sim.set_service("Web Chat")
    started = sim.start_chat("whatsapp", "+1 415 555 0134")
    assert started.ok is whatsapp
    if whatsapp:
        assert sim.interaction(started.data["id"]).phone_number == "14155550134"
        assert sim.start_chat("whatsapp", "not a number").error.code == Code.invalid_args
    else:
        assert started.error.code == Code.invalid_args
        assert "appeared in 5.24.1" in started.error.message
    teams = sim.start_chat("ms_teams", "ann@example.com")
    assert teams.ok is ms_teams
    if not ms_teams:
        assert "appeared in 2026" in teams.error.message


def test_a_started_chat_appears_then_connects(agent):
    events = []
    agent.subscribe(events.append)
    agent.set_service("Web Chat")
    started = agent.start_chat(
        "sms",
        "+1 415 555 0134",
        {"id": "1", "type": "Contact", "displayName": "Ann", "displayType": "Contact"},
    )
    assert started.ok
    iid = started.data["id"]
    new = next(e for e in events if e.name is EventName.ON_NEW_INTERACTION).wire_args[0]
    assert new["state"] == "unknown" and new["type"] == "chat"
    assert new["origination"] == "integration-api" and new["phoneNumber"] == "14155550134"
    assert new["chatParties"][0]["type"] == "external"
    assert new["associatedObjects"]["list"][0]["id"] == "1"
    InteractionData.model_validate(new)
    agent.advance(1)
    inter = agent.interaction(iid)
    assert inter.state.value == "delivered" and inter.global_interaction_id
    assert agent.send_chat_message("Hello from Acme", iid).ok


def test_chat_conference_invite_and_remove(agent):
    events = []
    agent.subscribe(events.append)
    iid = agent.offer_chat("Web Chat", None, "Hi").data["id"]
    assert agent.invite_to_chat_conference("2001", iid).error.code == Code.not_suitable_state
    agent.accept_interaction(iid)
    assert agent.invite_to_chat_conference("9999", iid).error.code == Code.object_not_found
    assert agent.invite_to_chat_conference("1001", iid).error.code == Code.self_call
    assert agent.invite_to_chat_conference("2001", iid).ok
    assert agent.invite_to_chat_conference("2001", iid).error.code == Code.not_suitable_state
    last = events[-1].wire_args[0]
    assert events[-1].name is EventName.ON_INTERACTION_STATE_CHANGE
    (guest,) = [p for p in last["chatParties"] if p["type"] == "internal"]
    assert guest["name"] == "Priya Nair" and guest["userId"]
    customer = next(p for p in last["chatParties"] if p["type"] == "external")
    assert agent.remove_from_chat_conference(customer["id"], iid).error.code == (
        Code.not_suitable_state
    )
    assert agent.remove_from_chat_conference(guest["id"], iid).ok
    assert [p["type"] for p in events[-1].wire_args[0]["chatParties"]] == ["external"]
    assert agent.remove_from_chat_conference("2001", iid).error.code == Code.object_not_found
    # A chat transfer: invite, then leave.
    assert agent.invite_to_chat_conference("2001", iid).ok
    assert agent.leave_interaction(iid).ok


def test_without_the_setting_payloads_stay_5_19(tenant):
    sim = Simulator(tenant, seed=7)
    events = []
    sim.subscribe(events.append)
    sim.login()
    sim.set_agent_state("ready")
    iid = sim.offer_chat("Web Chat", None, "Hi").data["id"]
    sim.accept_interaction(iid)
    assert sim.invite_to_chat_conference("2001", iid).ok
    assert all(
        "chatParties" not in e.wire_args[0]
        for e in events
        if e.name.value.startswith("ON_NEW") or e.name is EventName.ON_INTERACTION_STATE_CHANGE
    )


def test_the_facade_has_the_chat_conference_methods(agent, tenant):
    assert AdApi(agent).invite_to_chat_conference("2001").error.code == (
        Code.api_method_not_implemented  # chat conferences came after 5.19 (2023-04)
    )
    agent = Simulator(tenant, seed=7, settings=Settings(api_version="5.24.1"))
    agent.login()
    agent.set_agent_state("ready")
    api = AdApi(agent)
    iid = agent.offer_chat("Web Chat", None, "Hi").data["id"]
    agent.accept_interaction(iid)
    assert api.invite_to_chat_conference("2001").ok
    assert api.remove_from_chat_conference("2001").ok
    assert api.invite_to_chat_conference(2001).error.code == Code.invalid_args
