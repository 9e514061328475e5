"""Scenarios with several agents: ``agents:``, ``by:`` on steps and expectations."""

from __future__ import annotations

from simulator.scenarios import ScenarioRunner, parse_scenario
from simulator.scenarios.runner import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK


def _run(text: str):
    return ScenarioRunner(parse_scenario(text, "s.yaml")).run()


def test_agents_start_in_their_states_and_by_acts_on_their_desktop():
    result = _run(
        """
agents:
  - omar
  - {name: bob, team: T-SALES, state: not_ready}
steps:
  - set_state: ready
    by: bob
  - expect: {by: bob, agent: ready}
  - expect: {by: omar, agent: ready}
  - expect: {agent: ready}
  - expect: {by: bob, event: ON_AGENT_STATE_CHANGE, last: true, args: [ready]}
"""
    )
    assert result.exit_code == EXIT_OK, [str(f) for f in result.failures] + [str(result.error)]
    assert {event.agent for event in result.events} == {"jane", "omar", "bob"}


def test_an_expectation_on_another_desktop_fails_with_what_came():
    result = _run(
        """
agents: [omar]
steps:
  - expect: {by: omar, agent: busy}
"""
    )
    assert result.exit_code == EXIT_FAILED
    assert "s.yaml:4:5" in str(result.failures[0])


def test_an_unknown_agent_in_by_is_bad_input_at_its_step():
    result = _run(
        """
agents: [omar]
steps:
  - set_state: ready
    by: nobody
"""
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(result.error).startswith("s.yaml:4:5: no agent `nobody`")


def test_an_agent_who_is_nobody_of_the_tenant_needs_a_team():
    result = _run(
        """
agents:
  - omar
  - zed
steps:
  - set_state: ready
"""
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert "s.yaml:4:5" in str(result.error)
    assert "give the new agent a team" in str(result.error)


def test_listing_the_tenants_agent_sets_how_it_starts():
    result = _run(
        """
agents:
  - {name: jane, state: not_ready}
  - omar
steps:
  - expect: {agent: not_ready}
  - call: Customer Support
    as: c
  - expect: {by: omar, event: ON_NEW_INTERACTION, on: c}
"""
    )
    assert result.exit_code == EXIT_OK, [str(f) for f in result.failures]


def test_a_scenario_without_agents_emits_events_without_an_agent_key():
    result = _run(
        """
steps:
  - call: Customer Support
"""
    )
    assert all(event.agent is None for event in result.events)
    assert '"agent"' not in result.jsonl()
