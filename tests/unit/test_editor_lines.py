"""Errors name the line and column the user's editor shows. YAML 1.1 (PyYAML, libyaml) also
breaks lines at U+0085, U+2028 and U+2029, which an editor shows inside a line: every error past
one named a line one too far per such character (and a comment holding one ended there, with
an error on the next line that did not say why). Python's own counts (a control character, a
byte that is not UTF-8) broke lines at LF only: a file with lone CRs (old Mac line ends, which
YAML and editors break at) was reported on its line 1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import simulator.data
from simulator.data import InputFileError, load_tenant
from simulator.data.bounded_yaml import EditorLines
from simulator.scenarios import ScenarioFileError, parse_scenario
from simulator.scenarios.loader import load_scenario

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"
EDITOR_LINES = re.compile("\r\n|[\r\n]")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioFileError) as info:
        parse_scenario(text, "s.yaml")
    return [str(problem) for problem in info.value.problems]


def editor_line(text: str, line: int) -> str:
    return EDITOR_LINES.split(text)[line - 1]


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85"])
def test_a_line_separator_inside_text_does_not_shift_the_lines_after_it(odd):
    text = f'description: "one{odd}two"\nname: x\nsteps:\n  - call: Sales\n  - bogus_step\n'
    (problem,) = problems(text)
    assert problem.startswith("s.yaml:5:5: unknown step `bogus_step`")


def test_a_mark_inside_a_line_after_a_separator_is_the_editors_column():
    """The separator in a flow mapping: the step and its bad value sit on one editor line."""
    text = "name: x\nsteps:\n  - {note: 'a\u2028b', bogus: 1}\n"
    (problem,) = problems(text)
    line, column = (int(part) for part in problem.split(":")[1:3])
    assert (line, column) == (3, 19)
    assert editor_line(text, line)[column - 1 :].startswith("bogus")


def test_a_key_given_twice_names_the_editors_line_of_the_first():
    text = "description: 'a\u2028b'\nname: x\nname: y\nsteps: []\n"
    (problem,) = problems(text)
    assert problem.startswith("s.yaml:3:1: the key `name` appears twice")
    assert "(first on line 2)" in problem


def test_a_formulas_mistake_after_a_separator_is_marked_where_it_is_written():
    text = (
        "description: 'a\u2028b'\nsteps:\n  - expect:\n      event: ON_SAVE_ACTIVITY_RECORD\n"
        "      satisfies: duration > 0 and nmae == 1\n"
    )
    (problem,) = [p for p in problems(text) if "`nmae`" in p]
    assert problem.startswith("s.yaml:5:35:"), problem


@pytest.mark.parametrize("odd", ["\u2028", "\x85"])
def test_a_separator_that_ends_a_comment_is_named_at_its_place(odd):
    """Valid YAML 1.2 (where only CR and LF break lines) that YAML 1.1 refuses: the error says
    which character did it, and where."""
    text = f"# a comment {odd} that goes on\nname: x\nsteps: []\n"
    (problem,) = problems(text)
    assert problem.startswith("s.yaml:2:5: not valid YAML: mapping values are not allowed here")
    assert problem.endswith(
        f"; 1:13 holds U+{ord(odd):04X}, which YAML reads as a line break: delete it, or write "
        f'it escaped in double quotes ("\\u{ord(odd):04x}")'
    )


def test_a_tenant_files_errors_name_the_editors_line(tmp_path):
    text = DEFAULT.read_text(encoding="utf-8")
    old = 'extension: "1001"'
    path = tmp_path / "tenant.yaml"
    path.write_text("# \u2028\u2028\n" + text.replace(old, "extension: 1001", 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 2
    with pytest.raises(InputFileError) as exc:
        load_tenant(path)
    assert str(exc.value).startswith(f"{path}:{line}:")


def test_a_control_character_after_lone_carriage_returns_is_on_the_editors_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: x\r# mac\rsteps: []\r# \x07\r")
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{path}:4:3: a control character (U+0007)")


def test_a_byte_that_is_not_utf8_after_lone_carriage_returns_is_on_the_editors_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: x\rsteps: []\rdescription: caf\xe9\r")
    with pytest.raises(ScenarioFileError) as info:
        load_scenario(path)
    (problem,) = info.value.problems
    assert str(problem).startswith(f"{path}:3:17: not UTF-8: byte 0xe9")


def test_editor_lines_cost_nothing_without_a_separator():
    lines = EditorLines("a: 1\nb: 2\n")
    assert lines.at(1, 3) == (2, 4)
    assert lines.break_before(1) == ""
