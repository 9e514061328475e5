"""Handlers acting on their own events: runs end at that step, named, never hang.

The host-level behaviour (the budget, the refused calls) is in ``test_handlers.py``; these drive
the same bug through the scenario runner, load mode, ``adsim run`` and the pytest plugin.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.engine import Simulator
from simulator.handlers import HandlerHost
from simulator.scenarios import ScenarioRunner, parse_scenario, run_load
from simulator.scenarios.report import format_load
from simulator.scenarios.runner import EXIT_FAILED

pytest_plugins = ["pytester"]

WAIT = 10.0

NOTE_LOOP = '''"""A note on each state change of a call in wrap-up: a note is one."""

api = None


def on_change(interaction):
    if interaction.state.value == "wrap_up":
        return api.add_note("wrap-up seen")
    return None


def register(ad_api):
    global api
    api = ad_api
    ad_api.on("ON_INTERACTION_STATE_CHANGE", on_change)
'''

SCENARIO = """\
seed: 3
steps:
  - call: Sales
  - wait: 4s
  - accept
  - hang_up
  - disposition: Product sold
  - complete
"""
"""The loop starts at ``hang_up`` (line 6): the call goes to wrap-up."""

MESSAGE = (
    "handlers kept acting on their own events: 1,000 events in one step "
    "(ON_INTERACTION_STATE_CHANGE -> noter:on_change calling add_note, 1,000 times); "
    "a handler that acts on the event its own action causes loops forever: act only on the "
    "change you wait for, or remember that you already acted"
)


@pytest.fixture
def noter(tmp_path: Path) -> Path:
    path = tmp_path / "noter.py"
    path.write_text(NOTE_LOOP, encoding="utf-8")
    return path


def _factory(plugin: Path):
    def build(sim: Simulator) -> HandlerHost:
        host = HandlerHost(sim, timeout=WAIT)
        [status] = host.load(plugin)
        assert status.loaded, status.error
        return host

    return build


def test_the_runner_stops_the_looping_step_with_exit_1(noter):
    source = parse_scenario(SCENARIO, "s.yaml")
    result = ScenarioRunner(source, host_factory=_factory(noter)).run()
    assert result.handlers_looped
    assert result.exit_code == EXIT_FAILED, "the integration's bug (1), not the file's (2)"
    assert str(result.error) == f"s.yaml:6:5: {MESSAGE}"
    assert result.steps_run == 3, "call, wait and accept ran; hang_up stopped the run"
    assert result.handler_failures == []
    # Bounded: the step's own events, then the limit's worth of handler-caused ones.
    looped = [e for e in result.events if e.name.value == "ON_INTERACTION_STATE_CHANGE"]
    assert 1_000 <= len(looped) < 1_010
    last = result.outcomes[-1]
    assert last.result["error"]["name"] == "api_not_answer", "the call past the limit"
    again = ScenarioRunner(source, host_factory=_factory(noter)).run()
    assert again.jsonl() == result.jsonl(), "same seed, same events up to the stop"


def test_a_loop_in_the_start_state_is_reported_at_the_agent_line(tmp_path):
    plugin = tmp_path / "ready_loop.py"
    plugin.write_text(
        "def register(ad_api):\n"
        "    def flip(state, *reason):\n"
        "        if state.value == 'ready':\n"
        "            return ad_api.set_agent_state('not_ready', 'Break')\n"
        "        return ad_api.set_agent_state('ready')\n"
        "    ad_api.on('ON_AGENT_STATE_CHANGE', flip)\n",
        encoding="utf-8",
    )
    source = parse_scenario("agent: ready\nsteps:\n  - call: Sales\n", "s.yaml")
    result = ScenarioRunner(source, host_factory=_factory(plugin)).run()
    assert result.exit_code == EXIT_FAILED
    assert str(result.error).startswith("s.yaml:1:8: handlers kept acting on their own events: ")
    assert (
        "ON_AGENT_STATE_CHANGE -> ready_loop:register.<locals>.flip calling set_agent_state"
        in str(result.error)
    )
    assert result.steps_run == 0


def test_load_mode_stops_at_the_first_looping_run(noter):
    source = parse_scenario(SCENARIO, "s.yaml")
    report = run_load(source, repeat=5, host_factory=_factory(noter))
    assert report.runs == 1
    assert report.handlers_looped
    assert report.exit_code == EXIT_FAILED
    assert report.stopped == f"s.yaml:6:5: {MESSAGE}"
    assert report.stopped_run == 1
    # The summary names the run it stopped in, as the series' other lines do (run 41 of 60
    # read as if the first had stopped).
    assert f"  stopped: run 1: s.yaml:6:5: {MESSAGE}" in format_load(report).splitlines()


def test_adsim_run_ends_with_exit_1_and_one_line(noter, tmp_path, capsys):
    scenario = tmp_path / "wrap_up.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    handler = ["--handler", str(noter), "--no-entry-points"]
    code = main(["run", str(scenario), *handler, "--journal", ":memory:"])
    out, err = capsys.readouterr()
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"FAIL  wrap_up  ({scenario}, seed 3)"
    assert lines[2:] == [f"  {scenario}:6:5: {MESSAGE}"]
    assert "Traceback" not in err
    assert err == "", "the handler never raised: nothing for the handler summary"


def test_the_pytest_fixture_fails_the_test_instead_of_hanging(pytester):
    pytester.makepyfile(noter=NOTE_LOOP)
    pytester.makepyfile(
        """
        def test_wrap_up(adsim):
            adsim.login()
            adsim.set_agent_state("ready")
            adsim.offer_call("Sales")
            adsim.advance(3)
            adsim.accept_interaction()
            adsim.leave_interaction()
            raise AssertionError("not reached")
        """
    )
    result = pytester.runpytest(
        "-p", "no:pytest-qt", "-p", "no:cacheprovider", "--adsim-handler", "noter.py"
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            ">*adsim.leave_interaction()",
            f"E*HandlerLoopError: {MESSAGE}",
        ]
    )
    result.stdout.no_fnmatch_line("*not reached*")


def test_adsim_demo_ends_with_exit_1_and_one_line(noter, capsys):
    code = main(["demo", "--handler", str(noter), "--no-entry-points", "--journal", ":memory:"])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("adsim: handlers kept acting on their own events: ")
    assert err.count("\n") == 1 and "Traceback" not in err
