"""A method whose published ``state`` is a ``boolean`` takes true or false only: the engine
(``Simulator``, the pytest ``adsim`` fixture) took any truthy value as true, so
``set_call_mute("false")`` muted the call. Now it answers ``invalid_args``, as ``ad_api`` and a
page's ``adApi`` do, and changes nothing."""

from __future__ import annotations

import pytest

from simulator.contract import ResultErrorCode
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.handlers import AdApi
from simulator.handlers.ad_api import request_message
from simulator.scenarios.record import session_steps
from simulator.web.adapi_requests import run_request

Code = ResultErrorCode

NOT_BOOLEANS = ["false", "true", "", 0, 1, 1.0, None, [], {"state": False}]


def _on_a_recorded_call() -> tuple[Simulator, EventRecorder]:
    """Jane on a connected call that is being recorded (5.24.1: setCallRecordingMute too)."""
    sim = Simulator(settings=Settings(api_version="5.24.1"), seed=3)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    sim.accept_interaction()
    assert sim.set_call_recording(True).ok
    rec = EventRecorder()
    sim.subscribe(rec)
    return sim, rec


def _flags(sim: Simulator) -> tuple[object, ...]:
    (inter,) = sim.interactions
    return inter.state, inter.muted, inter.recording, inter.recording_muted


ENGINE = [
    ("set_call_hold", "setCallHold"),
    ("set_call_mute", "setCallMute"),
    ("set_call_recording", "setCallRecording"),
    ("set_call_recording_mute", "setCallRecordingMute"),
]


@pytest.mark.parametrize("value", NOT_BOOLEANS, ids=repr)
@pytest.mark.parametrize(("method", "vendor"), ENGINE)
def test_the_engine_refuses_a_state_that_is_not_true_or_false(method, vendor, value):
    sim, rec = _on_a_recorded_call()
    before = _flags(sim)
    result = getattr(sim, method)(value)
    assert result.error is not None and result.error.code == Code.invalid_args, result
    message = result.error.message or ""
    assert message.startswith(f"{vendor}: state must be true or false, not ") or (
        value is None and message.startswith(f"{vendor} needs state (true or false)")
    ), message
    assert _flags(sim) == before
    assert rec.names() == []


@pytest.mark.parametrize("interaction_id", [None, "all"])
def test_recording_mute_of_all_calls_refuses_the_same(interaction_id):
    sim, _rec = _on_a_recorded_call()
    before = _flags(sim)
    result = sim.set_call_recording_mute("false", interaction_id)
    assert result.error is not None and result.error.code == Code.invalid_args
    assert _flags(sim) == before


def test_logged_out_the_engine_says_so_before_it_reads_the_state():
    sim = Simulator()
    result = sim.set_call_mute("false")
    assert result.error is not None and result.error.code == Code.not_logged_in


@pytest.mark.parametrize(("method", "vendor"), ENGINE)
def test_ad_api_and_a_page_refuse_the_string_false(method, vendor):
    sim, _rec = _on_a_recorded_call()
    before = _flags(sim)
    api = AdApi(sim)
    for result in (
        getattr(api, method)("false"),
        run_request(api, request_message(method), ["false"], "5.24.1"),
    ):
        assert result.error is not None and result.error.code == Code.invalid_args, result
    assert _flags(sim) == before


def test_true_and_false_still_act():
    sim, _rec = _on_a_recorded_call()
    assert sim.set_call_mute(True).ok and sim.interactions[0].muted
    assert sim.set_call_mute(False).ok and not sim.interactions[0].muted
    assert sim.set_call_recording_mute(True, "all").ok and sim.interactions[0].recording_muted


def test_a_refused_state_is_left_out_of_a_recorded_scenario():
    sim, _rec = _on_a_recorded_call()
    sim.set_call_mute("false")
    steps, notes = session_steps(sim)
    assert "mute" not in str(steps)
    assert any("set_call_mute" in note for note in notes)
