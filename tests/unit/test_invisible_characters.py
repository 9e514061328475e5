"""A key or a step name holding a character an editor shows as nothing or a space (a zero-width
space or a no-break space pasted from a web page, a file saved with two byte order marks) read
"unknown key `name` (did you mean `name`?)": the two looked alike. The character is named."""

from __future__ import annotations

import pytest

from simulator.data.model_wording import suggest
from simulator.scenarios import ScenarioFileError, parse_scenario


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in info.value.problems]


def test_a_key_with_a_zero_width_space_names_it():
    (problem,) = problems("name\u200b: x\nsteps: []\n")
    assert problem.startswith(
        "s.yaml:1:1: unknown key `name\u200b` (it holds U+200B ZERO WIDTH SPACE, which an editor "
        "shows as a space or not at all; did you mean `name`?)"
    )


def test_a_second_byte_order_mark_is_named():
    (problem,) = problems("\ufeff\ufeffname: x\nsteps: []\n")
    assert "(it holds U+FEFF ZERO WIDTH NO-BREAK SPACE, which an editor" in problem


def test_a_step_name_with_a_no_break_space_names_it():
    (problem,) = problems("name: x\nsteps:\n  - accept\u00a0\n")
    assert problem.startswith("s.yaml:3:5: unknown step `accept\u00a0` (it holds U+00A0 NO-BREAK")


def test_a_plain_misspelling_is_said_as_before():
    assert suggest("nmae", ["name"]) == " (did you mean `name`?)"
    assert suggest("café", ["name"]) == ""
