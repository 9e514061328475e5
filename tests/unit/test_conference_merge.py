"""``mergeAllCallsIntoConference``: the agent's calls become one conference (engine and
``ad_api``); refused, it changes nothing."""

from __future__ import annotations

import pytest

from simulator.contract import ResultErrorCode
from simulator.data import load_tenant
from simulator.engine import Action, EventRecorder, Settings, Simulator
from simulator.handlers import AdApi
from simulator.scenarios import ScenarioFileError, ScenarioRunner, parse_scenario
from simulator.web import REQUESTS

from .flows import snapshot

Code = ResultErrorCode


def _consulting(settings: Settings | None = None, *, answered: bool = True):
    """Jane on a customer call (30 s), holding it for a consult call to an outside number."""
    sim = Simulator(load_tenant(), seed=8, settings=settings)
    rec = EventRecorder()
    sim.subscribe(rec)
    sim.login()
    sim.set_agent_state("ready")
    customer = sim.interaction(sim.offer_call("Customer Support").data["id"])
    sim.accept_interaction()
    sim.advance(30)
    consult = sim.interaction(sim.consult_call("+1 415 555 0177").data["id"])
    if answered:
        sim.customer_answer(consult.id)
    rec.clear()
    return sim, rec, customer, consult


def _with_colleague(settings: Settings | None = None):
    """As ``_consulting``, the consult call to Omar's desktop (answered)."""
    sim = Simulator(load_tenant(), seed=9, settings=settings)
    omar = sim.center.add_agent("omar")
    rec = {"jane": EventRecorder(), "omar": EventRecorder()}
    sim.subscribe(rec["jane"])
    omar.subscribe(rec["omar"])
    for desk in (sim, omar):
        desk.login()
        desk.set_agent_state("ready")
    customer = sim.interaction(
        sim.offer_call("Customer Support", {"phone": "+1 415 555 0123"}, direct=True).data["id"]
    )
    sim.accept_interaction()
    sim.add_interaction_associated_object(
        {"id": "C-1", "type": "Case", "displayName": "Case 1", "displayType": "Case"}
    )
    consult = sim.interaction(sim.consult_call("1002").data["id"])
    omar.accept_interaction()
    (theirs,) = omar.interactions
    for recorder in rec.values():
        recorder.clear()
    return sim, omar, rec, customer, consult, theirs


def test_the_held_customer_and_the_consult_call_become_one_conference():
    sim, rec, customer, consult = _consulting()
    active_before = sim.active_interaction_id
    assert active_before == consult.id
    consulted = consult.parties[0]
    assert sim.merge_all_calls_into_conference({"caseId": "42"}).ok
    assert sim.interactions == [customer]
    assert customer.state.value == "delivered"
    assert [(p.id, p.phone) for p in customer.parties][1:] == [(consulted.id, "14155550177")]
    # The conference's change, then the consult call merged away, then the focus moves.
    assert [(e.name.value, e.interaction_id) for e in rec] == [
        ("ON_INTERACTION_STATE_CHANGE", customer.id),
        ("ON_INTERACTION_STATE_CHANGE", consult.id),  # emit_completed_state
        ("ON_INTERACTION_REMOVED", consult.id),
        ("ON_SAVE_ACTIVITY_RECORD", consult.id),
        ("ON_ACTIVE_INTERACTION_SWITCHED", None),
    ]
    change = rec.of("ON_INTERACTION_STATE_CHANGE")[0].wire_args[0]
    assert change["state"] == "delivered"
    assert [p["phone"] for p in change["callParties"]][1:] == ["14155550177"]
    assert rec.of("ON_ACTIVE_INTERACTION_SWITCHED")[0].wire_args == (customer.id,)
    record = rec.of("ON_SAVE_ACTIVITY_RECORD")[0].wire_args[0]
    assert "endTime" not in record  # it never reached wrap-up
    assert sim.agent.phase.value == "busy"  # no ON_AGENT_STATE_CHANGE
    assert customer.transfer_data == {"caseId": "42"}
    # The conference's own record, at the end, carries every party (as after an invitation).
    sim.advance(20)
    sim.leave_interaction()
    sim.complete_interaction()
    (final,) = [e.wire_args[0] for e in rec.of("ON_SAVE_ACTIVITY_RECORD")][1:]
    assert [p["phone"] for p in final["callParties"]][1:] == ["14155550177"]
    assert final["duration"] == 50


def test_a_call_already_in_hold_or_active_merges_whichever_is_active():
    sim, rec, customer, _consult = _consulting()
    sim.switch_active_interaction(customer.id)
    rec.clear()
    assert sim.merge_all_calls_into_conference().ok
    assert sim.interactions == [customer]
    # The conference was active already: no switch.
    assert rec.of("ON_ACTIVE_INTERACTION_SWITCHED") == []


def test_three_calls_merge_into_the_one_with_the_consult_call():
    sim, _rec, customer, consult = _consulting()
    sim.set_call_hold(True, consult.id)
    third = sim.start_call("+1 415 555 0188").data["id"]
    sim.customer_answer(third)
    assert sim.merge_all_calls_into_conference().ok
    assert sim.interactions == [customer]
    assert [p.phone for p in customer.parties][1:] == ["14155550177", "14155550188"]
    assert [inter.id for inter in sim.finished] == [consult.id, third]


@pytest.mark.parametrize(
    ("arrange", "code"),
    [
        ("logged_out", Code.not_logged_in),
        ("no_interaction", Code.no_interaction),
        ("one_call", Code.not_suitable_state),
        ("consult_ringing", Code.not_suitable_state),
        ("offer_ringing", Code.not_suitable_state),
        ("chat_only", Code.not_suitable_state),
        ("nested_data", Code.invalid_args),
    ],
)
def test_a_refused_merge_answers_the_vendors_code_and_changes_nothing(arrange, code):
    sim, _rec, customer, consult = _consulting(answered=arrange != "consult_ringing")
    data = None
    if arrange in ("logged_out", "no_interaction", "chat_only"):
        for inter in (consult, customer):
            sim.leave_interaction(inter.id)
            sim.complete_interaction(inter.id)
        if arrange == "logged_out":
            sim.set_agent_state("not_ready", "Break")
            sim.logout()
        if arrange == "chat_only":
            sim.offer_chat("Web Chat")
            sim.accept_interaction()
    elif arrange == "one_call":
        sim.leave_interaction(consult.id)
        sim.complete_interaction(consult.id)
    elif arrange == "offer_ringing":
        sim.set_call_hold(True, consult.id)
        sim.offer_call("Customer Support", direct=True)
    elif arrange == "nested_data":
        data = {"case": {"id": 42}}
    before = snapshot(sim)
    result = sim.merge_all_calls_into_conference(data)
    assert result.error.code == code
    assert result.error.message
    assert snapshot(sim) == before


def test_allowed_offers_the_merge_only_when_it_would_merge():
    sim, _rec, customer, consult = _consulting(answered=False)
    assert Action.conference_merge not in sim.allowed(customer.id)
    sim.customer_answer(consult.id)
    assert Action.conference_merge in sim.allowed(customer.id)
    assert Action.conference_merge in sim.allowed(consult.id)
    sim.merge_all_calls_into_conference()
    assert Action.conference_merge not in sim.allowed(customer.id)


def test_without_data_the_desktop_asks_about_the_call_that_has_the_consult_call():
    sim, rec, customer, _consult = _consulting()
    sim.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"crmCase": "C-9"})
    assert sim.merge_all_calls_into_conference().ok
    (asked,) = rec.of("ON_REQUEST_TRANSFER_DATA")
    assert asked.wire_args == (customer.id,)
    assert customer.transfer_data == {"crmCase": "C-9"}


def test_a_colleague_at_the_other_end_becomes_a_guest_of_the_conference():
    jane, omar, rec, customer, consult, theirs = _with_colleague()
    jane_party = theirs.parties[0]
    assert jane.merge_all_calls_into_conference({"topic": "refund"}).ok
    assert jane.interactions == [customer]
    assert [p.phone for p in customer.parties] == ["14155550123", "1002"]
    # Omar's item stays (same id, same ANI) and shows the customer, then the host.
    assert omar.interactions == [theirs]
    assert [p.phone for p in theirs.parties] == ["14155550123", "1001"]
    assert theirs.parties[1].id == jane_party.id
    assert [e.name.value for e in rec["omar"]] == [
        "ON_INTERACTION_STATE_CHANGE",
        "ON_LOAD_TRANSFER_DATA",
    ]
    change = rec["omar"].of("ON_INTERACTION_STATE_CHANGE")[0].wire_args[0]
    assert change["ANI"] == "1001"
    assert change["associatedObjects"]["list"][0]["id"] == "C-1"
    assert rec["omar"].of("ON_LOAD_TRANSFER_DATA")[0].wire_args == (theirs.id, {"topic": "refund"})
    assert consult.id not in [inter.id for inter in jane.interactions]
    # From now on a conference like an invited one: the host removing Omar ends his call.
    omar_party = customer.parties[1]
    assert jane.remove_from_call_conference(omar_party.id).ok
    assert theirs.state.value == "wrap_up"
    assert [p.phone for p in customer.parties] == ["14155550123"]


def test_the_colleague_leaving_the_merged_conference_drops_the_party():
    jane, omar, _rec, customer, _consult, theirs = _with_colleague()
    jane.merge_all_calls_into_conference({})
    omar.leave_interaction(theirs.id)
    assert [p.phone for p in customer.parties] == ["14155550123"]
    assert customer.state.value == "delivered"


def test_the_host_leaving_the_merged_conference_keeps_the_colleague_with_the_customer():
    jane, _omar, _rec, customer, _consult, theirs = _with_colleague()
    jane.merge_all_calls_into_conference({})
    jane.leave_interaction(customer.id)
    assert theirs.state.value == "delivered"
    assert [p.phone for p in theirs.parties] == ["14155550123"]


def test_the_customer_hanging_up_ends_the_merged_conference_everywhere():
    jane, omar, _rec, customer, _consult, theirs = _with_colleague()
    jane.merge_all_calls_into_conference({})
    assert omar.customer_hang_up(theirs.id).ok
    assert theirs.state.value == "wrap_up"
    assert customer.state.value == "wrap_up"


def test_the_colleague_cannot_merge_the_consult_call_they_answered():
    _jane, omar, _rec, _customer, _consult, theirs = _with_colleague()
    omar.set_call_hold(True, theirs.id)
    omar.offer_call("Customer Support", direct=True)
    assert omar.accept_interaction().ok
    before = snapshot(omar)
    result = omar.merge_all_calls_into_conference()
    assert result.error.code == Code.not_suitable_state
    assert "colleague's consult call" in result.error.message
    assert snapshot(omar) == before


@pytest.mark.parametrize("version", ["5.19", "5.24.1", "2026"])
def test_ad_api_merges_in_every_version_and_checks_the_data(version):
    sim, _rec, customer, _consult = _consulting(Settings(api_version=version))
    api = AdApi(sim)
    nested = api.merge_all_calls_into_conference({"case": {"id": 42}})
    assert nested.error.code == Code.invalid_args
    assert len(sim.interactions) == 2
    assert api.merge_all_calls_into_conference({"caseId": "42"}).ok
    assert sim.interactions == [customer]
    again = api.merge_all_calls_into_conference()
    assert again.error.code == Code.not_suitable_state
    # A CRM page's request (the shim's MERGE_ALL_CALLS_INTO_CONFERENCE) reaches it.
    assert REQUESTS["MERGE_ALL_CALLS_INTO_CONFERENCE"] == "merge_all_calls_into_conference"


def test_the_merge_step_runs_with_or_without_data_and_takes_no_on():
    scenario = parse_scenario(_MERGE_STEPS, "merge.yaml")
    assert [step.key for step in scenario.scenario.steps][-2:] == ["merge", "expect"]
    result = ScenarioRunner(scenario).run()
    assert result.error is None and result.failures == []
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(
            _MERGE_STEPS.replace("  - merge: {data: {caseId: '42'}}", _WITH_ON), "m.yaml"
        )
    assert "`merge` does not take `on:` (it merges all the agent's calls)" in str(exc.value)


_MERGE_STEPS = """\
steps:
  - call: Customer Support
    as: customer
  - accept
  - dial: "+1 415 555 0177"
    expect_error: not_suitable_state
  - consult: "+1 415 555 0177"
  - merge:
    expect_error: not_suitable_state
  - answer
  - merge: {data: {caseId: '42'}}
  - expect:
      event: ON_INTERACTION_STATE_CHANGE
      on: customer
      last: true
      payload: {state: delivered, callParties: {length: 2}}
"""
_WITH_ON = """\
  - merge:
    on: customer"""
