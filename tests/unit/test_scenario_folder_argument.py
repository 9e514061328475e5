"""``adsim run fixtures/scenarios/`` (a folder, where the docs write ``fixtures/scenarios/*.yaml``)
said "cannot read the scenario file: Is a directory"; it says what to pass instead."""

from __future__ import annotations

from simulator.cli import main


def test_a_folder_given_as_a_scenario_says_to_give_its_files(tmp_path, capsys):
    assert main(["run", str(tmp_path), "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {tmp_path}: is a folder; give the scenario files in it ({tmp_path}/*.yaml)\n"
    )
