"""The agent ends a call of theirs that is still dialling (the desktop's Hang up, as a real
agent desktop cancels a dial): it ends as a call nobody answered. adApi's ``leaveInteraction``
still refuses it (the vendor's guard: delivered, hold, delivery_pending, IVR)."""

from __future__ import annotations

from simulator.contract import InteractionState, ResultErrorCode
from simulator.engine import Action, EventRecorder, Simulator
from simulator.handlers.ad_api import AdApi
from simulator.scenarios import ScenarioRunner, parse_scenario, record_session

S = InteractionState


def _dialling(seed: int = 2) -> tuple[Simulator, str]:
    sim = Simulator(seed=seed)
    assert sim.login().ok
    assert sim.set_agent_state("ready").ok
    iid = sim.start_call("+1 415 555 0134").data["id"]
    assert sim.interaction(iid).state is S.unknown
    return sim, iid


def test_a_dialling_call_can_be_cancelled_and_ends_as_one_nobody_answered():
    sim, iid = _dialling()
    assert Action.cancel_dial in sim.allowed(iid)
    assert Action.leave not in sim.allowed(iid)
    result = sim.cancel_dial(iid)
    assert result.ok, result
    inter = sim.interaction(iid)
    # The outbound service has after-call work: wrap-up with no startTime, as a ring-out.
    assert inter.state is S.wrap_up
    assert inter.wire().get("startTime") is None
    assert inter.global_interaction_id is not None
    assert sim.agent.phase.value == "after_call_work"
    sim.advance(60)  # the far end's answer never comes to a cancelled call
    assert sim.interaction(iid).state is S.wrap_up


def test_leave_interaction_still_refuses_a_dialling_call():
    sim, iid = _dialling()
    for result in (sim.leave_interaction(iid), AdApi(sim).leave_interaction(iid)):
        assert not result.ok
        assert result.error.code == ResultErrorCode.not_suitable_state
    assert sim.interaction(iid).state is S.unknown


def test_cancelling_a_connected_call_is_refused_and_changes_nothing():
    sim, iid = _dialling()
    sim.advance(5)  # answered after 4 s by default
    assert sim.interaction(iid).state is S.delivered
    result = sim.cancel_dial(iid)
    assert not result.ok
    assert result.error.code == ResultErrorCode.not_suitable_state
    assert sim.interaction(iid).state is S.delivered


def test_the_hang_up_step_cancels_a_dial_and_a_recorded_cancel_replays():
    scenario = """
name: cancel a dial
steps:
  - set_state: ready
  - dial: "4155550134"
  - hang_up
  - expect: {event: ON_INTERACTION_STATE_CHANGE, state: wrap_up}
"""
    result = ScenarioRunner(parse_scenario(scenario, "cancel.yaml")).run()
    assert result.error is None, result.error
    assert result.failures == [], [str(failure) for failure in result.failures]

    sim, iid = _dialling(seed=4)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    assert sim.cancel_dial(iid).ok
    recorded = record_session(sim)
    assert "- hang_up" in recorded, recorded
    replayed = ScenarioRunner(parse_scenario(recorded, "recorded.yaml")).run()
    assert replayed.error is None and replayed.failures == [], replayed.failures


def test_a_refused_cancel_is_not_recorded_and_the_session_replays():
    # ``hang_up`` is the recorded cancel's step; on a connected call it leaves it, so a
    # refused cancel written as ``hang_up`` + expect_error ended the call in the replay.
    sim, iid = _dialling(seed=4)
    sim.advance(5)  # answered
    assert not sim.cancel_dial(iid).ok
    assert sim.leave_interaction(iid).ok
    recorded = record_session(sim)
    assert "expect_error" not in recorded, recorded
    replayed = ScenarioRunner(parse_scenario(recorded, "recorded.yaml")).run()
    assert replayed.error is None, replayed.error
    assert replayed.failures == [], [str(failure) for failure in replayed.failures]


def test_leave_on_a_dial_is_refused_naming_the_step_that_cancels_it():
    scenario = """
name: leave a dial
steps:
  - set_state: ready
  - dial: "4155550134"
  - leave
"""
    result = ScenarioRunner(parse_scenario(scenario, "leave.yaml")).run()
    assert result.error is not None
    assert "cancel_dial (the step `hang_up`)" in result.error.message, result.error.message
