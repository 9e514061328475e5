"""``adsim run``'s own lines about its scenario arguments: what ``-`` is, and a scenario's name
kept on its line of the summary."""

from __future__ import annotations

from simulator.cli import main


def test_a_dash_for_a_scenario_says_how_to_read_the_standard_input(tmp_path, capsys, monkeypatch):
    # ``-`` is the standard output for --output; as a scenario it is a file name, and the line
    # said only "No such file or directory".
    monkeypatch.chdir(tmp_path)
    assert main(["run", "-", "--journal", ":memory:"]) == 2
    assert capsys.readouterr().err == (
        "adsim: -: cannot read the scenario file: No such file or directory; for the standard "
        "input give /dev/stdin\n"
    )


def test_a_name_with_line_breaks_stays_on_its_line_of_the_summary(tmp_path, capsys):
    # A newline in the name printed a line of its own: a failed run could print "PASS  ..."
    # (a \r showed it over the FAIL), and `name: >` ended the title with a line break.
    flow = tmp_path / "flow.yaml"
    flow.write_text(
        'name: "x\\nPASS  fake\\r\\u001b[2J"\nsteps:\n  - expect: {event: ON_NEW_INTERACTION}\n',
        encoding="utf-8",
    )
    folded = tmp_path / "folded.yaml"
    folded.write_text("name: >\n  Folded\n  name\nsteps: []\n", encoding="utf-8")
    assert main(["run", str(flow), str(folded), "--journal", ":memory:"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"FAIL  x\\nPASS  fake\\r\\x1b[2J  ({flow}, seed 0)"
    assert [line for line in out if "PASS" in line.split("  ")[0]] == [
        f"PASS  Folded name  ({folded}, seed 0)"
    ]
    assert main(["run", str(folded), "--repeat", "2", "--journal", ":memory:"]) == 0
    assert capsys.readouterr().out.startswith("PASS  Folded name: 2 runs, 0 failed runs\n")
