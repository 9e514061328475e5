"""``on:`` keeps the events about one interaction: with an event the desktop never sends about
one (``ON_AGENT_STATE_CHANGE``, ``ON_ACTIVE_INTERACTION_SWITCHED`` ...) it kept none, so ``count:
0`` passed every run, and with only ``agent:``/``handler:``/``api:`` it narrowed nothing. Both
are bad input at the ``on:``, saying what to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.scenarios import (
    ScenarioFile,
    ScenarioFileError,
    ScenarioRunner,
    load_scenario,
    parse_scenario,
)
from simulator.scenarios.event_scope import (
    EVENTS_ON_AN_INTERACTION,
    FIRST_ARGUMENT_KEYS,
    FIRST_ARGUMENT_NOT_A_MAPPING,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"

CALL = "steps:\n  - call: Sales\n    as: sale\n  - wait: 4s\n  - accept\n"


def _problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize(
    "event",
    ["ON_AGENT_STATE_CHANGE", "ON_LOGIN", "ON_SEARCH_KNOWLEDGE_BASE", "ON_SERVER_ERROR"],
)
def test_an_event_never_about_an_interaction_is_refused_with_on(event):
    text = CALL + f"  - expect:\n      event: {event}\n      on: sale\n      count: 0\n"
    (message,) = _problems(text)
    assert message.startswith(
        f"s.yaml:8:11: on: `sale` keeps the events about that interaction, and {event} is "
        "never about one"
    ), message
    assert message.endswith("(count: 0 always true); drop on:")


def test_the_switch_to_an_interaction_is_written_with_its_argument():
    text = CALL + "  - expect: {event: ON_ACTIVE_INTERACTION_SWITCHED, on: sale, count: 0}\n"
    (message,) = _problems(text)
    assert message.endswith(
        "for the switch to `sale`, drop on: and write args: [{interaction: sale}]"
    )
    # What it says to write checks the switch: true of this call, false of another.
    hinted = "  - expect: {event: ON_ACTIVE_INTERACTION_SWITCHED, args: [{interaction: sale}]}\n"
    assert ScenarioRunner(parse_scenario(CALL + hinted, "s.yaml")).run().passed
    other = "  - chat: Support\n    as: talk\n"
    against = hinted.replace("sale", "talk")
    result = ScenarioRunner(parse_scenario(CALL + other + against, "s.yaml")).run()
    assert not result.passed


def test_order_with_an_event_never_about_an_interaction_is_refused_with_on():
    text = CALL + "  - expect:\n      on: sale\n"
    (message,) = _problems(text + "      order: [ON_NEW_INTERACTION, ON_AGENT_STATE_CHANGE]\n")
    assert message.startswith("s.yaml:7:11: on: `sale` keeps the events about that interaction,")
    assert "ON_AGENT_STATE_CHANGE in order: is never about one" in message
    assert message.endswith("this can never match; drop on:, or that event from order:")


@pytest.mark.parametrize(
    ("what", "named"),
    [
        ("agent: busy", "agent"),
        ("handler: {event: ON_SAVE_ACTIVITY_RECORD, status: error, count: 0}", "handler"),
    ],
)
def test_on_with_nothing_it_narrows_is_refused(what, named):
    (message,) = _problems(CALL + f"  - expect:\n      on: sale\n      {what}\n")
    assert message.startswith("s.yaml:7:11: on: `sale` picks the events")
    assert f"and {named} looks at no one interaction: on: would narrow nothing; drop it" in (
        message
    )


@pytest.mark.parametrize(
    "expect",
    [
        "{event: ON_INTERACTION_STATE_CHANGE, on: sale, payload: {state: delivered}}",
        "{event: ON_OPEN_RECORD, on: sale, count: 0}",
        "{event: ON_SEARCH_RECORDS, on: sale, count: 0}",
        "{no_events: true, on: sale, since: last_expect}",
        "{state: delivered, on: sale}",
        "{order: [ON_NEW_INTERACTION, ON_INTERACTION_STATE_CHANGE], on: sale}",
        "{state: delivered, agent: busy, on: sale}",
    ],
)
def test_on_with_what_it_narrows_is_taken(expect):
    parse_scenario(CALL + f"  - expect: {expect}\n", "s.yaml")


def _flows() -> list[ScenarioFile]:
    """Every fixture scenario, and the 2026 flows the fixtures lack (summary, transcript)."""
    flows = [load_scenario(path) for path in sorted(FIXTURES.glob("*.yaml"))]
    text = (
        'api_version: "2026"\n'
        + CALL
        + "  - transcript: I want a refund\n  - summary: {topics: {Reason: Billing}}\n"
        + "  - wait: 5s\n  - hang_up\n  - disposition: Product sold\n  - complete\n"
    )
    return [*flows, parse_scenario(text, "flow.yaml")]


def test_the_lists_hold_the_events_the_engine_sends():
    """The lists ``on:``, ``payload:`` and its keys are checked against: an event the engine
    sends about an interaction that is not on the first, with a mapping first on the second, or
    a key the third lacks, would be refused wrongly; one the second misses checks nothing."""
    about: set[str] = set()
    mapping: set[str] = set()
    not_mapping: set[str] = set()
    keyed: set[str] = set()
    for source in _flows():
        for event in ScenarioRunner(source).run().events:
            if event.interaction_id is not None:
                about.add(event.name.value)
            first = event.wire_args[0] if event.wire_args else None
            (mapping if isinstance(first, dict) else not_mapping).add(event.name.value)
            if isinstance(first, dict) and event.name.value in FIRST_ARGUMENT_KEYS:
                keys = FIRST_ARGUMENT_KEYS[event.name.value][1]
                assert set(first) <= keys, (event.name.value, first)
                keyed.add(event.name.value)
    assert about - EVENTS_ON_AN_INTERACTION == set()
    assert "ON_SUMMARY_GENERATION_COMPLETED" in about  # the 2026 flow ran
    assert mapping & FIRST_ARGUMENT_NOT_A_MAPPING == set()
    assert not_mapping - FIRST_ARGUMENT_NOT_A_MAPPING == set()
    assert len(not_mapping) >= 8, not_mapping  # the flows send enough of them to tell
    assert len(keyed) >= 5, keyed
