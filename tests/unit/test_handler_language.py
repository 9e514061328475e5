"""A JavaScript module given to ``--handler``, or a Python plugin given to ``--js-handler``: the
line says which option takes it (``--js-handler crm.py`` was Node's "TypeError: Unknown file
extension ".py"", and ``--handler crm.mjs`` did not say where a module goes)."""

from __future__ import annotations

import pytest

from simulator.cli import main


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.err


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "crm.py").write_text("def register(ad_api):\n    pass\n")
    (tmp_path / "crm.mjs").write_text("export function register(adApi) {}\n")
    (tmp_path / "flow.yaml").write_text("name: flow\nsteps:\n  - login\n")
    return tmp_path


def test_a_python_plugin_given_to_js_handler_names_handler(files, capsys):
    err = _refused(["run", "flow.yaml", "--js-handler", "crm.py", "--journal", ":memory:"], capsys)
    assert err == (
        "adsim: crm.py: is a Python handler plugin: load it with --handler crm.py; "
        "--js-handler takes a JavaScript module (.mjs, .js, .cjs)\n"
    )


@pytest.mark.parametrize("command", [["demo"], ["run", "flow.yaml"]])
def test_a_js_module_given_to_handler_names_js_handler(files, command, capsys):
    err = _refused([*command, "--handler", "crm.mjs", "--journal", ":memory:"], capsys)
    assert err.rstrip().endswith("(a JavaScript module goes to adsim run --js-handler crm.mjs)")
