"""``agents:`` listing an agent twice and ``by:`` naming nobody are refused when the file is
loaded, at their place, before any step runs: they stopped the run at the step, after the steps
before it had run (``by:``), or at the listing once the center was built (a second listing)."""

from __future__ import annotations

import pytest

from simulator.cli import main
from simulator.scenarios import ScenarioFileError, parse_scenario


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as exc:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in exc.value.problems]


STEPS = "steps:\n  - call: Customer Support\n  - accept\n"


@pytest.mark.parametrize(
    ("agents", "message"),
    [
        ("[omar, omar]", "s.yaml:1:16: `omar` is listed already, at 1:10: list each agent once"),
        ("[omar, Omar]", "s.yaml:1:16: `Omar` is listed already, at 1:10: list each agent once"),
        (
            '[omar, "1002"]',
            "s.yaml:1:16: `1002` is omar, listed already as `omar` at 1:10: list each agent once",
        ),
        ("[jane, jane]", "s.yaml:1:16: `jane` is listed already, at 1:10: list each agent once"),
        (
            "[{name: bob, team: Sales}, {name: bob, team: Sales}]",
            "s.yaml:1:36: `bob` is listed already, at 1:10: list each agent once",
        ),
    ],
)
def test_an_agent_listed_twice_is_refused_at_the_second_listing(agents, message):
    assert problems(f"agents: {agents}\n" + STEPS) == [message]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "agents: [omar]\n" + STEPS + "  - hang_up:\n    by: omra\n",
            "s.yaml:6:9: by: no agent `omra` in this scenario (did you mean `omar`?): list it "
            "under agents:, or name one of the agents: jane, omar",
        ),
        (
            STEPS + "  - expect: {by: omar, agent: busy}\n",
            "s.yaml:4:18: by: no agent `omar` in this scenario: list it under agents:, or name "
            "one of the agents: jane",
        ),
        (
            "agents: [{name: bob, team: Sales}]\n"
            + STEPS
            + "  - expect:\n      - {agent: busy}\n      - {by: bobby, agent: ready}\n",
            "s.yaml:7:14: by: no agent `bobby` in this scenario (did you mean `bob`?): list it "
            "under agents:, or name one of the agents: jane, bob",
        ),
    ],
)
def test_a_by_naming_nobody_is_refused_at_its_value(text, message):
    assert problems(text) == [message]


@pytest.mark.parametrize(
    "by", ["omar", " Omar", "omar.haddad", "1002", "jane", "jane.agent", "1001", "bob", "3002"]
)
def test_a_by_of_a_name_login_id_or_extension_is_taken(by):
    # As the run finds them (``Center.agent``): a new agent's extension is the next free one.
    text = "agents: [omar, {name: bob, team: Sales}]\n" + STEPS
    parse_scenario(text + f"  - expect: {{by: '{by}', agent: ready}}\n", "s.yaml")
    parse_scenario(text + f"  - set_state: ready\n    by: '{by}'\n", "s.yaml")


def test_the_file_is_refused_before_any_step_runs(tmp_path, capsys):
    path = tmp_path / "flow.yaml"
    path.write_text("agents: [omar]\n" + STEPS + "  - hang_up:\n    by: omra\n", encoding="utf-8")
    events = tmp_path / "events.jsonl"
    assert main(["run", str(path), "-o", str(events), "--journal", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {path}:6:9: by: no agent `omra` in this scenario")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not events.exists() or events.read_text() == ""
