"""A state written in a phone's or a CRM's words (``connected``, ``ringing``, ``available``) is
refused with the adApi's word for it: difflib, comparing letters, said "did you mean
`completed`?" for ``connected``, the opposite of what was meant, and nothing for ``ringing``."""

from __future__ import annotations

import pytest

from simulator.engine import Simulator
from simulator.scenarios import ScenarioFileError, parse_scenario


def _problem(text: str) -> str:
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    (problem,) = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(
    ("expect", "meant"),
    [
        ("{state: connected, on: c}", "delivered"),
        ("{state: Connected, on: c}", "delivered"),
        ("{state: ringing, on: c}", "delivery_pending"),
        ("{state: on hold, on: c}", "hold"),
        ("{agent: available}", "ready"),
        ("{agent: wrap_up}", "after_call_work"),
        (
            "{event: ON_INTERACTION_STATE_CHANGE, payload: {state: {one_of: [connected]}}}",
            "delivered",
        ),
    ],
)
def test_an_expected_state_in_other_words_names_the_adapi_word(expect, meant):
    text = f"steps:\n  - call: Sales\n    as: c\n  - accept\n  - expect: {expect}\n"
    problem = _problem(text)
    assert f"(did you mean `{meant}`? the adApi's word for " in problem, problem
    assert "completed" not in problem.split("(did you mean")[1]


def test_a_set_state_step_in_other_words_names_the_adapi_word():
    problem = _problem("steps:\n  - set_state: available\n")
    assert problem.endswith("(did you mean `ready`? the adApi's word for 'available')"), problem


def test_a_misspelling_still_gets_the_closest_word():
    assert "(did you mean `delivered`?)" in _problem(
        "steps:\n  - call: Sales\n    as: c\n  - expect: {state: deliverd, on: c}\n"
    )


def test_the_engine_names_the_agent_state_meant():
    sim = Simulator(seed=1)
    sim.login()
    result = sim.set_agent_state("available")
    assert result.error is not None
    assert result.error.name == "invalid_args"
    assert "did you mean `ready`?" in (result.error.message or "")
