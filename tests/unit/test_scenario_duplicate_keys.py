"""A key written twice is named as the file writes it, with the line of the first.

YAML reads ``true``/``True``, ``~``/``null`` and ``1.0``/``1.00`` as one value each, so each
pair is one key twice; the message said ``the key True appears twice`` (Python's spelling, of a
key the file never wrote) with a hint about steps for a payload's keys."""

from __future__ import annotations

import pytest

from simulator.scenarios.errors import ScenarioFileError
from simulator.scenarios.loader import parse_scenario


def _problem(payload: str) -> str:
    text = f"name: x\nsteps:\n  - expect:\n      event: ON_LOGIN\n      payload:\n{payload}"
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    (problem,) = caught.value.problems
    return str(problem)


@pytest.mark.parametrize(
    ("first", "again", "said"),
    [
        (
            "true",
            "True",
            "the key `True` is the key `true` of line 6 again: YAML reads both as "
            'the boolean true; keep one, or quote both to make them two texts ("true", "True")',
        ),
        ("~", "null", "the key `null` is the key `~` of line 6 again: YAML reads both as null"),
        (
            "1.0",
            "1.00",
            "the key `1.00` is the key `1.0` of line 6 again: YAML reads both as the number 1.0",
        ),
        (
            "1",
            "true",
            "the key `true` is the key `1` of line 6 again: YAML reads `1` as the "
            "number 1 and `true` as the boolean true, one key in a mapping",
        ),
    ],
)
def test_a_key_spelt_two_ways_is_named_both_ways(first, again, said):
    problem = _problem(f"        {first}: a\n        {again}: b\n")
    assert problem.startswith(f"s.yaml:7:9: {said}")
    assert "list item" not in problem  # no step hint for a payload's keys


@pytest.mark.parametrize("key", ["true", "1", "~", "name"])
def test_the_same_key_twice_is_named_as_written(key):
    assert _problem(f"        {key}: a\n        {key}: b\n") == (
        f"s.yaml:7:9: the key `{key}` appears twice in this mapping (first on line 6): keep one"
    )


def test_a_step_twice_in_one_item_says_each_step_is_an_item():
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario("name: x\nsteps:\n  - call: a\n    call: b\n", "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == (
        "s.yaml:4:5: the key `call` appears twice in this mapping (first on line 3): keep one "
        "(each step is its own list item: start it with '- ')"
    )
