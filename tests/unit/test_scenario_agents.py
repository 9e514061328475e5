"""Scenarios with several agents: ``agents:``, ``by:`` on steps and expectations."""

from __future__ import annotations

import pytest
import yaml

from simulator.scenarios import ScenarioRunner, load_scenario, parse_scenario
from simulator.scenarios.agents import _flow
from simulator.scenarios.runner import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK


def _run(text: str):
    return ScenarioRunner(parse_scenario(text, "s.yaml")).run()


def test_agents_start_in_their_states_and_by_acts_on_their_desktop():
    result = _run(
        """
agents:
  - omar
  - {name: bob, team: Sales, state: not_ready}
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
    # What to write, in the scenario's words (it said only "give the new agent a team").
    assert str(result.error) == (
        "s.yaml:4:5: 'zed' is nobody of the tenant's teams: give the new agent a team, as in "
        "{name: zed, team: Customer Support} (the teams: 'Customer Support', 'Sales', 'Billing')"
    )
    fixed = _run(
        "agents:\n  - omar\n  - {name: zed, team: Customer Support}\nsteps:\n  - set_state: ready\n"
    )
    assert fixed.exit_code == EXIT_OK, str(fixed.error)


@pytest.mark.parametrize("team", ["Customer Support", "Cards: EMEA, #1", "yes", "[x]", "it's"])
def test_the_example_of_a_team_is_yaml_a_scenario_takes_as_written(team):
    # Unquoted, `{name: zed, team: Cards: EMEA, #1}` was not valid YAML: pasted, it was refused.
    example = _flow({"name": "zed", "team": team})
    assert yaml.safe_load(example) == {"name": "zed", "team": team}
    assert "\n" not in example


def test_an_unusable_name_is_said_before_a_missing_team():
    result = _run("agents:\n  - omar\n  - bad name\nsteps:\n  - set_state: ready\n")
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(result.error).endswith(
        "'bad name' is not a usable agent name (letters, digits, . _ -)"
    )


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


def test_the_tenants_agent_listed_by_name_alone_starts_as_agent_says():
    """``agent: not_ready`` with the tenant's agent listed as ``- jane`` started it Ready (the
    listing's default): the call the file meant to queue was offered, and the run passed."""
    result = _run(
        """
agent: not_ready
agents: [jane, omar]
steps:
  - expect: {agent: not_ready}
  - expect: {by: omar, agent: ready}
"""
    )
    assert result.exit_code == EXIT_OK, [str(f) for f in result.failures] + [str(result.error)]


def test_agent_and_the_tenants_agent_listed_with_another_state_are_refused():
    """``agent: logged_out`` and ``agents: [{name: jane, state: ready}]`` ran it Ready,
    saying nothing of the ``agent:`` it left aside."""
    result = _run(
        """
agent: logged_out
agents:
  - omar
  - {name: jane, state: ready}
steps:
  - expect: {agent: ready}
"""
    )
    assert result.exit_code == EXIT_BAD_INPUT
    assert str(result.error) == (
        "s.yaml:5:5: agent: logged_out and this listing's state: ready say how jane, the "
        "tenant's agent, starts, and disagree: keep one"
    )
    assert result.events == []


def test_a_scenario_without_agents_emits_events_without_an_agent_key():
    result = _run(
        """
steps:
  - call: Customer Support
"""
    )
    assert all(event.agent is None for event in result.events)
    assert '"agent"' not in result.jsonl()


_TRANSFER = """
agents: [omar]
steps:
  - call: Customer Support
  - accept
  - blind_transfer: "1002"
  - accept:
    by: omar
"""

_PLUGIN = """
def register(ad_api):
    ad_api.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"from": ad_api.agent})

    def load(iid, data):
        raise RuntimeError(f"{ad_api.agent} got {data}")

    ad_api.on("ON_LOAD_TRANSFER_DATA", load)
"""


def _cli_run(tmp_path, *handler_args: str):
    from simulator.cli import main

    scenario = tmp_path / "transfer.yaml"
    scenario.write_text(_TRANSFER)
    out = tmp_path / "events.jsonl"
    code = main(
        ["run", str(scenario), "--no-entry-points", "--events-out", str(out), *handler_args]
    )
    return code, out.read_text()


def test_the_same_handlers_run_for_every_agent_and_know_whose_desktop(tmp_path, capsys):
    plugin = tmp_path / "crm.py"
    plugin.write_text(_PLUGIN)
    code, events = _cli_run(tmp_path, "--handler", str(plugin), "--journal", ":memory:")
    assert code == EXIT_FAILED
    assert "omar got {'from': 'jane'}" in capsys.readouterr().err
    assert '"event":"ON_LOAD_TRANSFER_DATA"' in events and '"agent":"omar"' in events


def test_a_handler_for_one_agent_only(tmp_path, capsys):
    plugin = tmp_path / "crm.py"
    plugin.write_text(_PLUGIN)
    # Only omar's desktop has the plugin: jane's desktop gets no answer, so nothing to load.
    code, events = _cli_run(tmp_path, "--handler", f"omar={plugin}", "--journal", ":memory:")
    assert code == EXIT_OK, capsys.readouterr().err
    assert '"event":"ON_REQUEST_TRANSFER_DATA"' in events
    assert '"event":"ON_LOAD_TRANSFER_DATA"' not in events
    # Only jane's: she answers, omar's desktop loads the data, no handler of his fails.
    code, events = _cli_run(tmp_path, "--handler", f"jane={plugin}", "--journal", ":memory:")
    assert code == EXIT_OK, capsys.readouterr().err
    assert '"event":"ON_LOAD_TRANSFER_DATA"' in events


def test_the_state_on_a_desktop_that_never_had_the_interaction_is_no_pass():
    """``{by: omar, state: completed, on: c}`` read "completed" on omar's desktop, which never
    had ``c`` (it rang on jane's): it passed, checking nothing."""
    head = "agents:\n  - omar\nsteps:\n  - call: Customer Support\n    as: c\n  - wait: 2s\n"
    result = _run(head + "  - expect: {by: omar, state: completed, on: c}\n")
    assert [failure.message for failure in result.failures] == [
        "expected `c` in state completed: this desktop (omar) never had an item of it (it is "
        "on jane's)"
    ]
    taken = "  - blind_transfer: 1002\n  - accept:\n    by: omar\n"
    result = _run(
        head + "  - accept\n" + taken + "  - expect: {by: omar, state: delivered, on: c}\n"
    )
    assert result.passed, result.failures


_OWN_HANDLERS = """
handlers: [crm.py]
allow_handler_errors: true
agents: [omar]
steps:
  - call: Customer Support
  - accept
  - blind_transfer: "1002"
  - accept:
    by: omar
  - expect: {by: omar, handler: {event: ON_LOAD_TRANSFER_DATA, status: error}}
  - expect: {handler: {event: ON_LOAD_TRANSFER_DATA, count: 0}}
  - expect: {handler: {event: ON_REQUEST_TRANSFER_DATA, status: ok}}
  - expect: {by: omar, handler: {event: ON_REQUEST_TRANSFER_DATA, count: 0}}
  - expect: {by: omar, api: {method: setDisposition, error: object_not_found}}
  - expect: {api: {method: setDisposition, count: 0}}
"""

_NOTING_PLUGIN = """
def register(ad_api):
    ad_api.on("ON_REQUEST_TRANSFER_DATA", lambda iid: {"from": ad_api.agent})

    def load(iid, data):
        ad_api.set_disposition("No such disposition", iid)
        raise RuntimeError(f"{ad_api.agent} got {data}")

    ad_api.on("ON_LOAD_TRANSFER_DATA", load)
"""


def _own_handlers(tmp_path):
    (tmp_path / "crm.py").write_text(_NOTING_PLUGIN)
    scenario = tmp_path / "transfer.yaml"
    scenario.write_text(_OWN_HANDLERS)
    return scenario


def test_a_scenarios_own_handlers_run_for_every_agent_and_by_looks_at_theirs(tmp_path):
    """``handlers:`` were loaded for the tenant's agent alone (``--handler`` for every agent):
    omar's desktop called none, and ``by: omar`` on ``handler:`` and ``api:`` looked at jane's
    handlers, saying "no handler outcome" for a handler of omar's that failed."""
    scenario = _own_handlers(tmp_path)
    result = ScenarioRunner(load_scenario(scenario)).run()
    assert result.exit_code == EXIT_OK, [str(f) for f in result.failures] + [str(result.error)]
    assert [(o.event_name, o.status) for o in result.handler_failures] == [
        ("ON_LOAD_TRANSFER_DATA", "error")
    ]


def test_by_on_handler_expectations_looks_at_that_agents_handlers_on_the_command_line(
    tmp_path, capsys
):
    from simulator.cli import main

    scenario = _own_handlers(tmp_path)
    code = main(["run", str(scenario), "--no-entry-points", "--journal", ":memory:"])
    out = capsys.readouterr().out
    assert code == EXIT_OK, out
    assert "note: no handler was called" not in out
    # The same handlers given with --handler instead: the same verdict.
    scenario.write_text(_OWN_HANDLERS.replace("handlers: [crm.py]\n", ""))
    handler = str(tmp_path / "crm.py")
    code = main(
        ["run", str(scenario), "--no-entry-points", "--journal", ":memory:", "--handler", handler]
    )
    assert code == EXIT_OK, capsys.readouterr().out
