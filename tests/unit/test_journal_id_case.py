"""An interaction id pasted in another case: matched exactly (ids are opaque strings in the
vendor's contract), and the line names the id the journal has."""

from __future__ import annotations

import pytest

from simulator.cli import main
from simulator.demo import run_demo_call
from simulator.journal import Journal


@pytest.mark.parametrize("command", ["show", "export"])
def test_an_id_in_another_case_names_the_id_the_journal_has(sim, tmp_path, capsys, command):
    """It was ``no events of interaction 'd23f...'; list ids with export``, with no word that
    the journal has ``D23F...``."""
    path = tmp_path / "j.sqlite3"
    with Journal.open(path) as journal:
        journal.attach(sim)
        recorder = run_demo_call(sim)
    iid = recorder.records()[0]["interactionId"]
    assert iid != iid.lower()
    given = iid.lower()
    option = [given] if command == "show" else ["--interaction", given]
    assert main(["journal", command, *option, "--journal", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"adsim: {path}: no events of interaction {given!r}; did you mean {iid!r}? (ids are "
        "matched exactly, case too)\n"
    )
    # In a run that has it too; and in one that has not, no id of another run is offered.
    assert main(["journal", command, *option, "--run", "1", "--journal", str(path)]) == 2
    assert f"in run 1; did you mean {iid!r}?" in capsys.readouterr().err
    with Journal.open(path) as journal:
        journal.new_run()
        journal.record_packet("js:crm.mjs", "out", {"uid": "w1", "type": "hello", "params": []})
    assert main(["journal", command, *option, "--run", "2", "--journal", str(path)]) == 2
    assert capsys.readouterr().err.endswith("in run 2; list ids with export\n")
    # The id as the journal has it is found, as before.
    exact = [iid] if command == "show" else ["--interaction", iid]
    assert main(["journal", command, *exact, "--journal", str(path)]) == 0
