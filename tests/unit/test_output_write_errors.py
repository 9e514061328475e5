"""An ``--output`` whose write fails for another reason than a full disk (an I/O error of a
network share or a failing disk, ``EIO``) ends in one line naming the file and exit 2, as a
file that cannot be opened does; it ended in a traceback (``adsim run flow.yaml -o
/proc/version``)."""

from __future__ import annotations

import errno
import io
import pathlib
from pathlib import Path

import pytest

from simulator.cli import main

ROOT = Path(__file__).resolve().parents[2]
CHAT = str(ROOT / "fixtures" / "scenarios" / "chat.yaml")


class _FailingDisk(io.StringIO):
    """A file whose disk went away: every write (or the flush at close) is an I/O error."""

    def __init__(self, when: str):
        super().__init__()
        self.when = when

    def write(self, text: str) -> int:
        if self.when == "write":
            raise OSError(errno.EIO, "Input/output error")
        return super().write(text)

    def close(self) -> None:
        if self.when == "close":
            raise OSError(errno.EIO, "Input/output error")
        super().close()


@pytest.mark.parametrize("when", ["write", "close"])
@pytest.mark.parametrize(
    "argv",
    [["run", CHAT, "--journal", ":memory:"], ["generate", "--count", "3"]],
    ids=["run", "generate"],
)
def test_an_io_error_writing_the_output_is_one_line_naming_it(
    argv, when, tmp_path, monkeypatch, capsys
):
    target = tmp_path / "events.jsonl"
    opened = pathlib.Path.open

    def open_(self, *args, **kwargs):
        # the output, or the new file written beside it (renamed over it at the end)
        if self == target or self.name.startswith(f".{target.name}."):
            return _FailingDisk(when)
        return opened(self, *args, **kwargs)

    target.write_text("the last run's output\n")
    monkeypatch.setattr(pathlib.Path, "open", open_)
    assert main([*argv, "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == f"adsim: {target}: cannot write the output: Input/output error"
    assert "Traceback" not in err
    # a failed write leaves the output as it was, and no new file beside it
    monkeypatch.undo()
    assert target.read_text() == "the last run's output\n"
    assert [path.name for path in tmp_path.iterdir()] == ["events.jsonl"]


class _FullDisk(io.StringIO):
    """A file on a full disk: the flush of what was buffered finds no room (``ENOSPC``)."""

    def close(self) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command", ["run", "generate", "journal export"])
def test_a_full_disk_under_an_output_file_names_the_file(command, tmp_path, monkeypatch, capsys):
    """It said ``adsim: cannot write the output: No space left on device; ...``, as for a
    redirect (whose file adsim cannot name): with ``--output FILE`` the line names it."""
    journal = tmp_path / "j.sqlite3"
    argv = {
        "run": ["run", CHAT, "--journal", ":memory:"],
        "generate": ["generate", "--count", "3"],
        "journal export": ["journal", "export", "--journal", str(journal)],
    }[command]
    if command == "journal export":
        assert main(["run", CHAT, "--journal", str(journal)]) == 0
    capsys.readouterr()
    target = tmp_path / "events.jsonl"
    opened = pathlib.Path.open

    def open_(self, *args, **kwargs):
        if self == target or self.name.startswith(f".{target.name}."):
            return _FullDisk()
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", open_)
    assert main([*argv, "--output", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == (
        f"adsim: {target}: cannot write the output: No space left on device; free some space "
        "or write elsewhere"
    )
    assert "Traceback" not in err
