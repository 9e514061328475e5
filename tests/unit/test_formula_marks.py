"""A mistake inside ``satisfies`` is reported at its own line and column: found from the parse
tree and the YAML value's mark, not by searching the text for the name (which found the name
inside a quoted text or a longer name earlier on, and knew no block scalars)."""

from __future__ import annotations

import pytest

from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.scenarios.formula import parse_formula

HEAD = "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n      satisfies: "


def _where(satisfies: str, name: str) -> tuple[int, int, str]:
    """(line, column) of the problem naming ``name``, and the file's text from there."""
    text = HEAD + satisfies
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    (problem,) = [p for p in info.value.problems if f"`{name}`" in p.message]
    assert problem.mark is not None
    line = text.splitlines()[problem.mark.line - 1]
    return problem.mark.line, problem.mark.column, line[problem.mark.column - 1 :]


@pytest.mark.parametrize(
    ("satisfies", "name", "line", "column"),
    [
        # the name inside a quoted text before the field
        ("\"'endTme' == endTme\"\n", "endTme", 4, 31),
        # a longer name that starts with it, earlier
        ("endTmeX == 1 or endTme == 2\n", "endTme", 4, 34),
        # a folded block: the field on the block's second line
        (
            ">-\n        duration == floor((endTime - startTime) / 1000)\n"
            "        and durration > 0\n",
            "durration",
            6,
            13,
        ),
        # a literal block in parentheses
        ("|\n        (duration > 0\n         and durration > 0)\n", "durration", 6, 14),
        # a plain value continued on the next line
        ("duration > 0\n        and nmae == 1\n", "nmae", 5, 13),
        # quotes doubled in a single-quoted value, escapes in a double-quoted one
        ("'note == ''it''''s'' and nmae == 1'\n", "nmae", 4, 43),
        ('"note == \\"x\\" and nmae == 1"\n', "nmae", 4, 37),
    ],
)
def test_an_unknown_field_is_marked_where_it_is_written(satisfies, name, line, column):
    found = _where(satisfies, name)
    assert found[:2] == (line, column), found
    assert found[2].startswith(name)


def test_a_refused_construct_in_a_block_is_marked_where_it_is_written():
    text = HEAD + "|\n        (duration > 0\n         and open('x'))\n"
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    (problem,) = info.value.problems
    assert "functions are" in problem.message
    assert problem.mark is not None and (problem.mark.line, problem.mark.column) == (6, 14)


def test_field_offsets_come_from_the_parse_tree():
    formula = parse_formula("  'startTime' < startTme and startTmeX > startTme")
    text = "  'startTime' < startTme and startTmeX > startTme"
    assert formula.field_offsets == {"startTme": text.index("< startTme") + 2, "startTmeX": 29}
    assert parse_formula("é == 1 and nmae == 2").field_offsets["nmae"] == 11  # characters


@pytest.mark.parametrize(
    "satisfies", ["duration ==\n", '"duration ==  "\n', "|\n        (duration >\n"]
)
def test_a_syntax_error_at_the_end_of_the_text_is_marked_inside_the_value(satisfies):
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(HEAD + satisfies, "s.yaml")
    (problem,) = info.value.problems
    assert problem.mark is not None and problem.mark.line in (4, 5)
    assert problem.message.startswith("satisfies: not an expression")


@pytest.mark.parametrize("formula", ["1 == 1", "true", "1 == 2", "len('abc') == 3"])
def test_a_formula_that_reads_no_field_is_refused(formula):
    """It was decided before any run: ``1 == 1`` passed every event, and ``1 == 2`` with
    ``count: 0`` as well."""
    text = (
        "steps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        f'      satisfies: "{formula}"\n      count: 0\n'
    )
    with pytest.raises(ScenarioFileError) as caught:
        parse_scenario(text, "s.yaml")
    (problem,) = caught.value.problems
    assert str(problem) == (
        "s.yaml:4:18: satisfies: reads no field of the payload, so it is decided before any "
        "run (true of every event, or of none): name the fields it checks (duration == "
        "floor((endTime - startTime) / 1000))"
    )
