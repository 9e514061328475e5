"""``adsim journal export|show|runs|prune`` on what a tester or a CI job hands them: a journal
holding text a handler returned (a lone surrogate), an id typed in another encoding, a row
damaged by hand or by a bad disk, an empty file, a device. Each either works or ends in one line
naming the journal (or the argument) and what to do, exit 2; never a traceback."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.handlers import HandlerOutcome
from simulator.journal import Journal

IID = "I-1"
RESULT = {"k\udc80": "v\ud800", "rtl": "\u202eevil", "nul": "\x00"}
"""What a handler may return: the journal keeps it exactly (lone surrogates as escapes)."""


class _Event:
    def __init__(self, seq: int, args: object):
        self.seq = seq
        self.name = "ON_NEW_INTERACTION"
        self.time_ms = 1000 + seq
        self.interaction_id = IID
        self.wire_args = (args,)


def _journal(path: Path) -> Path:
    """A journal of one run: two events of ``IID``, the first handled by a handler that
    returned ``RESULT`` and answered, and a JS page's packet."""
    with Journal.open(path, meta={"command": "run"}) as journal:
        journal.commit([_Event(1, {"n": 1}), _Event(2, {"n": 2})])
        journal.record_outcome(
            HandlerOutcome(
                event_seq=1,
                event_name="ON_NEW_INTERACTION",
                interaction_id=IID,
                handler="on_new",
                plugin="p",
                duration_ms=1.0,
                status="ok",
                result=RESULT,
            )
        )
        journal.record_answer(1, {"answered": True})
        journal.record_packet("js:page", "out", {"type": "EVENT", "uid": "u1", "params": [1]})
    return path


def _exit_code(argv: list[str]) -> int | str | None:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage errors
        return exc.code


def test_a_lone_surrogate_a_handler_returned_is_exported_as_its_exact_escape(tmp_path, capsys):
    """It ended ``export`` (both formats, stdout or ``-o``) and ``show`` in a
    ``UnicodeEncodeError`` traceback: that journal could not be read back at all."""
    journal = str(_journal(tmp_path / "j.db"))
    assert main(["journal", "export", "--journal", journal]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "\\ud800" in lines[1]
    assert json.loads(lines[1])["result"] == RESULT

    out = tmp_path / "j.csv"
    argv = ["journal", "export", "--journal", journal, "--format", "csv", "-o", str(out)]
    assert main(argv) == 0
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert json.loads(rows[1]["data"]) == RESULT

    assert main(["journal", "show", IID, "--journal", journal]) == 0
    shown = capsys.readouterr().out
    # The right-to-left override is escaped on show's line (``one_line``), exact in the export.
    assert (
        '-> p:on_new ok 1.0 ms -> {"k\\udc80":"v\\ud800","rtl":"\\u202eevil","nul":"\\u0000"}'
        in shown
    )


@pytest.mark.parametrize(
    ("argv", "option"),
    [
        (["journal", "show", "I-\udcff"], "ID"),
        (["journal", "export", "--interaction", "I-\udcff"], "--interaction"),
        (["journal", "export", "--agent", "omar\udcff"], "--agent"),
    ],
)
def test_an_id_that_is_not_utf8_is_refused_in_one_line(tmp_path, capsys, argv, option):
    """An id from a terminal in another encoding: SQLite cannot bind it (a traceback)."""
    journal = str(_journal(tmp_path / "j.db"))
    assert _exit_code([*argv, "--journal", journal]) == 2
    err = capsys.readouterr().err
    assert f"argument {option}: " in err
    assert "is not UTF-8 text, and every id and name a journal holds is; copy it from the " in err
    assert "Traceback" not in err


_DAMAGE = {
    "event #2-args": ("UPDATE events SET args = '{oops' WHERE seq = 2", ["export"]),
    "event #1-answer": ("UPDATE events SET answer = '{oops'", ["export", "--format", "csv"]),
    "outcome of event #1-result": ("UPDATE outcomes SET result = '{oops'", ["show", IID]),
    "packet 1-params": ("UPDATE packets SET params = '{oops'", ["export", "--packets"]),
}


@pytest.mark.parametrize("case", list(_DAMAGE))
def test_a_row_whose_json_is_damaged_is_named_in_one_line(tmp_path, capsys, case):
    """SQLite checks no text: a bit flipped by a bad disk or an edit by hand left JSON that
    is not JSON, and export and show ended in a ``JSONDecodeError`` traceback (exit 1)."""
    sql, argv = _DAMAGE[case]
    row, column = case.rsplit("-", 1)
    journal = _journal(tmp_path / "j.db")
    db = sqlite3.connect(journal)
    with db:
        db.execute(sql)
    db.close()
    assert main(["journal", *argv, "--journal", str(journal)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {journal}: not a usable adsim journal (run 1 {row}: its {column} column is not "
        "JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)); "
        "pass another --journal file\n"
    )


READERS = [
    ["export"],
    ["export", "--format", "csv"],
    ["show", IID],
    ["runs"],
    ["prune", "--keep", "1"],
]


@pytest.mark.parametrize("argv", READERS, ids=" ".join)
def test_an_empty_file_is_refused_and_left_empty(tmp_path, capsys, argv):
    """A file cut to nothing, or one made by ``touch``: export and runs said "no runs yet",
    exit 0, and every command wrote a new 48 KB journal into the file they only read."""
    empty = tmp_path / "j.db"
    empty.touch()
    assert main(["journal", *argv, "--journal", str(empty)]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {empty}: is empty, not a journal; pass the journal file a run wrote with "
        "--journal PATH\n"
    )
    assert [path.name for path in tmp_path.iterdir()] == ["j.db"]
    assert empty.stat().st_size == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX devices")
@pytest.mark.parametrize("argv", READERS, ids=" ".join)
def test_a_device_is_refused_in_one_line(capsys, argv):
    """``--journal /dev/null``: "not a usable adsim journal (cannot rollback - no transaction
    is active)", SQLite's words for it; a pipe was "cannot be written (disk I/O error)"."""
    assert main(["journal", *argv, "--journal", os.devnull]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {os.devnull}: is a device or a pipe, not a journal file; pass the journal file "
        "with --journal PATH\n"
    )


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX devices")
def test_a_device_as_the_journal_of_a_run_is_refused_in_one_line(capsys):
    """``adsim demo --journal /dev/null`` (to keep none) is refused saying what keeps none."""
    assert main(["demo", "--journal", os.devnull]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {os.devnull}: is a device or a pipe, not a journal file; pass a file, "
        "or ':memory:' to keep none\n"
    )


def test_show_of_events_past_the_year_9999_gives_their_epoch_ms(tmp_path, capsys):
    """A scenario may start at the last second of 9999 (``settings: {start_time_ms: ...}``);
    its events' times were a ``ValueError: year 10000 is out of range`` traceback."""
    journal = tmp_path / "j.db"
    late = _Event(1, {})
    late.time_ms = 253_402_300_800_000  # 10000-01-01T00:00:00Z
    with Journal.open(journal) as writing:
        writing.commit([late])
    assert main(["journal", "show", IID, "--journal", str(journal)]) == 0
    assert capsys.readouterr().out == (
        f"run 1: interaction {IID}\n  #1     253402300800000 ms  ON_NEW_INTERACTION  [{{}}]\n"
    )


def test_show_of_an_interaction_another_run_has_names_the_run(tmp_path, capsys):
    """``show ID --run 2`` of an interaction of run 1 said "no events of interaction ID", as
    if the journal had none (``export --interaction ID --run 2`` says "in run 2")."""
    journal = str(_journal(tmp_path / "j.db"))
    other = _Event(1, {})
    other.interaction_id = "I-2"
    with Journal.open(journal) as second:
        second.commit([other])  # run 2
    assert main(["journal", "show", IID, "--run", "2", "--journal", journal]) == 2
    assert capsys.readouterr().err == (
        f"adsim: {journal}: no events of interaction {IID!r} in run 2; list ids with export\n"
    )
