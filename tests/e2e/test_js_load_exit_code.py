"""A handler plugin that does not load fails ``adsim run`` with exit 1, whatever its language.

A Python plugin that did not load exited 1 (issue 11: a plugin not loaded fails the run); a
Node module that did not load exited 2, bad input, as a malformed scenario does. A file that is
not there at all stays bad input (2) for both.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from simulator.cli import main
from simulator.web import find_node

SCENARIO = str(Path(__file__).resolve().parents[2] / "fixtures" / "scenarios" / "chat.yaml")
needs_node = pytest.mark.skipif(find_node() is None, reason="node is not installed (Node 18+)")


@needs_node
def test_a_plugin_that_does_not_load_exits_1_in_python_and_in_node(tmp_path, capsys):
    python = tmp_path / "crm.py"
    python.write_text("raise RuntimeError('no CRM token')\n", encoding="utf-8")
    node = tmp_path / "crm.mjs"
    node.write_text(
        "throw new Error('no CRM token');\nexport function register(a) {}\n", encoding="utf-8"
    )
    run = ["run", SCENARIO, "--journal", ":memory:"]
    assert main([*run, "--handler", str(python)]) == 1
    assert "not loaded: " in capsys.readouterr().err
    assert main([*run, "--js-handler", str(node)]) == 1
    assert capsys.readouterr().err == f"adsim: {node}:1: Error: no CRM token while importing it\n"
    # No such file: bad input for both.
    assert main([*run, "--handler", str(tmp_path / "gone.py")]) == 2
    assert main([*run, "--js-handler", str(tmp_path / "gone.mjs")]) == 2


@needs_node
def test_a_module_that_does_not_load_is_named_as_the_command_line_gave_it(
    tmp_path, capsys, monkeypatch
):
    """docs/javascript.md's lines (``crm.mjs:2:11: SyntaxError: ...``, ``crm.mjs:2: unknown
    event ...``) name the module as given, as a Python plugin's do: they named its absolute
    path, which a tester's check of the documented line did not find."""
    monkeypatch.chdir(tmp_path)
    Path("crm.mjs").write_text("export function register(adApi) {\n  let x = ;\n}\n", "utf-8")
    Path("typo.mjs").write_text(
        'export function register(adApi) {\n  adApi.on("ON_SAVE_ACTIVITY_RECRD", () => {});\n}\n',
        "utf-8",
    )
    run = ["run", SCENARIO, "--journal", ":memory:", "--js-handler"]
    assert main([*run, "crm.mjs"]) == 1
    assert capsys.readouterr().err == (
        "adsim: crm.mjs:2:11: SyntaxError: Unexpected token ';' while importing it\n"
    )
    assert main([*run, "typo.mjs"]) == 1
    assert capsys.readouterr().err == (
        "adsim: typo.mjs:2: unknown event 'ON_SAVE_ACTIVITY_RECRD'; did you mean "
        "'ON_SAVE_ACTIVITY_RECORD'? (event names are exact: ON_...)\n"
    )
