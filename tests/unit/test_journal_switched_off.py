"""A journal switched off in a run's middle (the window's **Switch the journal off**) records so.

The window switches its journal off when the journal cannot be written (the banner's button):
the run went on to a normal close, unjournaled, and ``adsim journal runs`` listed it as
``unfinished`` (its end was never written: the journal that could not take the events could not
take it either, and the close wrote nothing of the switch), or as ``finished`` when the journal
took writes again by then, as if it held the whole run. Its end is now ``journal-off``, with the
time of the switch, written at once or at the next transaction that goes through (the close);
nothing of the run after the switch is journaled (an outcome of an event not journaled, a packet).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from simulator.cli import main
from simulator.journal import Journal
from tests.unit.journal_fakes import FakeEvent, fake_outcome

SHORT = 0.05  # seconds a locked journal is waited for in these tests


def _lock(path: Path) -> sqlite3.Connection:
    """Another process's view: a connection holding the journal's write lock."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def _end_column(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["journal", "runs", "--journal", str(path)]) == 0
    header, row = capsys.readouterr().out.splitlines()
    return row[header.index("END") : header.index("WHAT")].strip()


def _row(path: Path) -> tuple[object, object]:
    with sqlite3.connect(path) as reader:
        return reader.execute("SELECT ending, ended_ms FROM runs WHERE id = 1").fetchone()


def test_switched_off_while_unwritable_the_close_records_journal_off(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    journal.commit([FakeEvent(1)])
    journal.record_outcome(fake_outcome(1))
    other = _lock(path)
    try:
        journal.detach()  # the window's button: the journal cannot be written now
        assert journal.failure is not None  # the end could not be written at the switch
        journal.record_outcome(fake_outcome(2))  # event 2 was delivered unjournaled
        journal.record_packet("page", "in", {"type": "x"})
    finally:
        other.close()
    assert _row(path) == (None, None)
    journal.close()  # the window closes normally, the journal writable again
    ending, ended_ms = _row(path)
    assert ending is None and isinstance(ended_ms, int)
    assert _end_column(path, capsys) == "journal-off"
    with Journal.open(path, writing=False) as read:
        end = read.run_end(1)
        assert (end.status, end.ended_ms, end.cut_short) == ("journal-off", ended_ms, False)
        assert [o.event_seq for o in read.outcomes()] == [1]  # nothing after the switch
        assert list(read.packets()) == []


def test_switched_off_while_writable_the_end_is_written_at_once(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    journal.commit([FakeEvent(1)])
    journal.detach()
    try:
        assert _end_column(path, capsys) == "journal-off"  # before the close: written
        switched = _row(path)[1]
        journal.record_outcome(fake_outcome(1))  # an event journaled before: still written
    finally:
        journal.close()
    assert _row(path) == (None, switched)  # the close wrote no "finished" over it
    with Journal.open(path, writing=False) as read:
        assert [o.event_seq for o in read.outcomes()] == [1]


def test_a_run_with_its_end_held_keeps_it_when_switched_off(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    journal.commit([FakeEvent(1)])
    journal.end_run(interrupted=True, signum=15)
    journal.detach()
    journal.close()
    assert _end_column(path, capsys) == "interrupted(SIGTERM)"


def test_show_says_the_journal_was_switched_off(tmp_path, capsys):
    path = tmp_path / "j.sqlite3"
    journal = Journal.open(path, busy_timeout=SHORT)
    event = FakeEvent(1, name="ON_NEW_INTERACTION")
    event.interaction_id = "0F3A"  # type: ignore[assignment]
    journal.commit([event])
    journal.detach()
    journal.close()
    assert main(["journal", "show", "0F3A", "--journal", str(path)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "run 1: interaction 0F3A (its journal was switched off in the window: what follows is "
        "all it journaled)"
    )
