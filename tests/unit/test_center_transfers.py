"""Transfers, consults and conferences that land on a colleague's desktop, and transfer data."""

from __future__ import annotations

from simulator.data import load_tenant
from simulator.engine import EventRecorder, Settings, Simulator


def _two(settings: Settings | None = None):
    """Jane on a connected customer call (answered 10 s ago), Omar logged in and Ready."""
    sim = Simulator(load_tenant(), seed=4, settings=settings)
    omar = sim.center.add_agent("omar")
    rec = {"jane": EventRecorder(), "omar": EventRecorder()}
    sim.subscribe(rec["jane"])
    omar.subscribe(rec["omar"])
    for desk in (sim, omar):
        desk.login()
    sim.set_agent_state("ready")
    call = sim.offer_call("Customer Support", {"phone": "+1 415 555 0123"})
    sim.accept_interaction()
    omar.set_agent_state("ready")
    sim.add_interaction_associated_object(
        {"id": "C-1", "type": "Case", "displayName": "Case 1", "displayType": "Case"}
    )
    sim.advance(10)
    for recorder in rec.values():
        recorder.clear()
    return sim, omar, rec, sim.interaction(call.data["id"])


def test_blind_transfer_to_a_colleague_lands_as_an_offer_with_the_vendors_fields():
    jane, omar, rec, call = _two()
    assert jane.blind_transfer("1002", {"caseId": "42", "priority": 2}).ok
    assert call.state.value == "wrap_up"
    (item,) = omar.interactions
    new = rec["omar"].of("ON_NEW_INTERACTION")[0].wire_args[0]
    assert new["interactionId"] != call.id
    assert new["globalInteractionId"] == call.global_interaction_id
    assert new["state"] == "delivery_pending"
    assert new["callDirection"] == "inbound"
    assert "origination" not in new
    assert new["ANI"] == "14155550123"
    assert new["DNIS"] == "1002"
    assert [p["phone"] for p in new["callParties"]] == ["14155550123"]
    assert [r["id"] for r in new["associatedObjects"]["list"]] == ["C-1"]
    names = rec["omar"].names()
    assert names.index("ON_NEW_INTERACTION") < names.index("ON_LOAD_TRANSFER_DATA")
    (loaded,) = rec["omar"].of("ON_LOAD_TRANSFER_DATA")
    assert loaded.wire_args == (item.id, {"caseId": "42", "priority": 2})
    assert omar.agent.phase.value == "busy"
    # Each side finishes on its own, one activity record each.
    jane.complete_interaction()
    omar.accept_interaction()
    jane.advance(30)
    omar.leave_interaction()
    omar.complete_interaction()
    (jane_record,) = rec["jane"].records()
    (omar_record,) = rec["omar"].records()
    assert jane_record["interactionId"] == call.id
    assert omar_record["interactionId"] == item.id
    assert omar_record["globalInteractionId"] == jane_record["globalInteractionId"]
    assert omar_record["duration"] == 30


def test_transfer_data_round_trip_from_the_senders_handler_to_the_receivers():
    jane, omar, rec, call = _two()
    jane.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"crmCase": "C-9"})
    loaded = []
    omar.on("ON_LOAD_TRANSFER_DATA", lambda iid, data: loaded.append((iid, data)))
    assert jane.blind_transfer("1002").ok
    (asked,) = rec["jane"].of("ON_REQUEST_TRANSFER_DATA")
    assert asked.wire_args == (call.id,)
    assert loaded == [(omar.interactions[0].id, {"crmCase": "C-9"})]


def test_a_handlers_transfer_does_not_ask_for_data_the_vendors_way():
    jane, omar, rec, _call = _two(Settings(transfer_data_request="desktop_only"))
    jane.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"never": True})
    # A handler's adApi call: made while an event is being delivered.
    jane.on("ON_AGENT_STATE_CHANGE", lambda *args: None)
    jane.handler_calls += 1
    try:
        assert jane.blind_transfer("1002").ok
    finally:
        jane.handler_calls -= 1
    assert rec["jane"].of("ON_REQUEST_TRANSFER_DATA") == []
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA") == []
    assert len(omar.interactions) == 1


def test_consult_then_complete_transfer_hands_the_customer_to_the_colleague():
    jane, omar, rec, call = _two()
    consult = jane.consult_call("1002")
    assert consult.ok
    mine = jane.interaction(consult.data["id"])
    assert call.state.value == "hold"
    assert mine.state.value == "unknown"
    (theirs,) = omar.interactions
    new = rec["omar"].of("ON_NEW_INTERACTION")[0].wire_args[0]
    assert new["ANI"] == "1001"  # an internal call from jane
    assert new["callParties"][0]["userId"] == jane.profile.id
    assert new["globalInteractionId"] == call.global_interaction_id
    jane.advance(10)  # no timer answers for a simulated colleague (it rings 20 s)
    assert mine.state.value == "unknown"
    assert jane.transfer().error.name == "not_suitable_state"
    assert omar.accept_interaction().ok
    assert mine.state.value == "delivered"
    jane.advance(20)
    rec["omar"].clear()
    assert jane.transfer({"note": "VIP"}).ok
    assert call.state.value == "wrap_up" and mine.state.value == "wrap_up"
    assert theirs.state.value == "delivered"  # the colleague keeps talking, to the customer now
    change = rec["omar"].of("ON_INTERACTION_STATE_CHANGE")[-1].wire_args[0]
    assert change["interactionId"] == theirs.id
    assert change["ANI"] == "14155550123"
    assert [p["phone"] for p in change["callParties"]] == ["14155550123"]
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (theirs.id, {"note": "VIP"})
    jane.complete_interaction(mine.id)
    jane.complete_interaction(call.id)
    omar.leave_interaction()
    omar.complete_interaction()
    assert len(rec["jane"].records()) == 2
    assert len(rec["omar"].records()) == 1


def test_a_consult_the_colleague_rejects_fails_on_the_senders_side():
    jane, omar, _rec, _call = _two()
    mine = jane.interaction(jane.consult_call("1002").data["id"])
    omar.reject_interaction()
    assert mine.state.value in ("wrap_up", "completed")
    assert omar.interactions == []
    assert omar.agent.phase.value == "ready"


def test_hanging_up_a_consult_ends_it_for_the_colleague():
    jane, omar, _rec, call = _two()
    mine = jane.interaction(jane.consult_call("1002").data["id"])
    omar.accept_interaction()
    (theirs,) = omar.interactions
    jane.leave_interaction(mine.id)
    assert theirs.state.value == "wrap_up"
    # ... and the other way round: the colleague hangs up, the sender's consult call ends.
    jane.complete_interaction(mine.id)
    jane.switch_active_interaction(call.id)
    jane.set_call_hold(False)
    mine = jane.interaction(jane.consult_call("1002").data["id"])
    omar.complete_interaction(theirs.id)
    omar.accept_interaction()
    omar.leave_interaction()
    assert mine.state.value == "wrap_up"


def test_a_three_way_conference_with_a_colleague():
    jane, omar, rec, call = _two()
    assert jane.invite_to_call_conference("1002", {"topic": "refund"}).ok
    assert [p.phone for p in call.parties] == ["14155550123", "1002"]
    (theirs,) = omar.interactions
    assert [p.phone for p in theirs.parties] == ["14155550123", "1001"]
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (theirs.id, {"topic": "refund"})
    omar.accept_interaction()
    # The colleague leaves: the host's call loses that party.
    omar.leave_interaction()
    assert [p.phone for p in call.parties] == ["14155550123"]
    # Invite again, and the host ends the conference: the colleague's call ends.
    omar.complete_interaction()
    jane.invite_to_call_conference("1002", {})
    omar.accept_interaction()
    (again,) = omar.interactions
    assert jane.destroy_call_conference().ok
    assert again.state.value == "wrap_up"
    # The host leaves a conference: the colleague stays with the customer.
    omar.complete_interaction()
    jane.invite_to_call_conference("1002", {})
    omar.accept_interaction()
    (third,) = omar.interactions
    jane.leave_interaction(call.id)
    assert third.state.value == "delivered"
    assert [p.phone for p in third.parties] == ["14155550123"]


def test_removing_a_colleague_from_the_conference_ends_their_call():
    jane, omar, _rec, call = _two()
    jane.invite_to_call_conference("1002", {})
    omar.accept_interaction()
    party = next(p for p in call.parties if p.phone == "1002")
    assert jane.remove_from_call_conference(party.id).ok
    assert omar.interactions[0].state.value == "wrap_up"


def test_a_colleague_who_rejects_a_conference_invitation_leaves_the_call():
    jane, omar, _rec, call = _two()
    jane.invite_to_call_conference("1002", {})
    omar.reject_interaction()
    assert [p.phone for p in call.parties] == ["14155550123"]
    assert call.state.value == "delivered"


def test_blind_transfer_to_a_service_number_is_routed_to_another_agent():
    jane, omar, rec, call = _two()
    assert jane.blind_transfer("+1 415 555 0100", {"from": "jane"}).ok
    (item,) = omar.interactions
    assert item.global_interaction_id == call.global_interaction_id
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (item.id, {"from": "jane"})


def test_a_transfer_to_a_logged_out_colleague_goes_nowhere_as_before():
    jane, omar, _rec, _call = _two()
    omar.set_agent_state("not_ready", "Break")
    jane.center.agent("omar")  # exists
    omar_logged = omar.logout()
    assert omar_logged.ok
    assert jane.blind_transfer("1002", {}).ok
    assert omar.interactions == []


def test_a_consult_the_colleague_lets_ring_out_fails_and_leaves_them_not_ready():
    jane, omar, _rec, _call = _two()
    mine = jane.interaction(jane.consult_call("1002").data["id"])
    jane.advance(20)
    assert mine.state.value == "wrap_up"
    assert (omar.agent.phase.value, omar.agent.reason) == ("not_ready", "No Answer")


def test_the_customer_hanging_up_ends_the_conference_on_every_desktop():
    jane, omar, _rec, call = _two()
    jane.invite_to_call_conference("1002", {})
    omar.accept_interaction()
    (theirs,) = omar.interactions
    assert jane.customer_hang_up(call.id).ok
    assert call.state.value == "wrap_up"
    assert theirs.state.value == "wrap_up"


def test_the_customer_hanging_up_on_the_guest_ends_the_hosts_call_too():
    jane, omar, _rec, call = _two()
    jane.invite_to_call_conference("1002", {})
    omar.accept_interaction()
    (theirs,) = omar.interactions
    assert omar.customer_hang_up(theirs.id).ok
    assert theirs.state.value == "wrap_up"
    assert call.state.value == "wrap_up"
