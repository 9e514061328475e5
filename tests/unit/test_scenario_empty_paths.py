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
