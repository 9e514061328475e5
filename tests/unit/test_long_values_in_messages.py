"""A very long value in a scenario file gives a message of a line, not of the value's length: a
1 MB step name was echoed whole ("unknown step `xxx...`", a 1 MB line), as was a service name the
engine refused, and a 5,000-digit seed said Python's "Exceeds the limit (4300 digits) ... use
sys.set_int_max_str_digits()" and to check a tag the file does not have."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, ScenarioRunner, parse_scenario

LONG = 1_000_000


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in info.value.problems]


@pytest.mark.parametrize(
    ("text", "start"),
    [
        (f"name: x\nsteps:\n  - {'x' * LONG}\n", "s.yaml:3:5: unknown step `xxx"),
        (f"name: x\nsteps:\n  - {'x' * 1000}: 1\n", "s.yaml:3:5: unknown step `xxx"),
        (f"name: x\nsteps:\n  - accept:\n    {'k' * 1000}: 1\n", "s.yaml:4:5: unknown key `kkk"),
        (f"name: x\nsettings: {{{'k' * 1000}: 1}}\nsteps: []\n", "s.yaml:2:12: unknown key `kkk"),
    ],
)
def test_a_long_name_is_cut_in_the_message(text, start):
    (problem,) = problems(text)
    assert problem.startswith(start)
    assert "...`" in problem
    assert len(problem) < 2000


def test_a_number_with_thousands_of_digits_is_too_big_not_a_python_limit():
    (problem,) = problems(f"name: x\nseed: {'9' * 5000}\nsteps: []\n")
    assert problem == (
        "s.yaml:2:7: 99999999999999999999... (5,000 characters) is too big (at most "
        "9,007,199,254,740,992)"
    )


def test_an_engine_refusal_quoting_a_long_value_is_cut():
    scenario = parse_scenario(f"name: x\nsteps:\n  - call: {'S' * LONG}\n", "s.yaml")
    result = ScenarioRunner(scenario).run()
    assert result.error is not None
    text = str(result.error)
    assert "no_service (11)" in text
    assert len(text) < 3000


def test_a_key_longer_than_yaml_reads_says_so():
    """PyYAML's words were "could not find expected ':' (while scanning a simple key)", of a key
    whose ':' is right there, 1,030 characters on."""
    (problem,) = problems(f"name: x\n{'k' * 1030}: 1\nsteps: []\n")
    assert problem == (
        "s.yaml:2:1: not valid YAML: a key longer than 1,024 characters (YAML reads no longer "
        "one before its ':'): shorten it"
    )
    (problem,) = problems("name: x\nnot a key\nsteps: []\n")  # a short one: PyYAML's words
    assert "could not find expected ':'" in problem
