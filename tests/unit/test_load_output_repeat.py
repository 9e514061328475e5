"""``adsim run --repeat N -o FILE``: each line says which run of the series it is from."""

from __future__ import annotations

import json
from pathlib import Path

from simulator.cli import main

SCENARIOS = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"


def test_each_line_of_a_series_names_its_repeat(tmp_path, capsys):
    """The lines of every run were alike: a run was told only by ``seq`` going back to 1, which
    several agents' desktops do within one run too."""
    out = tmp_path / "events.jsonl"
    scenario = str(SCENARIOS / "missed_call.yaml")
    argv = ["run", scenario, "--journal", ":memory:", "--seed", "3"]
    assert main([*argv, "--repeat", "3", "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    repeats = [line["repeat"] for line in lines]
    assert sorted(set(repeats)) == [1, 2, 3] and repeats == sorted(repeats)
    first = [line for line in lines if line["repeat"] == 1]
    assert [line["seq"] for line in first] == list(range(1, len(first) + 1))
    assert list(first[0]) == ["seq", "time", "event", "interactionId", "args", "repeat"]
    # The series' run N is the run of seed + N - 1, line for line.
    alone = tmp_path / "alone.jsonl"
    assert main([*argv[:-1], "4", "-o", str(alone)]) == 0
    second = [{k: v for k, v in line.items() if k != "repeat"} for line in lines]
    second = [line for line, whole in zip(second, lines, strict=True) if whole["repeat"] == 2]
    assert second == [json.loads(line) for line in alone.read_text().splitlines()]
    # Without --repeat, no key: the lines as before.
    assert all("repeat" not in json.loads(line) for line in alone.read_text().splitlines())
    capsys.readouterr()


def test_each_line_of_several_files_names_its_file(tmp_path, capsys):
    """``adsim run a.yaml b.yaml -o FILE``: the lines of the two runs were alike (``seq`` going
    back to 1), and under ``--repeat`` both files' runs said ``"repeat": 1``: the output could
    not be split back. One file's lines stay byte for byte as they were."""
    first, second = str(SCENARIOS / "missed_call.yaml"), str(SCENARIOS / "chat.yaml")
    alone = {}
    for scenario in (first, second):
        out = tmp_path / f"{Path(scenario).stem}.jsonl"
        assert main(["run", scenario, "--journal", ":memory:", "-o", str(out)]) == 0
        alone[scenario] = out.read_bytes()
        assert b'"scenario"' not in alone[scenario]
    for extra, repeat in (([], None), (["--repeat", "2"], 1)):
        both = tmp_path / "both.jsonl"
        assert main(["run", first, second, "--journal", ":memory:", "-o", str(both), *extra]) == 0
        lines = [json.loads(line) for line in both.read_text().splitlines()]
        assert {line["scenario"] for line in lines} == {first, second}
        keys = ["seq", "time", "event", "interactionId", "args", "scenario"]
        assert list(lines[0]) == keys + ([] if repeat is None else ["repeat"])
        for scenario, whole in alone.items():
            mine = [
                {k: v for k, v in line.items() if k not in ("scenario", "repeat")}
                for line in lines
                if line["scenario"] == scenario and line.get("repeat") == repeat
            ]
            assert mine == [json.loads(line) for line in whole.decode().splitlines()]
    capsys.readouterr()


def test_a_series_of_one_run_is_a_series(tmp_path, capsys):
    """docs/cli.md: under ``--repeat N`` each line has ``"repeat"``, without ``--repeat`` none;
    docs/scenarios.md: a series of one run says ``one run: no pace between runs``. ``--repeat 1``
    ran as if no ``--repeat`` were given: no key, and the one-run summary."""
    out = tmp_path / "events.jsonl"
    scenario = str(SCENARIOS / "missed_call.yaml")
    assert main(["run", scenario, "--journal", ":memory:", "--repeat", "1", "-o", str(out)]) == 0
    assert "1 run, 0 failed runs" in capsys.readouterr().out
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines and {line["repeat"] for line in lines} == {1}
