"""With several agents (``agents:``), a failed expectation says whose desktop it looked at: the
agent's state (it read "expected the agent ready, the agent is busy", nobody named) and an
``on:`` interaction that is on another agent's desktop only (it read "came: no events at all").
With one agent the messages stay as they were."""

from __future__ import annotations

from simulator.scenarios import ScenarioRunner, parse_scenario

TRANSFERRED = """
agents: [omar]
steps:
  - call: Customer Support
    as: c
  - accept
  - blind_transfer: "1002"
"""

OMARS = """
agent: not_ready
agents: [omar]
steps:
  - call: Customer Support
    as: c
  - accept:
    by: omar
"""


def failures(text: str) -> list[str]:
    result = ScenarioRunner(parse_scenario(text, "s.yaml")).run()
    assert result.error is None, result.error
    return [str(f) for f in result.failures]


def test_the_agent_s_state_names_whose_desktop():
    found = failures(
        TRANSFERRED + "  - expect: {by: omar, agent: ready}\n  - expect: {agent: busy}\n"
    )
    assert found == [
        "s.yaml:8:5: expected the agent ready on omar's desktop, omar is busy",
        "s.yaml:9:5: expected the agent busy on jane's desktop, jane is after_call_work",
    ]


def test_one_agent_s_state_is_said_as_before():
    found = failures("steps:\n  - call: Sales\n  - accept\n  - expect: {agent: ready}\n")
    assert found == ["s.yaml:4:5: expected the agent ready, the agent is busy"]


def test_an_interaction_on_another_agent_s_desktop_says_by_looks_there():
    (found,) = failures(OMARS + "  - expect: {event: ON_NEW_INTERACTION, on: c}\n")
    assert found == (
        "s.yaml:9:5: expected at least 1 ON_NEW_INTERACTION on `c`; 0 came. No "
        "ON_NEW_INTERACTION on `c` at all: `c` is on omar's desktop, not on jane's "
        "(`by: omar` looks there)"
    )
    assert failures(OMARS + "  - expect: {by: omar, event: ON_NEW_INTERACTION, on: c}\n") == []


def test_the_tenant_agent_s_interaction_says_an_expectation_without_by_looks_there():
    (found,) = failures(
        TRANSFERRED.replace('  - blind_transfer: "1002"\n', "")
        + "  - expect: {by: omar, event: ON_NEW_INTERACTION, on: c, last: true, "
        "payload: {state: delivered}}\n"
    )
    assert found == (
        "s.yaml:7:5: expected the last ON_NEW_INTERACTION on `c` to be one with state "
        '"delivered". No ON_NEW_INTERACTION on `c` at all: `c` is on jane\'s desktop, not on '
        "omar's (an expectation without `by:` looks there)"
    )


def test_one_agent_s_missing_event_is_said_as_before():
    (found,) = failures(
        "steps:\n  - call: Sales\n    as: c\n"
        "  - expect: {event: ON_SAVE_ACTIVITY_RECORD, on: c, since: last_step}\n"
    )
    assert found.endswith("No ON_SAVE_ACTIVITY_RECORD on `c` at all; came: ON_NEW_INTERACTION x1")
