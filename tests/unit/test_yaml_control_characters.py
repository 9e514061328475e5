"""A control character in a scenario or tenant file (a terminal's BEL pasted with a log line, a
NUL an editor left, a form feed): PyYAML refuses it before parsing, with a position in the text
rather than a line. A tenant file ended in a ``ReaderError`` traceback (exit 1); a scenario got
two lines, "not valid YAML: not valid YAML: ... position 7", and no line or column. Each is one
line at the character's line and column, with what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.data
from simulator.cli import main

DEFAULT = Path(simulator.data.__file__).parent / "default_tenant.yaml"


def _advice(code: int) -> str:
    return (
        f"a control character (U+{code:04X}) YAML does not allow: delete it, or write it "
        f'escaped in double quotes ("\\x{code:02x}")'
    )


@pytest.mark.parametrize("char", ["\x07", "\x00", "\x0c", "\x1b"])
def test_a_control_character_in_a_scenario_is_one_line_at_its_place(tmp_path, capsys, char):
    path = tmp_path / "flow.yaml"
    path.write_text(f"name: flow\nsteps:\n  - note: ab{char}c\n", encoding="utf-8")
    assert main(["run", str(path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == f"adsim: {path}:3:13: {_advice(ord(char))}\n"


def test_a_control_character_in_a_tenant_file_is_one_line_not_a_traceback(tmp_path, capsys):
    lines = DEFAULT.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("name: "))
    lines[row] = "name: Ac\x07me\n"
    path = tmp_path / "tenant.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert capsys.readouterr().err == f"adsim: {path}:{row + 1}:9: {_advice(7)}\n"
