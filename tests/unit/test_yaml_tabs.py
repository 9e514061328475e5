"""A tab in a scenario or tenant file (an editor's indentation, or ``key:<TAB>value``) is named
as a tab, at its line and column, with what to do: PyYAML's "found character '\\t' that cannot
start any token" sent a tester looking for a character they could not see."""

from __future__ import annotations

from pathlib import Path

import pytest

import simulator.data
from simulator.cli import main

TENANT = Path(simulator.data.__file__).parent / "default_tenant.yaml"

TAB_ADVICE = "a tab: YAML indents, and separates a key from its value, with spaces only; "
TAB_ADVICE += "replace the tab with spaces"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("name: x\nsteps:\n\t- call: Sales\n", "3:1"),
        ("name:\tx\nsteps:\n  - call: Sales\n", "1:6"),
    ],
    ids=["indent", "after-key"],
)
def test_a_tab_in_a_scenario_is_named(tmp_path, capsys, text, where):
    path = tmp_path / "flow.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["run", str(path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == f"adsim: {path}:{where}: {TAB_ADVICE}\n"


def test_a_tab_in_a_tenant_file_is_named(tmp_path, capsys):
    lines = TENANT.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("host: "))
    lines[row] = lines[row].replace("host: ", "host:\t")
    path = tmp_path / "tenant.yaml"
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["generate", "--count", "1", "--tenant", str(path)]) == 2
    assert capsys.readouterr().err == f"adsim: {path}:{row + 1}:6: {TAB_ADVICE}\n"
