"""2026's summary generation, voice transcript and transcript methods: fired from scenario steps
(``summary``, ``transcript``), answered from what the engine keeps; never in earlier versions."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest

from simulator.contract import EventName
from simulator.engine import EventRecorder, Settings, Simulator
from simulator.handlers import AdApi
from simulator.scenarios import ScenarioRunner, parse_scenario

SCENARIO = textwrap.dedent(
    """
    api_version: "2026"
    steps:
      - call: Customer Support
      - accept
      - transcript: "I want a refund"
      - transcript: {text: "Let me check", party: agent}
      - expect:
          event: ON_VOICE_TRANSCRIPT_MESSAGE
          api_version: "2026"
          payload: {party: agent, text: Let me check}
      - hang_up
      - summary: {topics: {Reason: Refund}, seconds: 3}
      - expect: {event: ON_SUMMARY_GENERATION_STARTED, api_version: "2026"}
      - wait: 3s
      - expect:
          event: ON_SUMMARY_GENERATION_COMPLETED
          api_version: "2026"
          payload: {success: true, topics: [{name: Reason, value: Refund}]}
    """
)


@pytest.mark.parametrize("version", ["5.19", "5.24.1", "2026"])
def test_the_steps_fire_the_events_in_2026_only(version):
    # A file written for 2026 run under an earlier --api-version (comparing versions): the
    # steps run and send nothing there.
    source = parse_scenario(SCENARIO, "summary.yaml")
    source = replace(source, scenario=source.scenario.for_api_version(version))
    runner = ScenarioRunner(source)
    result = runner.run()
    assert result.exit_code == 0, [str(f) for f in result.failures]
    names = {event.name for event in runner.recorder.events}
    later = {
        EventName.ON_VOICE_TRANSCRIPT_MESSAGE,
        EventName.ON_SUMMARY_GENERATION_STARTED,
        EventName.ON_SUMMARY_GENERATION_COMPLETED,
    }
    assert (later <= names) if version == "2026" else not (later & names)


def _sim(version: str) -> tuple[Simulator, EventRecorder]:
    sim = Simulator(seed=7, settings=Settings(api_version=version))
    recorder = EventRecorder()
    sim.subscribe(recorder)
    assert sim.login().ok and sim.set_agent_state("ready").ok
    return sim, recorder


def test_a_failed_summary_carries_its_error_code():
    sim, recorder = _sim("2026")
    iid = sim.offer_call("Customer Support").data["id"]
    assert sim.generate_summary(iid, error="timeout", seconds=0).ok
    sim.advance(0)
    (done,) = recorder.of(EventName.ON_SUMMARY_GENERATION_COMPLETED)
    assert done.wire_args[0] == {"interactionId": iid, "success": False, "errorCode": "timeout"}


def test_get_voice_transcript_answers_what_was_heard():
    sim, recorder = _sim("2026")
    iid = sim.offer_call("Customer Support").data["id"]
    sim.advance(2)
    sim.accept_interaction(iid)
    sim.advance(5)
    assert sim.voice_transcript("Hello", "customer", iid).ok
    (message,) = recorder.of(EventName.ON_VOICE_TRANSCRIPT_MESSAGE)
    assert message.wire_args[0] == {
        "interactionId": iid,
        "party": "customer",
        "text": "Hello",
        "time": sim.now_ms,
    }
    answer = AdApi(sim).get_voice_transcript(iid)
    assert answer.ok and answer.data == [{"party": "customer", "text": "Hello", "time": sim.now_ms}]
    assert sim.voice_transcript("", "customer", iid).error.name == "invalid_args"


def test_get_chat_transcript_answers_the_chats_lines():
    sim, _ = _sim("2026")
    iid = sim.offer_chat("Web Chat", message="Hi there").data["id"]
    sim.advance(2)
    sim.accept_interaction(iid)
    sim.send_chat_message("Hello, how can I help?", iid)
    answer = AdApi(sim).get_chat_transcript(iid)
    assert answer.ok, answer
    assert [(line["party"], line["text"]) for line in answer.data] == [
        ("customer", "Hi there"),
        ("agent", "Hello, how can I help?"),
    ]
    assert AdApi(sim).get_voice_transcript(iid).error.name == "not_suitable_state"


@pytest.mark.parametrize("version", ["5.19", "5.24.1"])
def test_earlier_versions_have_no_transcript_methods(version):
    sim, _ = _sim(version)
    sim.offer_call("Customer Support")
    for method in (AdApi(sim).get_chat_transcript, AdApi(sim).get_voice_transcript):
        assert method().error.name == "api_method_not_implemented"
