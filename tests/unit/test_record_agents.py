"""Record and replay in a contact center of several agents: every desktop's actions, in order."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.engine import EventRecorder, Simulator
from simulator.scenarios import ScenarioRunner, load_scenario, parse_scenario, record_session

ROOT = Path(__file__).resolve().parents[2]
CENTER_FIXTURES = [
    "colleague_blind_transfer",
    "colleague_consult_transfer",
    "colleague_conference",
    "colleague_merge_conference",
    "transfer_data_round_trip",
    "queue_overflow",
]


def replay(text: str) -> str:
    result = ScenarioRunner(parse_scenario(text, "recorded.yaml")).run()
    assert result.error is None, result.error
    assert result.failures == []
    return result.jsonl()


def center_session(seed: int) -> tuple[Simulator, EventRecorder]:
    """Three agents (one a new agent of a team): routing, a reject, transfers both ways."""
    sim = Simulator(seed=seed)
    omar = sim.center.add_agent("omar")
    bob = sim.center.add_agent("bob", team="Customer Support")
    recorder = EventRecorder()
    for desk in (sim, omar, bob):
        desk.subscribe(recorder)
    for desk in (sim, omar, bob):
        desk.login()
        desk.advance(1)
        desk.set_agent_state("ready")
    call = sim.offer_call("Customer Support").data["id"]  # jane: the longest idle
    sim.advance(2)
    sim.reject_interaction(call)  # rings the next agent: omar
    sim.advance(1)
    omar.accept_interaction()
    sim.advance(20)
    omar.consult_call("1001")  # jane, now Ready again
    sim.advance(3)
    sim.accept_interaction()
    sim.advance(15)
    omar.transfer({"caseId": "C-1"})
    sim.advance(5)
    for item in omar.interactions:
        omar.complete_interaction(item.id)
    sim.invite_to_call_conference(bob.profile.extension)
    bob.accept_interaction()
    sim.advance(30)
    bob.leave_interaction()
    sim.blind_transfer("1002")  # omar again: asks jane's integration for data
    sim.advance(4)
    omar.accept_interaction()
    omar.advance(10)
    return sim, recorder


@pytest.mark.parametrize("seed", [0, 5])
def test_a_center_session_replays_byte_for_byte_on_every_desktop(seed):
    sim, recorder = center_session(seed)
    text = record_session(sim)
    assert "not replayable" not in text and "cannot name" not in text
    assert "agents:\n  - name: omar\n    state: logged_out\n" in text
    assert "  - name: bob\n    team: " in text
    assert "    by: omar\n" in text and "    by: bob\n" in text
    replayed = replay(text)
    assert replayed == recorder.jsonl()
    assert '"agent":"bob"' in replayed


@pytest.mark.parametrize("name", CENTER_FIXTURES)
def test_a_center_fixture_recorded_replays_to_the_same_events(name):
    runner = ScenarioRunner(load_scenario(ROOT / f"fixtures/scenarios/{name}.yaml"))
    original = runner.run()
    assert original.error is None and original.failures == []
    text = record_session(runner.sim)
    assert "not replayable" not in text and "cannot name" not in text
    assert replay(text) == original.jsonl()


def test_a_single_agent_recording_has_no_agents_nor_by():
    sim = Simulator(seed=3)
    sim.login()
    sim.set_agent_state("ready")
    sim.offer_call("Sales")
    text = record_session(sim)
    assert "agents:" not in text and "by:" not in text


def test_a_new_agent_of_a_scenario_has_the_id_the_python_api_gives_it():
    text = "seed: 9\nagents:\n  - {name: bob, team: Sales}\nsteps: []\n"
    runner = ScenarioRunner(parse_scenario(text, "bob.yaml"))
    python = Simulator(seed=9).center.add_agent("bob", team="Sales")
    assert runner.sim.center.agent("bob").profile.id == python.profile.id
