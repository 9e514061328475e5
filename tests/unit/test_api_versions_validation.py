"""``ON_VALIDATE_ASSOCIATED_RECORDS`` (5.24.1+) at every completion of an interaction with
records: ``completeInteraction``, ``leaveAndCompleteInteraction`` and the after-call-work limit
(``acw_limit_validation``)."""

from __future__ import annotations

import pytest

from simulator.contract import EventName
from simulator.data import Tenant, load_tenant
from simulator.engine import EventRecorder, Settings, Simulator

RECORD = {"id": "0031", "type": "Contact", "displayName": "Ann", "displayType": "Contact"}
VALIDATE = EventName.ON_VALIDATE_ASSOCIATED_RECORDS
INVALID = {"valid": False, "message": "link a case first"}


def _tenant(acw_seconds: int | None = None) -> Tenant:
    data = load_tenant().model_dump()
    data["services"][0]["acw_timeout_seconds"] = acw_seconds
    return Tenant.model_validate(data)


def _talking(version: str, answer=None, acw_seconds=None, **settings):
    """A call with a record, connected; ``answer``: the integration's validation answer."""
    sim = Simulator(
        _tenant(acw_seconds), seed=7, settings=Settings(api_version=version, **settings)
    )
    recorder = EventRecorder()
    sim.subscribe(recorder)
    if answer is not None:
        sim.subscribe(lambda e: answer if e.name is VALIDATE else None)
    notices = []
    sim.watch(notices.append)
    assert sim.login().ok and sim.set_agent_state("ready").ok
    iid = sim.offer_call(sim.tenant.services[0].name).data["id"]
    sim.advance(2)
    assert sim.accept_interaction(iid).ok
    assert sim.add_interaction_associated_object(RECORD, iid).ok
    return sim, recorder, iid, notices


def _names(recorder: EventRecorder) -> list[EventName]:
    return [e.name for e in recorder.events]


@pytest.mark.parametrize("version", ["5.24.1", "2026"])
def test_leave_and_complete_asks_before_completing(version):
    sim, recorder, iid, _ = _talking(version)
    assert sim.leave_and_complete_interaction(interaction_id=iid).ok
    names = _names(recorder)
    assert names.index(VALIDATE) < names.index(EventName.ON_SAVE_ACTIVITY_RECORD)
    event = recorder.events[names.index(VALIDATE)]
    assert event.wire_args[0] == iid and event.wire_args[1]["list"][0]["id"] == "0031"
    assert sim.interaction(iid) is None


def test_leave_and_complete_with_invalid_records_leaves_but_stays_in_wrap_up():
    sim, recorder, iid, notices = _talking("5.24.1", INVALID)
    assert sim.leave_and_complete_interaction(interaction_id=iid).ok
    assert sim.interaction(iid).state.value == "wrap_up"
    assert EventName.ON_SAVE_ACTIVITY_RECORD not in _names(recorder)
    assert [n.detail for n in notices if n.kind == "records_invalid"] == ["link a case first"]


def test_5_19_leave_and_complete_does_not_ask():
    sim, recorder, iid, _ = _talking("5.19")
    assert sim.leave_and_complete_interaction(interaction_id=iid).ok
    assert VALIDATE not in _names(recorder)
    assert sim.interaction(iid) is None


def test_the_acw_limit_asks_and_an_invalid_answer_keeps_wrap_up():
    sim, recorder, iid, notices = _talking("5.24.1", INVALID, acw_seconds=30)
    assert sim.leave_interaction(iid).ok
    sim.advance(30)
    assert VALIDATE in _names(recorder)
    assert sim.interaction(iid).state.value == "wrap_up"
    assert [n.detail for n in notices if n.kind == "records_invalid"] == ["link a case first"]


def test_the_acw_limit_completes_after_a_valid_answer():
    sim, recorder, iid, _ = _talking("2026", acw_seconds=30)
    assert sim.leave_interaction(iid).ok
    sim.advance(30)
    assert VALIDATE in _names(recorder)
    assert sim.interaction(iid) is None


def test_acw_limit_validation_skip_completes_without_asking():
    sim, recorder, iid, _ = _talking("5.24.1", INVALID, acw_seconds=30, acw_limit_validation="skip")
    assert sim.leave_interaction(iid).ok
    sim.advance(30)
    assert VALIDATE not in _names(recorder)
    assert sim.interaction(iid) is None
