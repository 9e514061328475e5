"""An ``--output`` file is written beside its place and renamed over it when the command ends.

Two commands writing the same ``-o`` at once (two CI jobs, a script's ``&``) each truncated it
and wrote from their own offset: lines of one over the other's, cut mid-line, with NUL bytes
between. Now each writes a file of its own: the output holds one command's whole output, the
one that ended last, and it is never half-written while a command runs.
"""

from __future__ import annotations

import json
import os
import pathlib
import stat
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.overwrite import open_output
from simulator.scenarios import result as result_module

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


def _leftovers(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.endswith(".adsim-tmp")]


def test_two_writers_of_one_output_leave_one_whole_output(tmp_path):
    out = tmp_path / "events.jsonl"
    first, second = open_output(out), open_output(out)
    for index in range(50):  # interleaved, as two commands at once
        first.write(json.dumps({"run": "first", "index": index}) + "\n")
        second.write(json.dumps({"run": "second", "index": index, "more": "x" * 40}) + "\n")
    second.close()
    assert [json.loads(line)["run"] for line in out.read_text().splitlines()] == ["second"] * 50
    first.close()
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [{"run": "first", "index": index} for index in range(50)]
    assert _leftovers(tmp_path) == []


def test_the_output_is_untouched_until_the_run_ends(tmp_path, monkeypatch, capsys):
    out = tmp_path / "events.jsonl"
    out.write_text("the last run's events\n")
    seen: list[str] = []
    jsonl = result_module.ScenarioResult.jsonl

    def watched(self, repeat=None, scenario=None):  # what another reader sees mid-run
        seen.append(out.read_text())
        return jsonl(self, repeat, scenario)

    monkeypatch.setattr(result_module.ScenarioResult, "jsonl", watched)
    assert main(["run", CHAT, CHAT, "--journal", ":memory:", "-o", str(out)]) == 0
    capsys.readouterr()
    assert seen == ["the last run's events\n"] * 2
    events = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(events) == 30 and events[0]["event"] == "ON_LOGIN"
    assert _leftovers(tmp_path) == []


def test_permissions_are_kept_and_a_link_stays_a_link(tmp_path):
    real = tmp_path / "real.jsonl"
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real.name)
    with open_output(link) as out:
        out.write("new\n")
    assert link.is_symlink()
    assert real.read_text() == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_a_pipe_is_written_in_place(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        with open_output(fifo) as out:
            out.write("through the pipe\n")
        assert os.read(reader, 100) == b"through the pipe\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert _leftovers(tmp_path) == []


def test_a_folder_adsim_may_not_create_files_in_is_written_in_place(tmp_path, monkeypatch):
    out = tmp_path / "events.jsonl"
    opened = pathlib.Path.open

    def open_(self, mode="r", *args, **kwargs):
        if mode == "x":
            raise PermissionError(13, "Permission denied")
        return opened(self, mode, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", open_)
    with open_output(out) as handle:
        handle.write("in place\n")
    assert out.read_text() == "in place\n"


@pytest.mark.parametrize("target", ["missing/events.jsonl", "."])
def test_an_output_that_cannot_be_opened_is_one_line(target, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", CHAT, "--journal", ":memory:", "-o", target]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"adsim: {target}: cannot write the events: ")
    assert "Traceback" not in err
    assert _leftovers(tmp_path) == []


@pytest.mark.parametrize("form", ["jsonl", "csv"])
def test_a_journal_export_is_written_beside_its_output_too(tmp_path, monkeypatch, capsys, form):
    journal = tmp_path / "j.sqlite3"
    assert main(["run", CHAT, "--journal", str(journal)]) == 0
    out = tmp_path / f"export.{form}"
    out.write_text("the last export\n")
    seen: list[str] = []
    from simulator.journal import commands

    writer = commands.export_jsonl if form == "jsonl" else commands.export_csv

    def watched(journal_, stream, **options):  # what another reader sees mid-export
        writer(journal_, stream, **options)
        seen.append(out.read_text())

    monkeypatch.setattr(commands, f"export_{form}", watched)
    assert (
        main(["journal", "export", "--journal", str(journal), "--format", form, "-o", str(out)])
        == 0
    )
    capsys.readouterr()
    assert seen == ["the last export\n"]
    assert out.read_text().count("ON_LOGIN") == 1
    assert _leftovers(tmp_path) == []
