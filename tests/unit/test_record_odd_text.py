"""Record and replay with what testers type: text pasted from elsewhere (a mis-decoded ``…`` is
U+0085, a YAML line break) and a customer phone with no digits. The recording must replay to
the same events, byte for byte, or not be made."""

from __future__ import annotations

import pytest

from simulator.engine import EventRecorder, Simulator
from simulator.scenarios import ScenarioRunner, parse_scenario, record_session


def _replayed(sim: Simulator) -> str:
    result = ScenarioRunner(parse_scenario(record_session(sim), "recorded.yaml")).run()
    assert result.error is None, result.error
    assert result.failures == [], [str(failure) for failure in result.failures]
    return result.jsonl()


@pytest.mark.parametrize(
    "text",
    [
        "Thanks\x85 will call back",  # cp1252's "…" read as Latin-1
        "\x85",
        "a\u2028b\u2029c",
        "tab\tand\r\nCRLF",
    ],
)
def test_text_with_unicode_line_breaks_replays_the_same(text):
    sim = Simulator(seed=4)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    call = sim.offer_call("Sales").data["id"]
    sim.advance(1)
    sim.accept_interaction(call)
    sim.add_note(text, call)
    sim.set_variable("said", text, call)
    sim.customer_hang_up(call)
    sim.set_disposition("Product sold", call)
    sim.complete_interaction(call)
    assert _replayed(sim) == recorder.jsonl()


def test_a_customer_phone_without_digits_is_refused_and_replays_refused():
    """The window's customer side with ``abc`` typed as the phone: the call arrived with an
    empty ANI, and its recording (the empty phone left out) replayed with a generated one."""
    sim = Simulator(seed=4)
    recorder = EventRecorder()
    sim.subscribe(recorder)
    sim.login()
    sim.set_agent_state("ready")
    result = sim.offer_call("Sales", {"first_name": "Ann", "phone": "abc"})
    assert not result.ok
    assert result.error.name == "invalid_args"
    assert "'abc'" in result.error.message
    assert not sim.interactions
    assert "expect_error: invalid_args" in record_session(sim)
    assert _replayed(sim) == recorder.jsonl()


def test_a_customer_phone_with_digits_is_still_taken_as_it_is():
    sim = Simulator(seed=4)
    sim.login()
    sim.set_agent_state("ready")
    result = sim.offer_call("Sales", {"first_name": "Ann", "phone": "ext. 12345"})
    assert result.ok
    assert sim.interaction(result.data["id"]).customer.phone == "12345"
