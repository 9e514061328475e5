"""``handlers: [""]`` in a scenario loaded every ``*.py`` beside the scenario as a plugin (the
empty path is the scenario's folder), and ``tenant: ""`` called that folder the tenant; each is
now the key's line and column, saying the path is empty."""

from __future__ import annotations

from simulator.cli import main

SAVE = "def register(ad_api):\n    ad_api.on('ON_SAVE_ACTIVITY_RECORD', print)\n"


def test_an_empty_handler_path_in_a_scenario_is_refused(tmp_path, capsys):
    (tmp_path / "save.py").write_text(SAVE, encoding="utf-8")
    path = tmp_path / "flow.yaml"
    path.write_text('name: a\nhandlers: [""]\nsteps:\n  - wait: 1s\n', encoding="utf-8")
    assert main(["run", str(path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:2:12: an empty handler path: give a file or folder, relative to the "
        "scenario file\n"
    )


def test_an_empty_tenant_path_in_a_scenario_is_refused(tmp_path, capsys):
    path = tmp_path / "flow.yaml"
    path.write_text('name: a\ntenant: ""\nsteps:\n  - wait: 1s\n', encoding="utf-8")
    assert main(["run", str(path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:2:9: an empty tenant path: give the tenant file, relative to the "
        "scenario file\n"
    )


def test_a_handler_that_is_not_python_is_refused_at_its_line(tmp_path, capsys):
    # A JS module under handlers: was refused mid-run, naming the file with no line of the
    # scenario ("crm.mjs: a handler is a .py file ...").
    (tmp_path / "crm.mjs").write_text("export function register(adApi) {}\n", encoding="utf-8")
    path = tmp_path / "flow.yaml"
    path.write_text("name: a\nhandlers: [crm.mjs]\nsteps:\n  - wait: 1s\n", encoding="utf-8")
    assert main(["run", str(path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {path}:2:12: '{tmp_path / 'crm.mjs'}' is no handler: a handler is a .py file "
        "with register(ad_api), or a folder of them (a JavaScript module goes to --js-handler)\n"
    )
